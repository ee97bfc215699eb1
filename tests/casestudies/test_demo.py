"""The demo's case studies: the article's reforms written up by their units and published by the
office, the health reform adopted nationwide, one case awaiting the office, none of another
district's reforms, and a second run that changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from reformledger.casestudies.models import CaseStudy, CaseStudyState
from reformledger.casestudies.selectors import adoptions
from reformledger.demo.casestudies import load_case_studies_demo
from reformledger.demo.district import load_demo
from reformledger.demo.supervision import load_supervision_demo
from reformledger.reforms.models import Reform
from tests.demo.test_demo_data import _restore_seeded_rows


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        catalogue = load_demo()
        load_supervision_demo(district=catalogue.district)
        reforms_before = Reform.objects.count()
        made = load_case_studies_demo(district=catalogue.district)
        yield catalogue.district, made, reforms_before
        transaction.set_rollback(True)


def test_the_articles_reforms_are_written_up_and_adopted(demo, db):
    district, made, reforms_before = demo
    assert made["case_studies"] == 7 and made["published"] == 6 and made["submitted"] == 1
    assert Reform.objects.count() == reforms_before  # matched to the demo's reforms, none created
    cases = CaseStudy.objects.filter(district=district)
    health = cases.get(reform__title__contains="罗湖医改")
    assert health.state == CaseStudyState.PUBLISHED and health.adoption_level == "nation"
    assert health.drafted_by.memberships.filter(unit_id=health.reform.lead_unit_id).exists()
    assert health.outcome_rows.count() == 3
    assert "二线插花地" in cases.get(reform__title__contains="棚改").background
    assert set(cases.values_list("adoption_level", flat=True)) >= {"city", "province", "nation"}
    assert cases.filter(state=CaseStudyState.SUBMITTED).count() == 1
    facts = adoptions(district_id=district.pk, year=2018)
    assert any(f.level == "nation" and f.case_study_id == health.pk for f in facts)


def test_a_second_run_adds_nothing(demo, db):
    district, _made, _before = demo
    assert load_case_studies_demo(district=district) == {}
