"""Deciding: the district's office and a discipline reviewer each give an opinion with reasons; the
second decides the case and the less generous stands; a negative-list hit rules out ``exempt``; a
decided case is frozen; the assessment reads the exemption through ``exemptions()``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role
from reformledger.tolerance.models import CaseReview, CaseState, Outcome
from reformledger.tolerance.selectors import exemptions
from reformledger.tolerance.services.cases import withdraw_case
from reformledger.tolerance.services.opinions import give_opinion
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people, failed_reform, apply_case):
    return apply_case(people.unit_staff, failed_reform)


def test_both_exempt_makes_an_exemption(people, discipline, case, failed_reform, district):
    give_opinion(user=people.office, case=case, outcome="exempt", reasons="程序完备")
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    give_opinion(user=discipline, case=case, outcome="exempt", reasons="未发现谋私")
    case.refresh_from_db()
    assert (case.state, case.outcome, case.waiver) == (CaseState.DECIDED, Outcome.EXEMPT, Decimal("1"))
    assert "程序完备" in case.reasons and "未发现谋私" in case.reasons
    found = exemptions(district_id=district.district.pk, year=2016)
    assert found[(failed_reform.pk, district.sub_a.pk)].case_id == case.pk
    assert AuditEntry.objects.filter(action="tolerance.decide", object_id=str(case.pk)).exists()


def test_the_less_generous_opinion_stands(people, discipline, case):
    give_opinion(user=discipline, case=case, outcome="partly", waiver="0.4", reasons="部分程序欠缺")
    give_opinion(user=people.office, case=case, outcome="exempt", reasons="同意免责")
    case.refresh_from_db()
    assert (case.outcome, case.waiver) == (Outcome.PARTLY, Decimal("0.400"))


def test_a_rejection_by_either_side_rejects(people, discipline, case, district):
    give_opinion(user=people.office, case=case, outcome="rejected", reasons="未及时纠错")
    give_opinion(user=discipline, case=case, outcome="exempt", reasons="同意")
    case.refresh_from_db()
    assert (case.outcome, case.waiver) == (Outcome.REJECTED, Decimal("0"))
    assert exemptions(district_id=district.district.pk, year=2016) == {}


def test_a_negative_list_hit_rules_out_exempt(people, discipline, failed_reform, apply_case):
    declared = apply_case(people.unit_staff, failed_reform, hits=("mandatory-procedure",))
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=people.office, case=declared, outcome="exempt", reasons="同意")
    assert "outcome" in caught.value.message_dict
    give_opinion(user=people.office, case=declared, outcome="partly", waiver="0.5", reasons="部分免责")
    assert CaseReview.objects.count() == 1


def test_a_hit_the_reviewer_finds_rules_out_exempt_too(people, discipline, case):
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=discipline, case=case, outcome="exempt", reasons="x", negative_hits=["collusion"])
    assert "outcome" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=discipline, case=case, outcome="rejected", reasons="x", negative_hits=["nothing-like-it"])
    assert "negative_hits" in caught.value.message_dict
    assert not CaseReview.objects.exists()


def test_bad_opinions_name_the_field(people, case):
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=people.office, case=case, outcome="partly", waiver="1.5", reasons="")
    assert set(caught.value.message_dict) == {"waiver", "reasons"}
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=people.office, case=case, outcome="maybe", reasons="x")
    assert "outcome" in caught.value.message_dict
    assert not CaseReview.objects.exists()


def test_a_decided_case_is_frozen(people, discipline, case, district):
    give_opinion(user=people.office, case=case, outcome="exempt", reasons="a")
    give_opinion(user=discipline, case=case, outcome="exempt", reasons="b")
    second = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=second, case=case, outcome="rejected", reasons="c")
    assert "state" in caught.value.message_dict


def test_one_side_speaks_once(people, case, district):
    give_opinion(user=people.office, case=case, outcome="exempt", reasons="a")
    second = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=second, case=case, outcome="rejected", reasons="b")
    assert "state" in caught.value.message_dict


@pytest.mark.parametrize("who", ["committee", "leader_main", "unit_head", "other_staff"])
def test_others_of_the_district_do_not_decide(people, case, who):
    with pytest.raises(PermissionDenied):
        give_opinion(user=getattr(people, who), case=case, outcome="exempt", reasons="x")
    assert not CaseReview.objects.exists()


def test_another_district_and_the_province_do_not_decide(other_people, other_discipline, province_office, case):
    for user in (other_people.office, other_discipline, province_office):
        with pytest.raises(PermissionDenied):
            give_opinion(user=user, case=case, outcome="exempt", reasons="x")
    assert not CaseReview.objects.exists()


def test_the_applicant_never_reviews_their_own_case(district, failed_reform, apply_case):
    both = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user
    MembershipFactory(user=both, unit=district.sub_a, role=Role.UNIT_STAFF)
    own = apply_case(both, failed_reform)
    with pytest.raises(PermissionDenied):
        give_opinion(user=both, case=own, outcome="exempt", reasons="x")


def test_a_colleague_of_the_applying_unit_does_not_review_it(district, failed_reform, apply_case, people):
    """An office member or discipline reviewer who also works in the unit whose penalties the case
    would waive gives no opinion on it (conflict of interest), whoever applied."""
    colleague = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user
    MembershipFactory(user=colleague, unit=district.sub_a, role=Role.UNIT_STAFF)
    reviewer = MembershipFactory(unit=district.department, role=Role.DISCIPLINE).user
    MembershipFactory(user=reviewer, unit=district.sub_a, role=Role.UNIT_STAFF)
    case = apply_case(people.unit_staff, failed_reform)
    for user in (colleague, reviewer):
        with pytest.raises(PermissionDenied):
            give_opinion(user=user, case=case, outcome="exempt", reasons="x")
    assert not CaseReview.objects.exists()


def test_one_person_gives_one_of_the_two_opinions(people, district, case):
    MembershipFactory(user=people.office, unit=district.department, role=Role.DISCIPLINE)
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=people.office, case=case, outcome="exempt", reasons="x")
    assert "side" in caught.value.message_dict
    give_opinion(user=people.office, case=case, outcome="exempt", reasons="x", side="office")
    with pytest.raises(PermissionDenied):
        give_opinion(user=people.office, case=case, outcome="exempt", reasons="y", side="discipline")


def test_a_withdrawn_case_takes_no_opinion(people, case):
    withdraw_case(user=people.unit_staff, case=case, reason="已自行整改")
    with pytest.raises(ValidationError) as caught:
        give_opinion(user=people.office, case=case, outcome="exempt", reasons="x")
    assert "state" in caught.value.message_dict
