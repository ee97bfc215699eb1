"""The panel's pure arithmetic: trimmed means, Krippendorff's alpha against the published worked
example, and the furthest rater."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reformledger.evaluation.agreement import (
    furthest_rater,
    krippendorff_alpha_interval,
    rater_deviations,
    trimmed_mean,
)

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the example with missing
# data: 4 observers, 12 units, values 1..5 (None: not coded). Published: α(interval) = 0.849
# (nominal 0.743, ordinal 0.815, ratio 0.797). Unit 12 has one value: not pairable.
N = None
OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def _units():
    return [[v for v in column if v is not None] for column in zip(*OBSERVERS, strict=True)]


def test_alpha_interval_matches_krippendorffs_worked_example():
    assert krippendorff_alpha_interval(_units()) == pytest.approx(0.849, abs=0.0005)


def test_alpha_worked_example_by_hand():
    """The same, step by step as the paper's coincidence matrix gives it: n = 40 pairable values,
    D_o = 0.3 (observed), D_e ≈ 1.986 (expected)."""
    units = [u for u in _units() if len(u) >= 2]
    n = sum(len(u) for u in units)
    assert n == 40
    observed = sum(sum((a - b) ** 2 for i, a in enumerate(u) for j, b in enumerate(u) if i != j) / (len(u) - 1) for u in units) / n
    values = [v for u in units for v in u]
    expected = sum((a - b) ** 2 for i, a in enumerate(values) for j, b in enumerate(values) if i != j) / (n * (n - 1))
    assert 1 - observed / expected == pytest.approx(krippendorff_alpha_interval(units))


def test_alpha_perfect_and_undefined():
    assert krippendorff_alpha_interval([[80, 80], [70, 70], [60, 60]]) == pytest.approx(1.0)
    assert krippendorff_alpha_interval([[80, 80], [80, 80]]) is None  # no variation at all
    assert krippendorff_alpha_interval([[80]]) is None  # nothing pairable
    assert krippendorff_alpha_interval([]) is None


def test_alpha_near_zero_for_unrelated_scores():
    # Each unit's two values are spread like the whole: agreement no better than chance.
    assert krippendorff_alpha_interval([[1, 5], [5, 1], [1, 5], [5, 1]]) < 0


def test_trimmed_mean_drops_highest_and_lowest_from_five():
    t = trimmed_mean([80, 90, 70, 85, 60], trim_from=5)
    assert t.trimmed and t.dropped_high == 1 and t.dropped_low == 4
    assert t.mean == pytest.approx((80 + 70 + 85) / 3)


def test_trimmed_mean_keeps_all_below_the_threshold():
    t = trimmed_mean([80, 90, 70, 85], trim_from=5)
    assert not t.trimmed and t.mean == pytest.approx(81.25)
    assert trimmed_mean([], trim_from=5).mean is None


def test_trimmed_mean_with_ties_drops_two_values():
    t = trimmed_mean([80, 80, 80], trim_from=3)
    assert t.trimmed and t.dropped_high != t.dropped_low and t.mean == 80


def test_trimmed_mean_refuses_a_threshold_below_three():
    with pytest.raises(ValueError):
        trimmed_mean([1, 2], trim_from=2)


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=3, max_size=12))
def test_trimmed_mean_lies_between_min_and_max(values):
    t = trimmed_mean(values, trim_from=3)
    assert min(values) - 1e-9 <= t.mean <= max(values) + 1e-9


def test_furthest_rater_is_the_lenient_one():
    values = {}
    for unit, base in enumerate([70, 80, 60, 75]):
        values[(unit, "a")] = base
        values[(unit, "b")] = base + 1
        values[(unit, "c")] = base - 1
        values[(unit, "lenient")] = base + 12
    far = furthest_rater(values)
    assert far is not None and far.rater == "lenient" and far.mean_signed > 0 and far.units == 4
    # leave-one-out: the others' mean is base + 0 → 12 from them on every unit
    assert far.mean_absolute == pytest.approx(12)
    assert [d.rater for d in rater_deviations(values)][0] == "lenient"


def test_furthest_rater_needs_two_raters_on_a_unit():
    assert furthest_rater({(1, "a"): 80.0}) is None
