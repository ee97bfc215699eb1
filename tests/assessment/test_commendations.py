"""Commendations (issue 11 part 5): the office awards and revokes (audited); candidates from the
year's data, each saying why; shown on the unit's and the people's pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from reformledger.assessment.models import Commendation, CommendationKind
from reformledger.assessment.selectors import commendations as selectors
from reformledger.assessment.services import commendations as services
from reformledger.casestudies.models import Adoption, CaseStudy, CaseStudyState
from reformledger.core.models import AuditEntry
from reformledger.evaluation.services import lookback as lookback_services
from reformledger.reforms.models import Tier
from tests.assessment import factories
from tests.evaluation.lookback_helpers import completed_key
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _award(user, district, **kwargs):
    values = {
        "district": district.district, "year": 2017, "kind": CommendationKind.BEST_KEY_REFORM, "title": "年度最佳重点改革",
        "unit": district.sub_a, "citation": "桂园街道不动产登记改革一窗受理，办理时限压缩80%", "awarded_on": dt.date(2018, 1, 20),
    }
    return services.award_commendation(user=user, **{**values, **kwargs})


def test_office_awards_with_reform_and_people(district, people, reform_factory):
    reform = reform_factory(code="K-1", title="不动产登记改革", tier=Tier.KEY)
    made = _award(people.office, district, reform=reform, people=[people.unit_head, people.unit_staff])
    assert made.unit == district.sub_a and made.reform == reform and set(made.people.all()) == {people.unit_head, people.unit_staff}
    entry = AuditEntry.objects.get(action="commendation.award")
    assert entry.changes["people"][1] == sorted(entry.changes["people"][1]) or len(entry.changes["people"][1]) == 2


@pytest.mark.parametrize("who", ["unit_head", "committee", "leader_main"])
def test_only_the_office_awards(district, people, who):
    with pytest.raises(PermissionDenied):
        _award(getattr(people, who), district)
    assert not Commendation.objects.exists()


def test_province_and_another_district_do_not_award(district, people, province_office, other_people):
    for user in (province_office, other_people.office):
        with pytest.raises(PermissionDenied):
            _award(user, district)


def test_the_office_does_not_commend_its_own_unit_nor_itself(district, people):
    """Conflict of interest: an office member who also works in a unit does not commend it, and
    nobody commends themselves; nothing is written."""
    MembershipFactory(user=people.office, unit=district.sub_a, role="unit_staff")
    with pytest.raises(PermissionDenied):
        _award(people.office, district)  # sub-district A, where they work
    with pytest.raises(PermissionDenied):
        _award(people.office, district, unit=district.sub_b, people=[people.office])
    assert not Commendation.objects.exists() and not AuditEntry.objects.filter(action="commendation.award").exists()


def test_bad_input_names_the_field(district, people, other_district, other_people, reform_factory):
    foreign = reform_factory(code="F-1", district=other_district.district, lead_unit=other_district.street)
    with pytest.raises(ValidationError) as caught:
        _award(
            people.office, district, kind="medal", title=" ", citation="", unit=other_district.street, reform=foreign,
            people=[other_people.unit_staff], year=1900,
        )
    assert set(caught.value.message_dict) == {"kind", "title", "citation", "unit", "reform", "people", "year"}
    assert not Commendation.objects.exists() and not AuditEntry.objects.filter(action="commendation.award").exists()


def test_the_district_itself_is_not_a_unit_to_commend(district, people):
    with pytest.raises(ValidationError) as caught:
        _award(people.office, district, unit=district.district)
    assert "unit" in caught.value.message_dict


def test_revoke_needs_a_reason_and_hides_it(district, people):
    made = _award(people.office, district, people=[people.unit_staff])
    assert selectors.shown_to_unit(district.sub_a) == [made]
    assert selectors.shown_to_person(people.unit_staff) == [made]
    with pytest.raises(ValidationError) as caught:
        services.revoke_commendation(user=people.office, commendation=made, reason="")
    assert "reason" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.revoke_commendation(user=people.unit_head, commendation=made, reason="撤销")
    services.revoke_commendation(user=people.office, commendation=made, reason="经核查存在数据造假")
    made.refresh_from_db()
    assert made.revoked_at is not None and made.revoked_reason == "经核查存在数据造假"
    assert selectors.shown_to_unit(district.sub_a) == [] and selectors.shown_to_person(people.unit_staff) == []
    with pytest.raises(ValidationError) as again:
        services.revoke_commendation(user=people.office, commendation=made, reason="再次")
    assert "state" in again.value.message_dict
    assert AuditEntry.objects.filter(action="commendation.revoke").count() == 1


def test_the_list_is_scoped(district, people, other_people, province_office, django_assert_max_num_queries):
    for n in range(4):
        _award(people.office, district, title=f"表彰{n}")
    with django_assert_max_num_queries(1):
        assert len([c.unit.name for c in selectors.commendations_of(people.office, year=2017)]) == 4
    assert len(selectors.commendations_of(province_office)) == 4
    assert not selectors.commendations_of(other_people.office).exists()
    with pytest.raises(PermissionDenied):
        selectors.commendations_of(people.unit_staff)


def test_candidates_say_why(district, people, reform_factory, django_assert_max_num_queries):
    key = reform_factory(code="K-1", title="不动产登记改革", tier=Tier.KEY)
    factories.version(factories.scheme(district.district), {
        district.sub_a: [("1", "100"), ("2.1", "5")],
        district.sub_b: [("1", "100")],
    }, by=people.office, reforms={(district.sub_a, "2.1"): key})
    # a key reform completed two years ago whose look-back review concluded "excellent" in 2017
    reviewed = completed_key(reform_factory, code="K-LB", title="家庭医生签约")
    review = lookback_services.schedule_review(user=people.office, reform=reviewed, scheduled_on=timezone.localdate())
    lookback_services.update_review(user=people.office, review=review, changes={"mechanism": "yes", "sustained": "yes"})
    lookback_services.conclude_review(user=people.office, review=review, grade="excellent", conclusion="形成长效机制")
    review.refresh_from_db()
    year = review.concluded_at.year
    # a published case study adopted nationwide in 2017
    adopted = reform_factory(code="M-9", title="物业管理改革", tier=Tier.MICRO, lead_unit=district.sub_b)
    case = CaseStudy.objects.create(district=district.district, reform=adopted, title="物业管理改革", state=CaseStudyState.PUBLISHED,
                                    published_at=timezone.now())
    Adoption.objects.create(case_study=case, level="nation", place="住建部", adopted_on=dt.date(2017, 6, 1), recorded_by=people.office)

    with django_assert_max_num_queries(6):
        found = selectors.candidates(district.district, 2017)
    assert [(c.unit, c.reform, c.kind) for c in found["lines"]] == [(district.sub_a, key, CommendationKind.BEST_KEY_REFORM)]
    assert "Clause 2.1" in found["lines"][0].why and "5.000 points" in found["lines"][0].why
    assert [(c.unit, c.reform, c.kind) for c in found["adoptions"]] == [(district.sub_b, adopted, CommendationKind.BEST_MICRO_REFORM)]
    assert "nationwide" in found["adoptions"][0].why
    assert found["ratings"] == []
    lookback = selectors.candidates(district.district, year)["lookback"]
    assert [(c.reform, c.unit) for c in lookback] == [(reviewed, reviewed.lead_unit)] and "Excellent" in lookback[0].why
