"""The demo's annual assessment: schemes 2014–2018 imported from YAML and published (public) for
every unit, commendations counted, appeals (one upheld with a new version, one rejected, one open),
and a second run that changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from reformledger.assessment.models import (
    Appeal,
    AppealState,
    Assessment,
    AssessmentState,
    Commendation,
    LineItem,
    Scheme,
)
from reformledger.demo.assessment import load_assessment_demo
from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_lookback import load_lookback_demo
from reformledger.demo.evaluation_ratings import load_ratings_demo
from reformledger.demo.supervision import load_supervision_demo
from reformledger.org.models import Unit
from tests.demo.test_demo_data import _restore_seeded_rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        catalogue = load_demo()
        load_supervision_demo(district=catalogue.district)
        load_ratings_demo(district=catalogue.district)
        load_lookback_demo(district=catalogue.district)
        made = load_assessment_demo(district=catalogue.district)
        yield catalogue.district, made
        transaction.set_rollback(True)


def test_every_year_is_published_for_every_unit(demo, db):
    district, made = demo
    assert made["schemes"] == 5 and made["versions"] == 5
    assert made["seconds"] < 60
    assert set(Scheme.objects.filter(district=district).values_list("year", flat=True)) == {2014, 2015, 2016, 2017, 2018}
    published = Assessment.objects.filter(district=district, purpose="official", state=AssessmentState.PUBLISHED, is_public=True)
    assert sorted(published.values_list("year", flat=True)) == [2014, 2015, 2016, 2017, 2018]
    assessed = Unit.objects.filter(district=district, kind__in=("sub_district", "department"), is_active=True).count()
    for version in published:
        assert version.scores.count() == assessed
    # the line items add up to each score
    latest = published.get(year=2018)
    for score in latest.scores.all()[:5]:
        total = sum(LineItem.objects.filter(assessment=latest, unit=score.unit).values_list("points", flat=True))
        assert total == score.score


def test_commendations_and_appeals(demo, db):
    district, made = demo
    assert made["commendations"] >= 3 and Commendation.objects.filter(district=district).count() == made["commendations"]
    assert LineItem.objects.filter(assessment__district=district, commendation__isnull=False).exists()
    appeals = Appeal.objects.filter(line_item__assessment__district=district)
    assert set(appeals.values_list("state", flat=True)) == {AppealState.UPHELD, AppealState.REJECTED, AppealState.SUBMITTED}
    upheld = appeals.get(state=AppealState.UPHELD)
    assert upheld.resulting_assessment.state == AssessmentState.PUBLISHED and upheld.resulting_assessment.version == 2
    assert upheld.line_item.assessment.state == AssessmentState.SUPERSEDED
    assert appeals.get(state=AppealState.SUBMITTED).line_item.assessment_id == upheld.resulting_assessment_id
    assert "Changed on appeal" in LineItem.objects.get(assessment=upheld.resulting_assessment, unit=upheld.unit,
                                                       rule__clause=upheld.line_item.rule.clause, adjustment="").explanation \
        or "申诉" in LineItem.objects.get(assessment=upheld.resulting_assessment, unit=upheld.unit,
                                        rule__clause=upheld.line_item.rule.clause, adjustment="").explanation


def test_a_second_run_adds_nothing(demo, db):
    district, _made = demo
    assert load_assessment_demo(district=district) == {}
