"""Two writers at the same moment (PostgreSQL): the lead unit and the office drafting the same
reform's case study make one case; the same adoption recorded twice is recorded once and the case's
count and level stay true."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from reformledger.casestudies.models import Adoption, CaseStudy
from reformledger.casestudies.services import adoptions as adoption_services
from reformledger.casestudies.services import cases as services
from reformledger.core.models import AuditEntry
from reformledger.org.models import User
from reformledger.reforms.models import Reform
from tests.casestudies.helpers import published_case
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]




def test_two_drafts_of_one_reform_make_one_case(people, reform_factory):
    reform = reform_factory(status="in_progress")

    def draft(user_pk: int) -> Callable[[], object]:
        return lambda: services.draft_case_study(
            user=User.objects.get(pk=user_pk), reform=Reform.objects.get(pk=reform.pk), title="经验"
        )

    results = at_once(draft(people.office.pk), draft(people.unit_staff.pk))
    made = [r for r in results if isinstance(r, CaseStudy)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "reform" in refused[0].message_dict
    assert CaseStudy.objects.count() == 1 and AuditEntry.objects.filter(action="casestudy.draft").count() == 1


def test_the_same_adoption_twice_at_once_is_recorded_once(people, reform_factory):
    case = published_case(people.office, reform_factory(status="in_progress"))
    day = timezone.localdate()

    def record() -> object:
        return adoption_services.record_adoption(
            user=User.objects.get(pk=people.office.pk), case=CaseStudy.objects.get(pk=case.pk), level="province",
            place="广东省", adopted_on=day,
        )

    results = at_once(record, record)
    assert sum(isinstance(r, Adoption) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    case.refresh_from_db()
    assert (Adoption.objects.count(), case.adoptions_count, case.adoption_level) == (1, 1, "province")
