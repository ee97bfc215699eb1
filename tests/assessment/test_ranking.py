from decimal import Decimal as D

import pytest

from reformledger.assessment.ranking import competition_ranks, held, noise_bands, points


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    assert competition_ranks({"a": D("90"), "b": D("95"), "c": D("90"), "d": D("80")}) == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_every_two_units_of_a_noise_band_are_within_the_margin():
    scores = {"a": D("95.0"), "b": D("94.6"), "c": D("94.2"), "d": D("93.9"), "e": D("90")}
    bands = noise_bands(scores, D("0.5"))
    assert bands == {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    for x in scores:
        for y in scores:
            if bands[x] == bands[y]:
                assert abs(scores[x] - scores[y]) <= D("0.5")


def test_a_zero_margin_bands_only_equal_scores_and_a_negative_one_is_refused():
    assert noise_bands({"a": D(1), "b": D(1), "c": D(0)}, D(0)) == {"a": 1, "b": 1, "c": 2}
    with pytest.raises(ValueError):
        noise_bands({"a": D(1)}, D(-1))


def test_held_returns_the_adjustment_that_makes_the_line_items_add_up():
    assert held(D("105"), floor=D("0"), cap=D("100")) == (D("100"), D("-5"))
    assert held(D("-3"), floor=D("0"), cap=None) == (D("0"), D("3"))
    assert held(D("50"), floor=None, cap=None) == (D("50"), D("0"))


def test_points_keep_three_decimals_rounded_half_up():
    assert points(1.0005) == D("1.001") and points("2.5") == D("2.500") and points(D("-0.0005")) == D("-0.001")
