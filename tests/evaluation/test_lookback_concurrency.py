"""Two office members scheduling the same reform's review at the same moment (PostgreSQL): one
review is made, the other writer is told, nothing half-written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import LookbackReview
from reformledger.evaluation.services import lookback as services
from reformledger.org.models import User
from reformledger.reforms.models import Reform
from tests.concurrency import at_once
from tests.evaluation.lookback_helpers import completed_key, today

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]




def test_two_schedules_at_once_make_one_review(people, reform_factory):
    reform = completed_key(reform_factory)

    def schedule():
        return services.schedule_review(
            user=User.objects.get(pk=people.office.pk), reform=Reform.objects.get(pk=reform.pk), scheduled_on=today()
        )

    results = at_once(schedule, schedule)
    made = [r for r in results if isinstance(r, LookbackReview)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "state" in refused[0].message_dict
    assert LookbackReview.objects.count() == 1
    assert AuditEntry.objects.filter(action="lookback.schedule").count() == 1
