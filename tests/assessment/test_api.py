"""``/api/v1/assessments/{year}…``: the ranking, a unit's line items, compute, review, publish,
what-if; who gets what; bad input named; a fixed number of queries per list."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from reformledger.assessment.models import Assessment, AssessmentState
from reformledger.org.models import UnitKind
from tests.clients import errors_by_field
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
RULES = [
    {"clause": "1", "title": "基础分", "kind": "base", "params": {"points": 60}},
    {"clause": "2", "title": "导入", "kind": "imported", "params": {"values": {"lh-guiyuan": 3}, "source": "统计局"}},
]


def test_the_published_ranking_and_a_units_lines(api, make_scheme, publish_version, people, district):
    published = publish_version(make_scheme(RULES, adopt=True))
    response = api.get("/assessments/2018", people.unit_staff)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"]["number"] == 1 and body["version"]["content_hash"] == published.content_hash
    assert [(i["unit_code"], D(i["score"]), i["rank"], i["band"], i["tied"]) for i in body["items"]] == [
        ("lh-guiyuan", D(63), 1, 1, False), ("lh-health", D(60), 2, 2, True), ("lh-huangbei", D(60), 2, 2, True)]
    unit = api.get(f"/assessments/2018/units/{district.sub_a.pk}", people.unit_head).json()
    assert [(i["rule"], D(i["points"])) for i in unit["items"]] == [("1", D(60)), ("2", D(3))]
    assert "统计局" in unit["items"][1]["explanation"] and unit["score"] == "63.000"


def test_units_see_only_the_published_version_the_office_the_draft(api, make_scheme, publish_version, people, district, province_office,
                                                                    other_people):
    scheme = make_scheme(RULES, adopt=True)
    assert api.get("/assessments/2018", people.office).status_code == 404
    publish_version(scheme)
    response = api.post("/assessments/2018/compute", people.office, {"reason": "数据更正"})
    assert response.status_code == 201 and response.json()["number"] == 2 and response.json()["state"] == "draft"
    assert api.get("/assessments/2018", people.office).json()["version"]["number"] == 2
    assert api.get("/assessments/2018", people.unit_staff).json()["version"]["number"] == 1
    assert api.get("/assessments/2018", people.unit_staff, version=2).status_code == 404
    assert api.get("/assessments/2018", province_office, district=district.district.pk).json()["version"]["number"] == 2
    assert api.get("/assessments/2018", province_office).status_code == 422
    assert api.get("/assessments/2018", other_people.office, district=district.district.pk).status_code == 404
    assert api.get("/assessments/2018", other_people.office).status_code == 404
    assert api.get("/assessments/2018", people.resident).status_code == 403
    assert api.get("/assessments/2018").status_code == 401


def test_compute_review_publish_through_the_api(api, make_scheme, people, province_office):
    make_scheme(RULES, adopt=True)
    assert api.post("/assessments/2018/compute", people.unit_staff).status_code == 403
    assert api.post("/assessments/2018/compute", province_office).status_code == 403
    assert api.post("/assessments/2018/compute", people.office).status_code == 201
    assert api.post("/assessments/2018/versions/1/publish", people.office).status_code == 422
    assert api.post("/assessments/2018/versions/1/review", people.office).json()["state"] == "reviewed"
    published = api.post("/assessments/2018/versions/1/publish", people.office, {"is_public": True}).json()
    assert published["state"] == "published" and published["is_public"] and len(published["scheme"]["content_hash"]) == 64
    assert Assessment.objects.get().state == AssessmentState.PUBLISHED


def test_compute_names_what_is_missing(api, make_scheme, people):
    response = api.post("/assessments/2018/compute", people.office)
    assert response.status_code == 422 and "no adopted scheme for 2018" in errors_by_field(response)["year"][0]
    make_scheme([{"clause": "9", "title": "率", "kind": "expression", "params": {}, "expression": "1 / reforms_led"}], adopt=True)
    response = api.post("/assessments/2018/compute", people.office)
    assert response.status_code == 422 and "divides by zero" in errors_by_field(response)[None][0]
    assert api.post("/assessments/2018/compute", people.office, {"dry_run": "maybe"}).status_code == 422
    assert not Assessment.objects.exists()


def test_what_if_through_the_api_writes_nothing(api, make_scheme, publish_version, people):
    publish_version(make_scheme(RULES, adopt=True))
    response = api.post("/assessments/2018/what-if", people.office, {"changes": [{"clause": "2", "remove": True}]})
    assert response.status_code == 200, response.content
    items = {i["unit_code"]: i for i in response.json()["items"]}
    assert (D(items["lh-guiyuan"]["delta"]), items["lh-guiyuan"]["rank_change"]) == (D(-3), 0)
    assert Assessment.objects.count() == 1
    bad = api.post("/assessments/2018/what-if", people.office, {"changes": [{"clause": "2", "params": {"values": {"lh-guiyuan": "x"}}}]})
    assert bad.status_code == 422


def test_the_ranking_is_a_fixed_number_of_queries(api, make_scheme, publish_version, people, district, django_assert_max_num_queries):
    for i in range(25):
        UnitFactory(code=f"lh-y{i}", name=f"街道{i}", kind=UnitKind.SUB_DISTRICT, parent=district.district)
    publish_version(make_scheme(RULES, adopt=True))
    with django_assert_max_num_queries(20):
        assert len(api.get("/assessments/2018", people.unit_staff).json()["items"]) == 28
    with django_assert_max_num_queries(20):
        assert len(api.get(f"/assessments/2018/units/{district.sub_a.pk}", people.unit_staff).json()["items"]) == 2
