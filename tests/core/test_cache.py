"""Cached counts and aggregates are exact: any audited write makes the next read compute afresh."""

from reformledger.core.audit import log_action
from reformledger.core.cache import cached_count
from reformledger.core.versions import data_version
from reformledger.org.models import Role, User
from reformledger.org.selectors import actor_for
from reformledger.reforms import selectors, services
from reformledger.reforms.models import Reform, Status
from tests.factories import MembershipFactory


def test_a_service_write_invalidates_cached_counts_and_stats(people, reform_factory, django_assert_num_queries):
    reform = reform_factory(status=Status.IN_PROGRESS)
    qs = Reform.objects.filter(status=Status.COMPLETED)
    assert cached_count(qs) == 0
    before = selectors.tier_stats(people.office)["micro"]["completed"]
    with django_assert_num_queries(1):  # only the version: the count comes from the cache
        assert cached_count(qs) == 0
    version = data_version()
    services.complete_reform(user=people.office, reform=reform, completion_id=1)  # the office's 办结 decision
    assert data_version() > version
    assert cached_count(qs) == 1
    assert selectors.tier_stats(people.office)["micro"]["completed"] == before + 1


def test_counts_are_per_query_and_per_scope(people, district, reform_factory):
    reform_factory()
    reform_factory(lead_unit=district.sub_b)
    assert cached_count(selectors.visible_reforms(people.unit_staff)) == 1
    assert cached_count(selectors.visible_reforms(people.office)) == 2


def test_within_a_request_a_write_is_seen_and_nothing_uncommitted_is_cached(people, reform_factory):
    from django.core.cache import cache
    from django.test import RequestFactory

    from reformledger.core.versions import DataVersionMiddleware

    reform = reform_factory(status=Status.IN_PROGRESS)
    seen = {}

    def view(request):
        seen["before"] = data_version()
        services.complete_reform(user=people.office, reform=reform, completion_id=1)  # the office's 办结 decision
        seen["after"] = data_version()
        cache.clear()
        seen["count"] = cached_count(Reform.objects.filter(status=Status.COMPLETED))
        seen["cached_keys"] = len(getattr(cache, "_cache", {}))
        return None

    DataVersionMiddleware(view)(RequestFactory().get("/"))
    assert seen["after"] == seen["before"] + 1
    assert seen["count"] == 1
    # The test's transaction never commits: the count was computed but not stored.
    assert seen["cached_keys"] == 0


def test_a_new_role_takes_effect_at_once(people, district):
    assert not actor_for(User.objects.get(pk=people.resident.pk)).is_office
    membership = MembershipFactory(user=people.resident, unit=district.office_unit, role=Role.OFFICE)
    log_action(people.office, "admin.add", membership, {"role": [None, "office"]})
    assert actor_for(User.objects.get(pk=people.resident.pk)).is_office
