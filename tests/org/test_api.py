"""GET /units: the organisation's units for anyone, filtered and paginated, in constant queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.org.models import UnitKind
from tests.clients import errors_by_field
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


def test_units_filters_and_pagination(api, district, other_district):
    other = other_district.district
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
