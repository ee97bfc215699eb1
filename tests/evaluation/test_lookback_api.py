"""The look-back API: ``POST /reforms/{id}/lookback`` (create or update, 400/409/422),
``GET /reforms/{id}/lookback`` and ``GET /lookback/due``, with roles, districts and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import LookbackReview, Rating, Round, RoundKind, RoundReform
from reformledger.evaluation.services import lookback as services
from reformledger.reforms.models import Status, Tier
from tests.clients import errors_by_field
from tests.evaluation.lookback_helpers import completed_key, today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = {
    "mechanism": "yes",
    "mechanism_text": "建立长效机制",
    "sustained": "yes",
    "documents": [{"title": "管理办法", "number": "深罗府办〔2016〕12号", "issuer": "区政府办", "issued_on": "2016-05-10"}],
    "adoptions": [{"place": "全国", "level": "nation", "evidence_url": "https://example.org/a"}],
    "problems": [{"description": "人手不足", "severity": "high"}],
}


def test_post_creates_then_updates_the_open_review(api, people, reform_factory):
    reform = completed_key(reform_factory)
    made = api.post(f"/reforms/{reform.pk}/lookback", people.office, BODY)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "in_progress" and body["documents"][0]["number"] == "深罗府办〔2016〕12号"
    assert body["residents_then"] is None and body["residents_now"] is None
    doc = body["documents"][0]["id"]
    again = api.post(f"/reforms/{reform.pk}/lookback", people.office, {"sustained": "partly", "documents": [{"id": doc, "title": "新"}]})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["sustained"] == "partly" and [d["title"] for d in again.json()["documents"]] == ["新"]
    assert LookbackReview.objects.count() == 1


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda f: completed_key(f, tier=Tier.MICRO), id="micro"),
        pytest.param(lambda f: f(tier=Tier.KEY, status=Status.IN_PROGRESS), id="in progress"),
        pytest.param(lambda f: completed_key(f, years_ago=0.3), id="recent"),
    ],
)
def test_post_for_an_ineligible_reform_is_400(api, people, reform_factory, make):
    reform = make(reform_factory)
    response = api.post(f"/reforms/{reform.pk}/lookback", people.office, BODY)
    assert response.status_code == 400
    assert "reform" in errors_by_field(response)
    assert not LookbackReview.objects.exists()


def test_post_on_a_concluded_review_is_409(api, people, reform_factory):
    reform = completed_key(reform_factory)
    api.post(f"/reforms/{reform.pk}/lookback", people.office, BODY)
    review = LookbackReview.objects.get()
    services.conclude_review(user=people.office, review=review, grade="good", conclusion="好")
    response = api.post(f"/reforms/{reform.pk}/lookback", people.office, {"mechanism": "no"})
    assert response.status_code == 409 and "state" in errors_by_field(response)


def test_bad_fields_are_422_naming_them_and_nothing_is_written(api, people, reform_factory):
    reform = completed_key(reform_factory)
    response = api.post(f"/reforms/{reform.pk}/lookback", people.office, {
        "mechanism": "maybe", "documents": [{"title": "x" * 300}], "adoptions": [{"place": "深圳", "level": "galaxy"}],
        "reviewer": 999999,
    })
    assert response.status_code == 422
    fields = errors_by_field(response)
    assert {"mechanism", "documents.0.title", "adoptions.0.level"} <= set(fields)
    bad_url = api.post(f"/reforms/{reform.pk}/lookback", people.office, {"adoptions": [{"place": "深圳", "level": "city", "evidence_url": "ftp://x"}]})
    assert bad_url.status_code == 422 and "adoptions.0.evidence_url" in errors_by_field(bad_url)
    assert not LookbackReview.objects.exists() and not AuditEntry.objects.filter(action__startswith="lookback.").exists()


def test_writes_by_others_are_refused(api, people, other_people, province_office, reform_factory):
    reform = completed_key(reform_factory)
    for user, status in ((people.committee, 403), (people.unit_staff, 403), (province_office, 403), (other_people.office, 404)):
        assert api.post(f"/reforms/{reform.pk}/lookback", user, BODY).status_code == status, user
    assert api.post(f"/reforms/{reform.pk}/lookback", None, BODY).status_code == 401
    assert not LookbackReview.objects.exists()


def test_get_reform_lookback_by_role(api, people, other_people, province_office, reform_factory):
    reform = completed_key(reform_factory)
    api.post(f"/reforms/{reform.pk}/lookback", people.office, BODY)
    for user in (people.office, people.committee, people.unit_staff, people.leader_main, province_office):
        response = api.get(f"/reforms/{reform.pk}/lookback", user)
        assert response.status_code == 200 and response.json()["count"] == 1, user
    assert api.get(f"/reforms/{reform.pk}/lookback", people.other_staff).status_code == 403
    assert api.get(f"/reforms/{reform.pk}/lookback", other_people.office).status_code == 404


def test_residents_view_is_read_from_the_ratings(api, people, reform_factory, district):
    reform = completed_key(reform_factory)
    done = reform.due_date
    def make_round(kind, year):
        r = Round.objects.create(
            district=district.district, kind=kind, year=year, title=f"{year} {kind}", created_by=people.office,
            opens_at=timezone.now() - dt.timedelta(days=30), closes_at=timezone.now() - dt.timedelta(days=1),
            dimensions=[{"key": "satisfaction", "label": "满意度"}], min_ratings=2,
        )
        RoundReform.objects.create(round=r, reform=reform)
        return r

    then = make_round(RoundKind.PUBLIC, done.year)
    now = make_round(RoundKind.LOOKBACK, today().year)
    for score in (4, 5, 3):
        Rating.objects.create(round=then, reform=reform, channel="web", rater=UserFactory(), score_1=score)
    Rating.objects.create(round=now, reform=reform, channel="web", rater=UserFactory(), score_1=5)
    api.post(f"/reforms/{reform.pk}/lookback", people.office, {"mechanism": "yes"})
    item = api.get(f"/reforms/{reform.pk}/lookback", people.office).json()["items"][0]
    assert item["residents_then"]["count"] == 3 and item["residents_then"]["means"] == {"满意度": 4.0}
    assert item["residents_now"]["count"] == 1 and item["residents_now"]["means"] == {"满意度": 5.0}
    # Outside the office: unpublished rounds show no figures.
    unit_view = api.get(f"/reforms/{reform.pk}/lookback", people.unit_staff).json()["items"][0]
    assert unit_view["residents_then"]["shown"] is False and unit_view["residents_then"]["means"] == {}


def test_due_list_by_role_and_district(api, people, other_people, province_office, reform_factory, other_district):
    mine = completed_key(reform_factory, years_ago=3)
    theirs = completed_key(reform_factory, lead_unit=other_district.street, district=other_district.district)
    response = api.get("/lookback/due", people.office)
    assert response.status_code == 200 and [i["reform"] for i in response.json()["items"]] == [mine.pk]
    assert {i["reform"] for i in api.get("/lookback/due", province_office).json()["items"]} == {mine.pk, theirs.pk}
    assert [i["reform"] for i in api.get("/lookback/due", other_people.office).json()["items"]] == [theirs.pk]
    assert api.get("/lookback/due", people.unit_staff).status_code == 403
    assert api.get("/lookback/due", None).status_code == 401


def test_due_list_query_count_does_not_grow(api, people, reform_factory, django_assert_max_num_queries):
    for _ in range(3):
        completed_key(reform_factory, years_ago=2)
    api.get("/lookback/due", people.office)  # warm the token and the actor
    with django_assert_max_num_queries(12):
        small = api.get("/lookback/due", people.office)
    for _ in range(20):
        completed_key(reform_factory, years_ago=2)
    cache.clear()  # factories write without the audit chain, which moves the cached count's version
    with django_assert_max_num_queries(12):
        large = api.get("/lookback/due", people.office)
    assert small.json()["count"] == 3 and large.json()["count"] == 23


def test_a_reform_s_reviews_cost_a_fixed_number_of_queries(api, people, reform_factory, django_assert_max_num_queries):
    reform = completed_key(reform_factory)
    api.post(f"/reforms/{reform.pk}/lookback", people.office, BODY)
    api.get(f"/reforms/{reform.pk}/lookback", people.office)
    with django_assert_max_num_queries(20):
        assert api.get(f"/reforms/{reform.pk}/lookback", people.office).status_code == 200
    rows = {
        "documents": [{"title": f"文件{i}", "number": f"深罗府办〔2016〕{i}号"} for i in range(20)],
        "problems": [{"description": f"问题{i}"} for i in range(20)],
    }
    assert api.post(f"/reforms/{reform.pk}/lookback", people.office, rows).status_code == 200
    with django_assert_max_num_queries(20):
        body = api.get(f"/reforms/{reform.pk}/lookback", people.office).json()
    assert len(body["items"][0]["documents"]) == 20
