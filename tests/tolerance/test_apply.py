"""Applying: only a person responsible for the reform, only on a reform that failed or fell short,
every item answered and explained, one open case per reform and unit; anything else a clear error
naming the field, and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reformledger.core.models import AuditEntry
from reformledger.reforms.models import Status
from reformledger.supervision.models import OverdueSpell
from reformledger.tolerance.models import CaseEvidence, CaseState, Shortfall, ToleranceCase
from reformledger.tolerance.selectors.cases import classify, reforms_to_apply_on
from reformledger.tolerance.services import cases as services
from tests.factories import MembershipFactory, TaskFactory, UserFactory
from tests.tolerance.conftest import answers, pdf

pytestmark = pytest.mark.django_db


def test_lead_unit_staff_applies_with_evidence(people, failed_reform, apply_case, district):
    case = apply_case(people.unit_staff, failed_reform, evidence=[pdf()])
    assert case.state == CaseState.SUBMITTED and case.unit == district.sub_a and case.shortfall == Shortfall.TERMINATED
    assert case.answers.count() == 11
    assert CaseEvidence.objects.get(case=case).kind == "pdf"
    entry = AuditEntry.objects.get(action="tolerance.apply")
    assert entry.changes["reform"] == [None, failed_reform.pk]


def test_co_unit_staff_applies_for_their_unit(district, failed_reform, apply_case):
    staff = UserFactory()
    MembershipFactory(user=staff, unit=district.department, role="unit_staff")
    assert apply_case(staff, failed_reform).unit == district.department


def test_the_named_responsible_leader_applies_for_the_lead_unit(people, failed_reform, apply_case, district):
    assert apply_case(people.leader_main, failed_reform).unit == district.sub_a


@pytest.mark.parametrize("who", ["other_staff", "office", "committee", "leader_domain", "expert", "resident"])
def test_people_not_responsible_are_refused_and_nothing_is_written(people, failed_reform, apply_case, who):
    with pytest.raises(PermissionDenied):
        apply_case(getattr(people, who), failed_reform)
    assert not ToleranceCase.objects.exists() and not AuditEntry.objects.filter(action="tolerance.apply").exists()


def test_another_districts_staff_are_refused(other_people, failed_reform, apply_case):
    with pytest.raises(PermissionDenied):
        apply_case(other_people.unit_staff, failed_reform)


def test_a_reform_that_did_not_fall_short_is_refused(people, reform_factory, apply_case):
    today = timezone.localdate()
    fine = reform_factory(status=Status.IN_PROGRESS, year=today.year, due_date=today + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as caught:
        apply_case(people.unit_staff, fine, year=today.year)
    assert "reform" in caught.value.message_dict
    assert not ToleranceCase.objects.exists()


def test_every_item_must_be_answered_and_explained(people, failed_reform, district):
    given = answers(district.district)
    given.pop("procedures")
    given["within-law"] = (True, "")
    given["private-gain"] = (True, "")
    given["no-such-item"] = (False, "")
    with pytest.raises(ValidationError) as caught:
        services.apply_for_exemption(
            user=people.unit_staff, reform=failed_reform, what_happened="", year=1999, answers=given, evidence=[pdf("x.exe")]
        )
    assert set(caught.value.message_dict) >= {
        "answers.procedures", "answers.within-law", "answers.private-gain", "answers.no-such-item", "what_happened", "year", "evidence",
    }
    assert not ToleranceCase.objects.exists() and not CaseEvidence.objects.exists()


def test_one_open_case_per_reform_and_unit(people, failed_reform, apply_case):
    first = apply_case(people.unit_staff, failed_reform)
    with pytest.raises(ValidationError) as caught:
        apply_case(people.unit_head, failed_reform)
    assert "reform" in caught.value.message_dict
    services.withdraw_case(user=people.unit_staff, case=first, reason="撤回")
    assert apply_case(people.unit_head, failed_reform).state == CaseState.SUBMITTED


def test_only_the_applicant_withdraws_and_a_reason_is_required(people, failed_reform, apply_case):
    case = apply_case(people.unit_staff, failed_reform)
    with pytest.raises(PermissionDenied):
        services.withdraw_case(user=people.unit_head, case=case, reason="x")
    with pytest.raises(ValidationError):
        services.withdraw_case(user=people.unit_staff, case=case, reason=" ")
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_what_counts_as_falling_short():
    on = dt.date(2020, 6, 1)
    due = dt.date(2020, 1, 1)
    args = {"due_date": due, "completed_on": None, "tasks_late": False, "on": on}
    assert classify(status=Status.TERMINATED, **args) == Shortfall.TERMINATED
    assert classify(status=Status.SUSPENDED, **args) == Shortfall.SUSPENDED
    assert classify(status=Status.IN_PROGRESS, **args) == Shortfall.OVERDUE
    assert classify(status=Status.IN_PROGRESS, **{**args, "due_date": dt.date(2021, 1, 1)}) == ""
    assert classify(status=Status.COMPLETED, **{**args, "completed_on": dt.date(2020, 3, 1)}) == Shortfall.LATE
    assert classify(status=Status.COMPLETED, **{**args, "completed_on": due}) == ""
    assert classify(status=Status.COMPLETED, **{**args, "completed_on": due, "tasks_late": True}) == Shortfall.TASKS_LATE
    assert classify(status=Status.DRAFT, **{**args, "tasks_late": True}) == ""


def test_a_reform_with_an_overdue_task_counts(people, reform_factory, district):
    today = timezone.localdate()
    reform = reform_factory(status=Status.IN_PROGRESS, year=today.year, due_date=today + dt.timedelta(days=90), start_date=today - dt.timedelta(days=90))
    task = TaskFactory(reform=reform)
    OverdueSpell.objects.create(
        task=task, reform=reform, district=district.district, unit=district.sub_a, due_date=today - dt.timedelta(days=30),
        started_on=today - dt.timedelta(days=29), ended_on=today - dt.timedelta(days=2),
    )
    listed = dict(reforms_to_apply_on(people.unit_staff))
    assert listed == {reform: Shortfall.TASKS_LATE}
    assert reforms_to_apply_on(people.other_staff) == []
