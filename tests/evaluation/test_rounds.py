"""Rounds: the office of the district opens, edits (before opening), closes early and publishes its
own rounds; the province office reads and changes nothing; the API's list, detail and create."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import DEFAULT_DIMENSIONS, RoundKind
from reformledger.evaluation.selectors import rounds as round_selectors
from reformledger.evaluation.services import rounds as round_services
from reformledger.reforms.models import Status
from tests.clients import errors_by_field
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = pytest.mark.django_db


def test_a_round_gets_the_default_dimensions_and_is_audited(public_round, key_reforms):
    assert [d["key"] for d in public_round.dimensions] == list(DEFAULT_DIMENSIONS)
    assert list(public_round.entries.values_list("reform_id", flat=True)) == [r.pk for r in key_reforms]
    assert AuditEntry.objects.filter(action="round.open", object_id=str(public_round.pk)).exists()


def test_only_the_districts_own_reforms_and_public_ones(make_round, reform_factory, other_district):
    foreign = reform_factory(code="FT-1", lead_unit=other_district.street, district=other_district.district)
    draft = reform_factory(code="D-1", status=Status.DRAFT)
    with pytest.raises(ValidationError) as caught:
        make_round(reforms=[foreign, draft])
    assert "FT-1" in str(caught.value.message_dict["reforms"]) and "D-1" in str(caught.value.message_dict["reforms"])


@pytest.mark.parametrize(
    "dimensions,field",
    [([{"key": "a", "label": "A"}] * 2, "dimensions.1.key"), ([{"key": "Bad Key", "label": "A"}], "dimensions.0.key"),
     ([{"key": f"k{i}", "label": "x"} for i in range(7)], "dimensions"), ([{"key": "a", "label": ""}], "dimensions.0.label")],
)
def test_bad_dimensions_name_the_field(make_round, dimensions, field):
    with pytest.raises(ValidationError) as caught:
        make_round(dimensions=dimensions)
    assert field in caught.value.message_dict


def test_who_opens_a_round(people, other_people, province_office, district, key_reforms):
    start = timezone.now()
    for user in (other_people.office, province_office, people.unit_staff, people.resident):
        with pytest.raises(PermissionDenied):
            round_services.open_round(
                user=user, district=district.district, kind=RoundKind.PUBLIC, year=2018, title="x",
                opens_at=start, closes_at=start + dt.timedelta(days=1), reforms=key_reforms,
            )


def test_edit_only_before_it_opens(people, make_round, key_reforms):
    later = make_round(opens=2, closes=9)
    edited = round_services.edit_round(user=people.office, round=later, changes={"title": "新标题"}, reforms=key_reforms[:1])
    assert edited.title == "新标题" and edited.entries.count() == 1
    entry = AuditEntry.objects.filter(action="round.edit").latest("seq")
    assert entry.changes["title"] == ["2018年群众评", "新标题"] and "reforms" in entry.changes
    running = make_round()
    with pytest.raises(ValidationError):
        round_services.edit_round(user=people.office, round=running, changes={"title": "x"})


def test_close_early_with_a_reason_then_publish_once(people, other_people, public_round):
    with pytest.raises(ValidationError) as caught:
        round_services.publish_results(user=people.office, round=public_round)
    assert "published_at" in caught.value.message_dict
    with pytest.raises(ValidationError):
        round_services.close_round(user=people.office, round=public_round, reason=" ")
    with pytest.raises(PermissionDenied):
        round_services.close_round(user=other_people.office, round=public_round, reason="x")
    closed = round_services.close_round(user=people.office, round=public_round, reason="提前完成")
    assert closed.has_closed()
    published = round_services.publish_results(user=people.office, round=closed)
    assert published.published_by == people.office and published.published_at
    with pytest.raises(ValidationError):
        round_services.publish_results(user=people.office, round=closed)


def test_visibility(people, other_people, province_office, make_round):
    public = make_round()
    expert = make_round(kind=RoundKind.EXPERT)
    assert set(round_selectors.visible_rounds(people.office)) == {public, expert}
    assert set(round_selectors.visible_rounds(province_office)) == {public, expert}
    assert set(round_selectors.visible_rounds(other_people.office)) == {public}
    assert set(round_selectors.visible_rounds(people.resident)) == {public}


def test_rounds_open_to_me(people, resident, make_round, verify):
    public = make_round()
    opened = make_round(kind=RoundKind.OPEN)
    make_round(opens=-9, closes=-1)
    assert set(round_selectors.rounds_open_to(resident)) == {public, opened}
    assert round_selectors.rounds_open_to(people.other_staff) == [opened]
    assert round_selectors.rounds_open_to(people.office) == []


# --- the API ---------------------------------------------------------------------------------------


def test_api_list_detail_and_open_filter(api, make_round, key_reforms, django_assert_max_num_queries):
    public = make_round()
    closed = make_round(opens=-9, closes=-1, title="旧")
    make_round(kind=RoundKind.EXPERT)
    for _i in range(3):
        make_round(title="更多")
    with django_assert_max_num_queries(6):
        everything = api.get("/rounds")
    assert everything.status_code == 200 and everything.json()["count"] == 5
    opened = api.get("/rounds", open="true").json()
    assert closed.pk not in [r["id"] for r in opened["items"]] and public.pk in [r["id"] for r in opened["items"]]
    detail = api.get(f"/rounds/{public.pk}").json()
    assert detail["kind"] == "public" and [r["id"] for r in detail["reforms"]] == [r.pk for r in key_reforms]
    assert [d["key"] for d in detail["dimensions"]] == ["satisfaction", "effect"]


def test_api_create(api, people, other_people, province_office, key_reforms, reform_factory, other_district):
    now = timezone.now()
    body = {
        "kind": "public", "year": 2018, "title": "群众评", "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=3)).isoformat(), "reforms": [r.pk for r in key_reforms],
    }
    made = api.post("/rounds", people.office, body)
    assert made.status_code == 201, made.content
    assert made.json()["n_reforms"] == 3
    assert api.post("/rounds", province_office, body).status_code == 403
    assert api.post("/rounds", people.unit_staff, body).status_code == 403
    foreign = reform_factory(code="FT-2", lead_unit=other_district.street, district=other_district.district)
    bad = api.post("/rounds", people.office, {**body, "reforms": [foreign.pk], "closes_at": body["opens_at"]})
    assert bad.status_code == 422 and {"reforms", "closes_at"} <= set(errors_by_field(bad))
    unknown = api.post("/rounds", people.office, {**body, "reforms": [999999]})
    assert unknown.status_code == 422 and "reforms" in errors_by_field(unknown)


def test_api_create_with_local_times(api, people, key_reforms):
    body = {"kind": "open", "year": 2018, "title": "大家评", "opens_at": "2030-05-01T09:00:00", "closes_at": "2030-05-31T18:00",
            "reforms": [r.pk for r in key_reforms], "dimensions": [{"key": "satisfaction", "label": "满意度"}]}
    made = api.post("/rounds", people.office, body)
    assert made.status_code == 201, made.content
    opens = dt.datetime.fromisoformat(made.json()["opens_at"].replace("Z", "+00:00"))
    assert opens == dt.datetime(2030, 5, 1, 9, tzinfo=timezone.get_current_timezone())  # the installation's time
    assert len(made.json()["dimensions"]) == 1
