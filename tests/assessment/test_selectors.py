"""Reads of versions: who sees which version, rankings with ties, a unit's breakdown with its
evidence links, the diff between versions; a bounded number of queries whatever the size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.http import Http404

from reformledger.assessment.selectors import (
    assessments_of,
    published_assessment,
    ranking,
    unit_breakdown,
    version_diff,
)
from reformledger.assessment.services import computation, versions
from reformledger.org.models import UnitKind
from reformledger.reforms.models import Tier
from tests.assessment import records
from tests.assessment.conftest import lines_of
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
SUB_A, SUB_B, DEPT = "lh-guiyuan", "lh-huangbei", "lh-health"
RULES = [
    {"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}},
    {"clause": "2", "title": "逾期", "kind": "lateness", "params": {"per": "task_month", "points": -1}},
    {"clause": "3", "title": "导入", "kind": "imported", "params": {"values": {SUB_A: 3, SUB_B: 1, DEPT: 1}}},
]


@pytest.fixture
def published(make_scheme, publish_version, reform_factory, district):
    reform = reform_factory(code="K-1", tier=Tier.KEY)
    records.overdue(reform, start=dt.date(2018, 5, 1), end=dt.date(2018, 5, 3))
    return publish_version(make_scheme(RULES, adopt=True))


def test_the_district_reads_published_versions_the_office_drafts_too(published, people, other_people, province_office):
    draft = computation.compute(user=people.office, scheme=published.scheme)
    for user in (people.unit_staff, people.other_staff, people.committee, people.leader_main, people.office, province_office):
        assert [r.score for r in ranking(user, published)]
    for user in (people.office, province_office):
        assert ranking(user, draft)
        assert [a.version for a in assessments_of(user, published.district, 2018)] == [2, 1]
    for user in (people.unit_staff, people.committee):
        with pytest.raises(Http404):
            ranking(user, draft)
        assert [a.version for a in assessments_of(user, published.district, 2018)] == [1]
    for user in (other_people.office, other_people.unit_staff, people.resident, people.expert):
        with pytest.raises(Http404):
            ranking(user, published)
        assert assessments_of(user, published.district, 2018) == []
    assert published_assessment(published.district_id, 2018) == published


def test_ranking_marks_ties_and_bands(published, people):
    rows = ranking(people.unit_staff, published)
    assert [(r.code, r.score, r.rank, r.tied) for r in rows] == [
        (SUB_A, D(62), 1, False), (DEPT, D(61), 2, True), (SUB_B, D(61), 2, True),
    ]
    by_code = {r.code: r for r in rows}
    assert (by_code[SUB_B].rank, by_code[DEPT].rank, by_code[SUB_B].tied, by_code[SUB_A].tied) == (2, 2, True, False)


def test_breakdown_links_the_evidence(published, people):
    lines = unit_breakdown(people.unit_staff, published, published.scores.get(unit__code=SUB_A).unit)
    assert [line.clause for line in lines] == ["1", "2", "3"]
    late = lines[1]
    assert late.points == D(-1) and late.evidence == f"/office/supervision/tasks/{late.task_id}/"
    assert "1 overdue task-months" in late.explanation


def test_version_diff_shows_scores_ranks_and_changed_lines(published, people):
    line = next(line for line in lines_of(published, SUB_B) if line.rule and line.rule.clause == "3")
    derived = versions.derive_version(user=people.office, source=published, overrides={line.pk: (D(5), "补录")}, reason="申诉")
    rows = {r.code: r for r in version_diff(derived, published)}
    assert (rows[SUB_B].score_before, rows[SUB_B].score_after, rows[SUB_B].rank_before, rows[SUB_B].rank_after) == (D(61), D(65), 2, 1)
    assert [(c.clause, c.before, c.after) for c in rows[SUB_B].lines] == [("3", D(1), D(5))]
    assert rows[DEPT].lines == []


def test_reads_are_a_fixed_number_of_queries(make_scheme, publish_version, people, district, django_assert_max_num_queries):
    for i in range(30):
        UnitFactory(code=f"lh-x{i}", name=f"街道{i}", kind=UnitKind.SUB_DISTRICT, parent=district.district)
    published = publish_version(make_scheme(RULES[:1], adopt=True))
    unit = published.scores.first().unit
    with django_assert_max_num_queries(8):
        assert len(ranking(people.unit_staff, published)) == 33
    with django_assert_max_num_queries(8):
        unit_breakdown(people.unit_staff, published, unit)
    with django_assert_max_num_queries(6):
        version_diff(published, published)
