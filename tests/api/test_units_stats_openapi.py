"""GET /units, GET /stats, the OpenAPI document, the offline docs page and /healthz."""

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.org.models import UnitKind
from reformledger.reforms.models import SourceLevel, Status, Tier
from tests.api.conftest import errors_by_field
from tests.api.test_supervision_inbox import SUPERVISION_PATHS
from tests.factories import UnitFactory

# --- /units ----------------------------------------------------------------------------------


def test_units_are_listed_for_anyone_with_their_tree_links(api, people, district):
    for user in (None, people.resident, people.unit_staff, people.office):
        body = api.get("/units", user).json()
        assert body["count"] == 7
    item = next(i for i in api.get("/units").json()["items"] if i["code"] == "lh-guiyuan-c1")
    assert item == {
        "id": district.community_a.pk,
        "code": "lh-guiyuan-c1",
        "name": "松园社区",
        "kind": "community",
        "parent_id": district.sub_a.pk,
        "district_id": district.district.pk,
    }


def test_units_filters_and_pagination(api, district):
    other = UnitFactory(code="ft", name="福田区", kind=UnitKind.DISTRICT)
    UnitFactory(code="ft-sub", name="福田街道", kind=UnitKind.SUB_DISTRICT, parent=other)
    subs = api.get("/units", kind="sub_district").json()
    assert subs["count"] == 3
    assert {
        i["code"]
        for i in api.get("/units", kind="sub_district", district=district.district.pk).json()["items"]
    } == {"lh-guiyuan", "lh-huangbei"}
    assert api.get("/units", district=other.pk).json()["count"] == 2
    pages = [api.get("/units", page=n, page_size=4).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 4, 1] and pages[0]["count"] == 9
    response = api.get("/units", kind="planet", page_size=201)
    assert response.status_code == 422
    assert set(errors_by_field(response)) == {"kind", "page_size"}


def test_units_query_count_does_not_grow(api, people, district, django_assert_num_queries):
    api.get("/units", people.office)
    with CaptureQueriesContext(connection) as small:
        api.get("/units", people.office, page_size=200)
    for n in range(30):
        UnitFactory(code=f"lh-c{n}", kind=UnitKind.COMMUNITY, parent=district.sub_b)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/units", people.office, page_size=200).json()["items"]) == 37


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


# --- OpenAPI, docs, health ---------------------------------------------------------------------


def test_the_openapi_document_lists_every_path(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == set(SUPERVISION_PATHS) | {
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/reforms",
        "/api/v1/reforms/{reform_id}",
        "/api/v1/reforms/{reform_id}/transition",
        "/api/v1/stats",
    }
    assert set(schema["paths"]["/api/v1/reforms/{reform_id}"]) == {"get", "patch"}
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    reforms = schema["paths"]["/api/v1/reforms"]
    assert {} in reforms["get"]["security"]  # anonymous reads allowed
    assert {} not in reforms["post"]["security"]  # writes need credentials
    assert reforms["post"]["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    params = {p["name"] for p in reforms["get"]["parameters"]}
    assert {"year", "tier", "domain", "unit", "status", "q", "sort", "page", "page_size"} <= params


def test_the_docs_page_is_served_without_a_cdn(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(asset), asset


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
