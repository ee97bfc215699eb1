"""GET /api/v1/reforms: who sees what, filters, sorting, pagination, and a constant query count."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.org.models import Domain
from reformledger.reforms import services
from reformledger.reforms.models import Status, Tier
from tests.clients import errors_by_field

ITEM_KEYS = {"id", "code", "title", "tier", "year", "domain", "lead_unit", "status", "progress"}


@pytest.fixture
def catalogue(district, reform_factory):
    """Reforms of two units in several statuses, tiers, years and domains."""
    services_domain = Domain.objects.get(code="public-services")
    return {
        "a_public": reform_factory(code="A-PUB", title="物业管理改革", status=Status.IN_PROGRESS),
        "a_draft": reform_factory(code="A-DRAFT", status=Status.DRAFT, year=2017),
        "a_done": reform_factory(code="A-DONE", status=Status.COMPLETED, tier=Tier.KEY, progress=100),
        "b_public": reform_factory(
            code="B-PUB", lead_unit=district.sub_b, status=Status.APPROVED, domain=services_domain, year=2016
        ),
        "b_draft": reform_factory(code="B-DRAFT", lead_unit=district.sub_b, status=Status.PROPOSED),
        "b_co_a": reform_factory(code="B-CO-A", lead_unit=district.sub_b, status=Status.DRAFT, co_units=[district.sub_a]),
        "health": reform_factory(
            code="H-1",
            lead_unit=district.department,
            status=Status.SUSPENDED,
            domain=services_domain,
            tier=Tier.KEY,
        ),
    }


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


PUBLIC = {"A-PUB", "A-DONE", "B-PUB"}


def test_anonymous_and_residents_see_public_reforms_with_public_fields_only(api, people, catalogue):
    for user in (None, people.resident, people.expert):
        response = api.get("/reforms", user)
        assert codes(response) == PUBLIC
        body = response.json()
        assert body["count"] == 3
        for item in body["items"]:
            assert set(item) == ITEM_KEYS
            assert set(item["domain"]) == {"id", "code", "name"}
            assert set(item["lead_unit"]) == {"id", "code", "name"}


def test_unit_staff_list_what_their_unit_leads_or_co_runs(api, people, catalogue):
    expected = {"A-PUB", "A-DRAFT", "A-DONE", "B-CO-A"}
    assert codes(api.get("/reforms", people.unit_staff)) == expected
    assert codes(api.get("/reforms", people.unit_head)) == expected
    assert codes(api.get("/reforms", people.other_staff)) == {"B-PUB", "B-DRAFT", "B-CO-A"}


def test_the_office_and_committee_list_everything(api, people, catalogue):
    everything = {r.code for r in catalogue.values()}
    assert codes(api.get("/reforms", people.office)) == everything
    assert codes(api.get("/reforms", people.committee)) == everything


def test_leaders_list_their_tier_and_domains(api, people, catalogue):
    assert codes(api.get("/reforms", people.leader_main)) == {"A-DONE", "H-1"}  # key reforms
    assert codes(api.get("/reforms", people.leader_domain)) == {"B-PUB", "H-1"}  # public services


def test_an_item_carries_its_refs(api, people, catalogue, district):
    item = next(i for i in api.get("/reforms", people.office).json()["items"] if i["code"] == "B-PUB")
    reform = catalogue["b_public"]
    assert item == {
        "id": reform.pk,
        "code": "B-PUB",
        "title": reform.title,
        "tier": "micro",
        "year": 2016,
        "domain": {"id": reform.domain_id, "code": "public-services", "name": reform.domain.name},
        "lead_unit": {"id": district.sub_b.pk, "code": "lh-huangbei", "name": "黄贝街道"},
        "status": "approved",
        "progress": 50,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2017}, {"A-DRAFT"}),
        ({"year": 2016}, {"B-PUB"}),
        ({"tier": "key"}, {"A-DONE", "H-1"}),
        ({"domain": "public-services"}, {"B-PUB", "H-1"}),
        ({"unit": "lh-guiyuan"}, {"A-PUB", "A-DRAFT", "A-DONE", "B-CO-A"}),  # leads or co-runs
        ({"unit": "lh-health"}, {"H-1"}),
        ({"status": "draft"}, {"A-DRAFT", "B-CO-A"}),
        ({"q": "物业"}, {"A-PUB"}),
        ({"q": "b-"}, {"B-PUB", "B-DRAFT", "B-CO-A"}),
        ({"tier": "micro", "year": 2018, "unit": "lh-huangbei"}, {"B-DRAFT", "B-CO-A"}),
        ({"domain": "no-such-domain"}, set()),
    ],
)
def test_filters(api, people, catalogue, params, expected):
    response = api.get("/reforms", people.office, **params)
    assert codes(response) == expected
    assert response.json()["count"] == len(expected)


def test_filters_apply_inside_the_public_scope(api, people, catalogue):
    assert codes(api.get("/reforms", status="draft")) == set()
    assert codes(api.get("/reforms", unit="lh-huangbei")) == {"B-PUB"}


def test_the_district_filter(api, people, catalogue, district):
    assert len(codes(api.get("/reforms", people.office, district=district.district.pk))) == 7
    assert codes(api.get("/reforms", people.office, district=district.sub_a.pk)) == set()


def test_sorting(api, people, catalogue):
    def order(sort):
        return [i["code"] for i in api.get("/reforms", people.office, sort=sort).json()["items"]]

    assert order("code") == sorted(r.code for r in catalogue.values())
    assert order("-code") == sorted((r.code for r in catalogue.values()), reverse=True)
    assert order("year")[0] == "B-PUB"
    assert order("-year")[-1] == "B-PUB"


def test_bad_filter_values_are_422_naming_the_parameter(api, people, catalogue):
    response = api.get("/reforms", tier="huge", status="flying", sort="random", year="last")
    assert response.status_code == 422
    assert set(errors_by_field(response)) == {"tier", "status", "sort", "year"}


def test_pagination(api, people, catalogue):
    pages = [
        api.get("/reforms", people.office, sort="code", page=n, page_size=3).json() for n in (1, 2, 3, 4)
    ]
    assert [body["count"] for body in pages] == [7, 7, 7, 7]
    assert [len(body["items"]) for body in pages] == [3, 3, 1, 0]
    seen = [item["code"] for body in pages for item in body["items"]]
    assert seen == sorted(r.code for r in catalogue.values())


def test_page_size_defaults_to_50_and_allows_200(api, people, reform_factory):
    for _ in range(55):
        reform_factory()
    assert len(api.get("/reforms").json()["items"]) == 50
    assert len(api.get("/reforms", page_size=200).json()["items"]) == 55


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page_size": 201}, "page_size"), ({"page_size": 0}, "page_size"), ({"page": 0}, "page")],
)
def test_page_out_of_bounds_is_422_with_a_clear_message(api, db, params, field):
    response = api.get("/reforms", **params)
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert list(errors) == [field]
    if params.get("page_size") == 201:
        assert "200" in errors["page_size"][0]


@pytest.mark.parametrize("role", ["anonymous", "resident", "office", "unit_staff", "leader_domain"])
def test_the_query_count_does_not_grow_with_the_rows(
    api, people, district, reform_factory, role, django_assert_num_queries
):
    user = None if role == "anonymous" else getattr(people, role)
    domain = Domain.objects.get(code="public-services")

    def make(n):
        for _ in range(n):
            reform_factory(domain=domain, co_units=[district.sub_b, district.department])

    make(3)
    api.get("/reforms", user)  # first use of the token records when it was used
    cache.clear()  # compare cold with cold
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/reforms", user, page_size=200).json()["items"]) == 3
    make(27)
    cache.clear()  # the factory writes without the audit trail, so the data version stays put
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/reforms", user, page_size=200).json()["items"]) == 30
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/reforms", user, page_size=2).json()["items"]) == 2
    if role == "anonymous":
        # The versions, the district list (cached until the organisation changes), the count by
        # district and the page.
        assert len(small.captured_queries) == 4
        with django_assert_num_queries(1):  # until the next write, the page comes from the cache
            api.get("/reforms", user, page_size=2)


def test_a_cached_page_changes_with_the_next_write(api, people, reform_factory):
    reform = reform_factory(status="in_progress", progress=10)
    assert api.get("/reforms", people.office).json()["items"][0]["progress"] == 10
    services.update_reform(user=people.office, reform=reform, data={"title": "改名"})
    assert api.get("/reforms", people.office).json()["items"][0]["title"] == "改名"


def test_numbers_too_large_for_the_database_are_422_not_500(api, people, catalogue):
    huge = 10**20
    for path, params in [
        ("/reforms", {"year": huge}),
        ("/reforms", {"district": huge}),
        (f"/reforms/{huge}", {}),
        ("/units", {"district": huge}),
        ("/stats", {"year": huge}),
    ]:
        response = api.get(path, people.office, **params)
        assert response.status_code == 422, (path, params)
        assert errors_by_field(response)
    far = api.get("/reforms", people.office, page=huge).json()
    assert far == {"count": 7, "items": []}
