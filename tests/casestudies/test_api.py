"""``GET /api/v1/case-studies`` and ``GET /api/v1/case-studies/{id}``: published ones only, filters,
bad parameters refused, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.casestudies.helpers import published_case, reform_with_evidence, written_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(reform_factory, district, people):
    day = timezone.localdate() - dt.timedelta(days=3)
    health = published_case(people.office, reform_with_evidence(reform_factory, district, people, title="罗湖医改")[0],
                            adoptions=[("nation", "国家卫生健康委", day), ("city", "深圳市", day)])
    draft = written_case(people.office, reform_factory(status="in_progress", title="物业管理改革"))
    return health, draft


def test_list_and_detail(api, cases):
    health, draft = cases
    body = api.get("/case-studies").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == health.pk and item["adoption_level"] == "nation" and item["adoptions_count"] == 2
    assert item["reform"]["id"] == health.reform_id and item["district"]["name"] == "罗湖区" and item["highlights"]
    detail = api.get(f"/case-studies/{health.pk}").json()
    assert [a["level"] for a in detail["adoptions"]] == ["nation", "city"] and detail["background"]
    assert api.get(f"/case-studies/{draft.pk}").status_code == 404


def test_filters_and_bad_parameters(api, cases):
    assert api.get("/case-studies", adoption_level="nation").json()["count"] == 1
    assert api.get("/case-studies", adoption_level="province").json()["count"] == 0
    assert api.get("/case-studies", q="医改").json()["count"] == 1
    assert api.get("/case-studies", adoption_level="planet").status_code == 422
    assert api.get("/case-studies", year=0).status_code == 422
    assert api.get("/case-studies/0").status_code == 422


def test_list_query_count(api, people, reform_factory, django_assert_max_num_queries):
    for n in range(10):
        published_case(people.office, reform_factory(status="in_progress", title=f"改革{n}"))
    with django_assert_max_num_queries(6):
        body = api.get("/case-studies", page_size=5).json()
    assert body["count"] == 10 and len(body["items"]) == 5
