"""Two people responsible for a reform applying at the same moment for the same unit (PostgreSQL):
one case is made, the other is told, nothing half-written; two reviewers of one side at once: one
opinion stands."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reformledger.org.models import Role, User
from reformledger.reforms.models import Reform
from reformledger.tolerance.models import CaseAnswer, CaseReview, ToleranceCase
from reformledger.tolerance.services.cases import apply_for_exemption
from reformledger.tolerance.services.opinions import give_opinion
from tests.concurrency import at_once
from tests.factories import MembershipFactory
from tests.tolerance.conftest import answers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]




def test_two_applications_at_once_make_one_case(people, failed_reform, district):
    given = answers(district.district)

    def apply_as(user_pk: int):
        return lambda: apply_for_exemption(
            user=User.objects.get(pk=user_pk), reform=Reform.objects.get(pk=failed_reform.pk), what_happened="同时申请",
            year=2016, answers=given,
        )

    results = at_once(apply_as(people.unit_staff.pk), apply_as(people.unit_head.pk))
    made = [r for r in results if isinstance(r, ToleranceCase)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "reform" in refused[0].message_dict
    assert ToleranceCase.objects.count() == 1
    assert CaseAnswer.objects.count() == len(given)


def test_two_office_opinions_at_once_leave_one(people, failed_reform, district, apply_case):
    case = apply_case(people.unit_staff, failed_reform)
    second = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user

    def opinion(user_pk: int, outcome: str):
        return lambda: give_opinion(user=User.objects.get(pk=user_pk), case=ToleranceCase.objects.get(pk=case.pk), outcome=outcome, reasons="同时")

    results = at_once(opinion(people.office.pk, "exempt"), opinion(second.pk, "rejected"))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "state" in refused[0].message_dict, results
    assert CaseReview.objects.count() == 1
