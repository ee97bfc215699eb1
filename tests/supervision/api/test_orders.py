"""POST/GET /orders, GET /orders/{id}, POST /orders/{id}/acknowledge."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.core.audit import history_of
from reformledger.supervision.models import Order, OrderTarget, ReminderKind
from reformledger.supervision.services import orders as order_services
from tests.clients import errors_by_field
from tests.supervision.conftest import TODAY, day

ORDER_KEYS = {
    "id", "code", "title", "body", "issued_on", "reply_by", "issued_by", "status", "closed_on", "targets", "cc_units", "items",
}


@pytest.fixture
def task(reform, add_task):
    return add_task(reform, title="平台上线", due_date=TODAY + dt.timedelta(days=60))


def issue(api, people, district, task, **extra):
    body = {
        "title": "关于加快不动产登记改革的督查令",
        "body": "请于期限内完成。",
        "reply_by": day(7),
        "units": [district.sub_b.pk],
        "items": [{"task": task.pk, "deadline": day(30)}],
        **extra,
    }
    return api.post("/orders", people.office, body)


def test_the_office_issues_a_numbered_order(api, people, district, task):
    response = issue(api, people, district, task)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ORDER_KEYS
    assert body["code"] == f"罗改督〔{TODAY.year}〕1号" and body["issued_on"] == TODAY.isoformat()
    assert body["reply_by"] == day(7) and body["issued_by"]["id"] == people.office.pk
    # the task's unit is added to the units named
    assert {t["unit"]["code"] for t in body["targets"]} == {"lh-guiyuan", "lh-huangbei"}
    assert all(t["acknowledged_at"] is None and t["replies"] == [] and t["reply_status"] == "" for t in body["targets"])
    assert (body["status"], body["closed_on"], body["cc_units"]) == ("issued", None, [])
    assert body["items"] == [{
        "task": task.pk, "title": "平台上线", "deadline": day(30), "days_past_deadline": 0, "due_date": day(60),
        "days_past_due": 0, "status": "not_started", "level": task.level, "progress": 0,
    }]
    task.refresh_from_db()
    assert task.due_date == TODAY + dt.timedelta(days=60)  # issue 8: the order's deadline is its own
    order = Order.objects.get()
    assert history_of(order).first().action == "order.issue"
    assert order.reminders.filter(kind=ReminderKind.ORDER).count() == 2
    second = issue(api, people, district, task, items=[])
    assert second.json()["code"] == f"罗改督〔{TODAY.year}〕2号"


def test_an_order_without_any_target_unit_is_refused(api, people, district, task):
    response = issue(api, people, district, task, units=[], items=[])
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["units"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"units": [999_999]}, "units"),
        ({"items": [{"task": 999_999}]}, "items"),
        ({"items": [{"task": 1, "deadline": "soon"}]}, "items.0.deadline"),
        ({"reply_by": "2000-01-01"}, "reply_by"),
        ({"title": " "}, "title"),
        ({"reply_by": None}, "reply_by"),
        ({"copies": 3}, "copies"),
    ],
)
def test_bad_orders_are_422_and_write_nothing(api, people, district, task, extra, field):
    response = issue(api, people, district, task, **extra)
    assert response.status_code == 422, response.content
    assert field in errors_by_field(response)
    assert not Order.objects.exists()
    task.refresh_from_db()
    assert task.due_date == TODAY + dt.timedelta(days=60)


def test_a_deadline_after_the_parents_due_date_is_the_orders_own(api, people, district, reform, add_task):
    """Issue 8 part 2: the order's deadline (督办时限) is not the task's due date, so the task's range
    does not bound it; a deadline before today is refused."""
    parent = add_task(reform, due_date=TODAY + dt.timedelta(days=20))
    child = add_task(reform, parent=parent, due_date=TODAY + dt.timedelta(days=10))
    body = {"title": "督查令", "reply_by": day(3), "items": [{"task": child.pk, "deadline": day(40)}]}
    response = api.post("/orders", people.office, body)
    assert response.status_code == 201, response.content
    assert response.json()["items"][0]["deadline"] == day(40) and response.json()["items"][0]["due_date"] == day(10)
    past = api.post("/orders", people.office, {**body, "items": [{"task": child.pk, "deadline": day(-1)}]})
    assert past.status_code == 422 and list(errors_by_field(past)) == ["items"]
    assert Order.objects.count() == 1


@pytest.mark.parametrize("role", ["unit_staff", "unit_head", "committee", "leader_main", "resident", "expert"])
def test_only_the_office_issues_orders(api, people, district, task, role):
    response = api.post("/orders", getattr(people, role), {"title": "x", "reply_by": day(3), "units": [district.sub_a.pk]})
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_anonymous_is_401(api, district):
    assert api.post("/orders", None, {"title": "x", "reply_by": day(3), "units": [district.sub_a.pk]}).status_code == 401
    assert api.get("/orders").status_code == 401
    assert not Order.objects.exists()


# --- reading orders --------------------------------------------------------------------------------


def test_units_see_the_orders_addressed_to_them(api, people, district, task):
    to_a = issue(api, people, district, task, units=[], title="给桂园").json()
    to_b = issue(api, people, district, task, units=[district.sub_b.pk], items=[], title="给黄贝").json()
    assert {o["id"] for o in api.get("/orders", people.office).json()["items"]} == {to_a["id"], to_b["id"]}
    assert [o["id"] for o in api.get("/orders", people.unit_staff).json()["items"]] == [to_a["id"]]
    assert [o["id"] for o in api.get("/orders", people.other_staff).json()["items"]] == [to_b["id"]]
    assert api.get("/orders", people.resident).json() == {"count": 0, "items": []}
    assert api.get(f"/orders/{to_a['id']}", people.unit_staff).json()["title"] == "给桂园"
    assert api.get(f"/orders/{to_a['id']}", people.other_staff).status_code == 404
    assert api.get(f"/orders/{to_a['id']}", people.resident).status_code == 404
    assert api.get(f"/orders/{to_a['id']}").status_code == 401


def test_the_order_list_query_count_does_not_grow(api, people, district, task, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            order_services.issue_order(
                user=people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5),
                units=[district.sub_a, district.sub_b], items=[(task, None)],
            )

    make(2)
    api.get("/orders", people.office)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/orders", people.office).json()["items"]) == 2
    make(18)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/orders", people.office).json()["items"]) == 20


# --- acknowledging ---------------------------------------------------------------------------------


def test_a_target_unit_acknowledges_once(api, people, district, task):
    order = issue(api, people, district, task).json()
    response = api.post(f"/orders/{order['id']}/acknowledge", people.unit_staff)
    assert response.status_code == 200, response.content
    targets = {t["unit"]["code"]: t["acknowledged_at"] for t in response.json()["targets"]}
    assert targets["lh-guiyuan"] is not None and targets["lh-huangbei"] is None
    again = api.post(f"/orders/{order['id']}/acknowledge", people.unit_head)
    assert again.status_code == 422
    assert list(errors_by_field(again)) == ["order"]
    assert OrderTarget.objects.filter(acknowledged_at__isnull=False).count() == 1


def test_the_body_is_optional_and_may_name_the_unit(api, people, district, task):
    order = issue(api, people, district, task).json()
    path = f"/api/v1/orders/{order['id']}/acknowledge"
    response = api.client.post(path, "", content_type="application/json", headers=api.headers(people.other_staff))
    assert response.status_code == 200, response.content
    named = api.post(f"/orders/{order['id']}/acknowledge", people.unit_staff, {"unit": district.sub_b.pk})
    assert named.status_code == 403  # sub-district B is a target, but not the caller's unit
    unknown = api.post(f"/orders/{order['id']}/acknowledge", people.unit_staff, {"unit": 999_999})
    assert unknown.status_code == 422 and list(errors_by_field(unknown)) == ["unit"]
    assert api.post(f"/orders/{order['id']}/acknowledge", people.unit_staff, {"unit": district.sub_a.pk}).status_code == 200


@pytest.mark.parametrize("role", ["office", "committee", "resident", "expert"])
def test_a_unit_the_order_is_not_addressed_to_is_403(api, people, district, task, role):
    order = issue(api, people, district, task, units=[]).json()  # to sub-district A only
    response = api.post(f"/orders/{order['id']}/acknowledge", getattr(people, role))
    assert response.status_code == 403
    assert not OrderTarget.objects.filter(acknowledged_at__isnull=False).exists()


def test_other_staff_cannot_acknowledge_for_another_unit(api, people, district, task):
    order = issue(api, people, district, task, units=[]).json()
    assert api.post(f"/orders/{order['id']}/acknowledge", people.other_staff).status_code == 403
    assert api.post("/orders/999999/acknowledge", people.unit_staff).status_code == 404
    assert api.post(f"/orders/{order['id']}/acknowledge", None).status_code == 401
