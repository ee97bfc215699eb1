"""Two office members computing, or publishing, at the same moment (PostgreSQL): versions are
numbered without a gap or a clash, and exactly one version of the year stays published."""

from __future__ import annotations

import pytest
from django.db import connection

from reformledger.assessment.models import Assessment, AssessmentState
from reformledger.assessment.services import computation, versions
from reformledger.org.models import User
from tests.concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]




RULES = [{"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}}]


def test_two_computations_at_once_get_versions_one_and_two(make_scheme, people):
    scheme = make_scheme(RULES, adopt=True)

    def compute():
        return computation.compute(user=User.objects.get(pk=people.office.pk), scheme=scheme)

    results = at_once(compute, compute)
    assert all(isinstance(r, Assessment) for r in results), results
    assert sorted(a.version for a in Assessment.objects.all()) == [1, 2]
    assert Assessment.objects.get(version=1).scores.count() == 3 == Assessment.objects.get(version=2).scores.count()


def test_two_publications_at_once_leave_one_published(make_scheme, people):
    scheme = make_scheme(RULES, adopt=True)
    drafts = [computation.compute(user=people.office, scheme=scheme) for _ in range(2)]
    for draft in drafts:
        versions.review(user=people.office, assessment=draft)

    def publish(pk):
        return lambda: versions.publish(user=User.objects.get(pk=people.office.pk), assessment=Assessment.objects.get(pk=pk))

    results = at_once(publish(drafts[0].pk), publish(drafts[1].pk))
    assert all(isinstance(r, Assessment) for r in results), results
    states = sorted(Assessment.objects.values_list("state", flat=True))
    assert states == [AssessmentState.PUBLISHED, AssessmentState.SUPERSEDED]
