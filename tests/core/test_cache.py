"""Cached counts and aggregates are exact: any audited write makes the next read compute afresh."""

from reformledger.core.cache import cached_count, data_version
from reformledger.reforms import selectors, services
from reformledger.reforms.models import Reform, Status


def test_a_service_write_invalidates_cached_counts_and_stats(people, reform_factory, django_assert_num_queries):
    reform = reform_factory(status=Status.IN_PROGRESS)
    qs = Reform.objects.filter(status=Status.COMPLETED)
    assert cached_count(qs) == 0
    before = selectors.tier_stats(people.office)["micro"]["completed"]
    with django_assert_num_queries(1):  # only the version: the count comes from the cache
        assert cached_count(qs) == 0
    version = data_version()
    services.transition_reform(user=people.office, reform=reform, to_status=Status.COMPLETED)
    assert data_version() > version
    assert cached_count(qs) == 1
    assert selectors.tier_stats(people.office)["micro"]["completed"] == before + 1


def test_counts_are_per_query_and_per_scope(people, district, reform_factory):
    reform_factory()
    reform_factory(lead_unit=district.sub_b)
    assert cached_count(selectors.visible_reforms(people.unit_staff)) == 1
    assert cached_count(selectors.visible_reforms(people.office)) == 2
