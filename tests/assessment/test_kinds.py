"""Every rule kind computed on a small district: the points, what each line rests on, and an
explanation that recomputes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone, translation

from reformledger.assessment.models import CommendationKind
from reformledger.assessment.services import computation
from reformledger.casestudies.models import Adoption
from reformledger.reforms.models import Status, Tier
from tests.assessment import records
from tests.assessment.conftest import lines_of, scores_of

pytestmark = pytest.mark.django_db
SUB_A, SUB_B, DEPT = "lh-guiyuan", "lh-huangbei", "lh-health"


@pytest.fixture
def assess(make_scheme, people):
    def run(*rules, **fields):
        scheme = make_scheme([{"title": "规则", "params": {}, **r} for r in rules], adopt=True, **fields)
        return computation.compute(user=people.office, scheme=scheme)
    return run


def test_base_gives_every_unit_of_the_scheme_its_points(assess):
    assessment = assess({"clause": "1", "kind": "base", "params": {"points": 60}})
    assert scores_of(assessment) == {SUB_A: D(60), SUB_B: D(60), DEPT: D(60)}
    assert lines_of(assessment, SUB_A)[0].explanation == "Base score: 60"


def test_a_rule_narrowed_to_a_unit_kind_spares_the_others(assess):
    assessment = assess({"clause": "1", "kind": "base", "params": {"points": 5}, "unit_kinds": ["department"]})
    assert scores_of(assessment) == {SUB_A: 0, SUB_B: 0, DEPT: 5}


def test_rank_ladder_ranks_on_a_variable_and_ties_share_a_step(assess, reform_factory, district):
    for _ in range(2):
        reform_factory(lead_unit=district.sub_a)
    reform_factory(lead_unit=district.sub_b)
    reform_factory(lead_unit=district.sub_b)
    assessment = assess({"clause": "1", "kind": "rank_ladder", "params": {"variable": "reforms_led", "ladder": [5, 3], "otherwise": 1}})
    assert scores_of(assessment) == {SUB_A: 5, SUB_B: 5, DEPT: 1}
    line = lines_of(assessment, DEPT)[0]
    assert line.quantity == 3 and "Rank 3 of 3" in line.explanation


def test_proportional_to_the_best_unit(assess):
    assessment = assess({"clause": "1", "kind": "proportional", "params": {"values": {SUB_A: 80, SUB_B: 40, DEPT: 0}, "points": 10}})
    assert scores_of(assessment) == {SUB_A: 10, SUB_B: 5, DEPT: 0}
    assert "40 ÷ the best 80 × 10 = 5" in lines_of(assessment, SUB_B)[0].explanation


def test_interpolated_between_baseline_and_challenge_clipped(assess):
    assessment = assess({"clause": "1", "kind": "interpolated",
                         "params": {"values": {SUB_A: 120, SUB_B: 75, DEPT: 10}, "baseline": 50, "challenge": 100, "points": 8}})
    assert scores_of(assessment) == {SUB_A: 8, SUB_B: 4, DEPT: 0}


def test_per_instance_with_the_rules_floor(assess):
    assessment = assess({"clause": "1", "kind": "per_instance", "params": {"values": {SUB_A: 30, SUB_B: 2}, "points": -0.5}, "floor": D(-10)})
    assert scores_of(assessment) == {SUB_A: -10, SUB_B: -1, DEPT: 0}
    lines = lines_of(assessment, SUB_A)
    assert [line.points for line in lines] == [D(-15), D(5)]
    assert lines[1].adjustment == "rule" and "held between its floor -10" in lines[1].explanation


def test_imported_figures_by_unit_code(assess):
    assessment = assess({"clause": "1", "kind": "imported", "params": {"values": {SUB_B: 7.5}, "source": "统计局"}})
    assert scores_of(assessment) == {SUB_A: 0, SUB_B: D("7.5"), DEPT: 0}
    assert "统计局" in lines_of(assessment, SUB_B)[0].explanation


def test_reform_outcome_by_tier_outcome_grade_and_expert_band(assess, reform_factory, district, people):
    on_time = reform_factory(code="K-1", tier=Tier.KEY, status=Status.COMPLETED, co_units=[district.department])
    late = reform_factory(code="K-2", tier=Tier.KEY, status=Status.COMPLETED)
    records.completed_on(late, dt.date(2019, 2, 1), people.office)  # due 2018-12-31
    reform_factory(code="M-1", tier=Tier.MICRO, status=Status.TERMINATED, lead_unit=district.sub_b)
    reform_factory(code="M-0", tier=Tier.MICRO, status=Status.DRAFT, lead_unit=district.sub_b)  # never ran: not counted
    records.lookback(on_time, grade="excellent", by=people.office, concluded=dt.date(2020, 3, 1))
    records.expert_scores(district.district, people.office, 2018, {on_time: [90, 92, 94], late: [70, 72, 74]})
    assessment = assess({"clause": "2", "kind": "reform_outcome", "params": {
        "tiers": {"key": {"completed_on_time": 4, "completed_late": 2, "not_completed": -2, "terminated": -3},
                  "micro": {"terminated": -1}},
        "co_unit_weight": 0.5, "grades": {"excellent": 1}, "expert_bands": [{"from": 90, "to": 101, "points": 2}, {"from": 0, "to": 90, "points": 0}],
    }})
    assert scores_of(assessment) == {SUB_A: D(4 + 1 + 2 + 2 + 0), SUB_B: D(-1), DEPT: D("3.5")}
    k1 = next(line for line in lines_of(assessment, SUB_A) if line.reform.code == "K-1")
    assert "completed on time: 4" in k1.explanation and "look-back grade excellent: 1" in k1.explanation
    assert "expert score 92 in band 90–101: 2" in k1.explanation
    assert "× 0.5 = 3.5" in lines_of(assessment, DEPT)[0].explanation


def test_lateness_counts_task_months_from_the_spells_an_extension_does_not_hide(assess, reform_factory, district):
    reform = reform_factory(code="K-9")
    task = records.overdue(reform, start=dt.date(2018, 3, 20), end=dt.date(2018, 4, 5)).task  # ended by an extension: 2 months
    records.overdue(reform, start=dt.date(2018, 4, 20), end=dt.date(2018, 5, 2), task=task)  # April again, and May: +1
    records.overdue(reform, start=dt.date(2017, 12, 1), end=dt.date(2018, 1, 3), unit=district.sub_b)  # January only
    records.overdue(reform, start=dt.date(2019, 1, 5), end=None)  # next year: not counted
    assessment = assess({"clause": "3", "kind": "lateness", "params": {"per": "task_month", "points": -0.5}})
    assert scores_of(assessment) == {SUB_A: D("-1.5"), SUB_B: D("-0.5"), DEPT: 0}
    line = lines_of(assessment, SUB_A)[0]
    assert line.reform == reform and line.task == task and line.quantity == 3
    assert "3 overdue task-months" in line.explanation and "× -0.5 = -1.5" in line.explanation


def test_late_replies_to_the_years_orders(assess, district, people):
    records.order_to(district.district, district.sub_a, issued=dt.date(2018, 3, 1), reply_by=dt.date(2018, 3, 10),
                     replied=dt.date(2018, 3, 15), by=people.office)
    records.order_to(district.district, district.sub_a, issued=dt.date(2018, 5, 1), reply_by=dt.date(2018, 5, 10),
                     replied=None, by=people.office)
    records.order_to(district.district, district.sub_b, issued=dt.date(2018, 5, 1), reply_by=dt.date(2018, 5, 10),
                     replied=dt.date(2018, 5, 9), by=people.office)
    assessment = assess({"clause": "3", "kind": "lateness", "params": {"per": "late_report", "points": -1}})
    assert scores_of(assessment) == {SUB_A: -2, SUB_B: 0, DEPT: 0}


def test_no_reform_penalty(assess, reform_factory, district):
    reform_factory(lead_unit=district.sub_a)
    assessment = assess({"clause": "4", "kind": "no_reform", "params": {"points": -5}})
    assert scores_of(assessment) == {SUB_A: 0, SUB_B: -5, DEPT: -5}


def test_adoption_bonus_cites_the_case_and_lookback_adoptions_are_not_counted_twice(assess, reform_factory, district, people):
    reform = reform_factory(code="K-5", tier=Tier.KEY, status=Status.COMPLETED)
    adoption = records.adopted(reform, people.office, level="nation", day=dt.date(2018, 6, 1))
    records.adopted(reform_factory(code="K-6", lead_unit=district.sub_b), people.office, level="city", day=dt.date(2018, 6, 1), published=False)
    records.lookback(reform, grade="good", by=people.office, concluded=dt.date(2018, 9, 1),
                     adoptions=[("nation", "全国"), ("province", "广东省")])
    assessment = assess({"clause": "5", "kind": "adoption", "params": {"levels": {"city": 1, "province": 2, "nation": 3}, "include_lookback": True}})
    assert scores_of(assessment) == {SUB_A: 5, SUB_B: 0, DEPT: 0}
    first = lines_of(assessment, SUB_A)[0]
    assert first.case_study == adoption.case_study and first.adoption == adoption


def test_a_withdrawn_case_adoption_no_longer_hides_the_lookback_adoption(assess, reform_factory, district, people):
    """The case study's national adoption was withdrawn: it counts for nothing, and the look-back
    review's national adoption of the same reform then counts in its place."""
    reform = reform_factory(code="K-5", tier=Tier.KEY, status=Status.COMPLETED)
    adoption = records.adopted(reform, people.office, level="nation", day=dt.date(2018, 6, 1))
    Adoption.objects.filter(pk=adoption.pk).update(withdrawn_at=timezone.now())
    records.lookback(reform, grade="good", by=people.office, concluded=dt.date(2018, 9, 1), adoptions=[("nation", "全国")])
    assessment = assess({"clause": "5", "kind": "adoption", "params": {"levels": {"city": 1, "province": 2, "nation": 3}, "include_lookback": True}})
    assert scores_of(assessment) == {SUB_A: 3, SUB_B: 0, DEPT: 0}
    assert lines_of(assessment, SUB_A)[0].adoption is None


def test_public_rating_bands_on_the_published_results(assess, reform_factory, district, people):
    good, poor = reform_factory(code="K-7", tier=Tier.KEY), reform_factory(code="K-8", tier=Tier.KEY, lead_unit=district.sub_b)
    round_ = records.public_round(district.district, people.office, 2018, {good: [5, 5, 4, 5], poor: [2, 2, 3]})
    records.public_round(district.district, people.office, 2018, {good: [1, 1, 1]}, published=False)
    assessment = assess({"clause": "6", "kind": "public_rating", "params": {"bands": [{"from": 4.5, "to": 5.01, "points": 2}, {"from": 1, "to": 2.5, "points": -1}]}})
    assert scores_of(assessment) == {SUB_A: 2, SUB_B: D(-1), DEPT: 0}
    line = lines_of(assessment, SUB_A)[0]
    assert line.round == round_ and "4.75" in line.explanation


def test_commendations_count_unless_revoked(assess, district, people):
    records.commend(district.district, district.sub_a, people.office, year=2018, kind=CommendationKind.BEST_KEY_REFORM)
    records.commend(district.district, district.sub_b, people.office, year=2018, kind=CommendationKind.BEST_KEY_REFORM, revoked=True)
    assessment = assess({"clause": "7", "kind": "commendation", "params": {"kinds": {"best_key": 3}}})
    assert scores_of(assessment) == {SUB_A: 3, SUB_B: 0, DEPT: 0}
    assert lines_of(assessment, SUB_A)[0].commendation is not None


def test_expression_over_named_variables(assess, reform_factory, district):
    reform_factory(lead_unit=district.sub_a, tier=Tier.KEY, status=Status.COMPLETED)
    reform_factory(lead_unit=district.sub_a)
    assessment = assess({"clause": "8", "kind": "expression",
                         "expression": "min(10, reforms_led * 2 + key_completed_on_time * 3) - (5 if reforms_led == 0 else 0)"})
    assert scores_of(assessment) == {SUB_A: 7, SUB_B: -5, DEPT: -5}
    assert "reforms_led = 2" in lines_of(assessment, SUB_A)[0].explanation


def test_explanations_follow_the_language_zh_hans_by_default(make_scheme, people, reform_factory, district):
    reform_factory(code="K-3", tier=Tier.KEY, status=Status.COMPLETED)
    with translation.override("zh-hans"):
        scheme = make_scheme([{"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}},
                              {"clause": "2", "title": "成效", "kind": "reform_outcome", "params": {"tiers": {"key": {"completed_on_time": 4}}}}],
                             adopt=True)
        assessment = computation.compute(user=people.office, scheme=scheme)
    assert [line.explanation for line in lines_of(assessment, SUB_A)] == ["基础分：60", "牵头 K-3 —— K-3 按期办结：4 = 4"]
