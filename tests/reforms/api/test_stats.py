"""GET /stats: completion by tier, for what the caller may see, in one aggregate query."""

import pytest
from django.core.cache import cache

from reformledger.reforms.models import SourceLevel, Status, Tier
from tests.clients import errors_by_field

# --- /stats ----------------------------------------------------------------------------------


@pytest.fixture
def spread(reform_factory, district):
    """2018: upper 2 (2 completed), key 4 (1 completed, 1 draft), micro 3 (0 completed). 2017: 1 micro completed."""
    for _ in range(2):
        reform_factory(
            tier=Tier.UPPER, source_level=SourceLevel.NATIONAL, status=Status.COMPLETED, progress=100
        )
    reform_factory(tier=Tier.KEY, status=Status.COMPLETED, progress=100)
    reform_factory(tier=Tier.KEY, status=Status.IN_PROGRESS)
    reform_factory(tier=Tier.KEY, status=Status.APPROVED, lead_unit=district.sub_b)
    reform_factory(tier=Tier.KEY, status=Status.DRAFT, lead_unit=district.sub_b)
    for _ in range(3):
        reform_factory(tier=Tier.MICRO, status=Status.IN_PROGRESS)
    reform_factory(tier=Tier.MICRO, status=Status.COMPLETED, year=2017, progress=100)


def test_stats_for_the_office(api, people, spread):
    assert api.get("/stats", people.office, year=2018).json() == {
        "tiers": {
            "upper": {"total": 2, "completed": 2, "completion_rate": 1.0},
            "key": {"total": 4, "completed": 1, "completion_rate": 0.25},
            "micro": {"total": 3, "completed": 0, "completion_rate": 0.0},
        }
    }
    all_years = api.get("/stats", people.office).json()["tiers"]
    assert all_years["micro"] == {"total": 4, "completed": 1, "completion_rate": 0.25}


def test_stats_for_the_public_count_public_reforms_only(api, people, spread):
    tiers = api.get("/stats", year=2018).json()["tiers"]
    assert tiers["key"] == {"total": 3, "completed": 1, "completion_rate": 0.3333}
    assert api.get("/stats", people.resident, year=2018).json()["tiers"] == tiers


def test_stats_for_a_unit_count_its_own_reforms(api, people, spread):
    tiers = api.get("/stats", people.other_staff, year=2018).json()["tiers"]
    assert tiers["key"] == {"total": 2, "completed": 0, "completion_rate": 0.0}
    assert tiers["upper"]["total"] == 0


def test_stats_for_a_year_without_reforms_and_a_bad_year(api, db):
    assert api.get("/stats", year=1999).json()["tiers"]["upper"] == {
        "total": 0,
        "completed": 0,
        "completion_rate": 0.0,
    }
    response = api.get("/stats", year="last")
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["year"]


def test_stats_take_one_query_whatever_the_rows(api, spread, reform_factory, django_assert_num_queries):
    # The versions, the districts (cached until the organisation changes), then the one aggregate
    # grouped by district (core.cache.per_district).
    with django_assert_num_queries(3):
        api.get("/stats")
    with django_assert_num_queries(1):  # until the next write, the aggregate comes from the cache
        api.get("/stats")
    for _ in range(20):
        reform_factory()
    cache.clear()
    with django_assert_num_queries(3):
        api.get("/stats")
