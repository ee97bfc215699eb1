"""GET/POST /reforms/{id}/tasks, GET/PATCH /tasks/{id}: the tree, permissions, bad input."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.core.audit import history_of
from reformledger.reforms.models import Status
from reformledger.supervision.models import Level, Task
from tests.clients import errors_by_field
from tests.factories import TaskFactory
from tests.supervision.conftest import TODAY, day

TASK_KEYS = {
    "id", "reform_id", "parent_id", "depth", "sort_order", "title", "unit", "assignee", "start_date",
    "due_date", "original_due_date", "weight", "deliverable", "status", "progress", "level", "level_reason", "warning",
    "last_report_on", "reported_percent", "awaiting_review",
}


# --- GET /reforms/{id}/tasks ----------------------------------------------------------------------


def test_the_tree_comes_in_tree_order_with_levels_in_words(api, people, reform, add_task):
    first = add_task(reform, title="一、摸底", start_date=TODAY - dt.timedelta(days=30), due_date=TODAY + dt.timedelta(days=90))
    second = add_task(reform, title="二、推广", start_date=TODAY - dt.timedelta(days=10), due_date=TODAY + dt.timedelta(days=100))
    child = add_task(
        reform, parent=first, title="1.1 调研", assignee=people.unit_staff,
        start_date=TODAY - dt.timedelta(days=20), due_date=TODAY - dt.timedelta(days=2), weight=2,
    )
    response = api.get(f"/reforms/{reform.pk}/tasks", people.unit_staff)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [(i["id"], i["depth"], i["parent_id"]) for i in body["items"]] == [
        (first.pk, 0, None), (child.pk, 1, first.pk), (second.pk, 0, None),
    ]
    item = body["items"][1]
    assert set(item) == TASK_KEYS
    assert item["unit"] == {"id": child.unit_id, "code": "lh-guiyuan", "name": "桂园街道"}
    assert item["assignee"] == {"id": people.unit_staff.pk, "name": "unit_staff"}
    assert item["weight"] == 2.0 and item["status"] == "not_started"
    assert (item["level"], item["level_reason"], item["warning"]) == ("red", "overdue", "Overdue by 2 days")
    assert body["items"][0]["level_reason"] == "child"
    assert body["items"][0]["warning"] == "A sub-task needs attention"
    assert body["items"][2]["level"] == "green" and body["items"][2]["warning"] == ""


@pytest.mark.parametrize("role", ["office", "committee", "unit_head", "unit_staff", "leader_main"])
def test_who_sees_the_tree(api, people, reform_factory, add_task, role):
    reform = reform_factory(tier="key", start_date=TODAY - dt.timedelta(days=100), due_date=TODAY + dt.timedelta(days=100))
    add_task(reform)
    response = api.get(f"/reforms/{reform.pk}/tasks", getattr(people, role))
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.parametrize("role", ["other_staff", "resident", "expert", "leader_domain"])
def test_others_do_not_see_the_tree(api, people, reform, add_task, role):
    add_task(reform)
    response = api.get(f"/reforms/{reform.pk}/tasks", getattr(people, role))
    assert response.status_code == 404
    assert errors_by_field(response) == {}


def test_anonymous_callers_get_401_on_supervision_reads(api, reform, add_task):
    task = add_task(reform)
    for path in (f"/reforms/{reform.pk}/tasks", f"/tasks/{task.pk}"):
        response = api.get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_reform_is_404(api, people):
    assert api.get("/reforms/999999/tasks", people.office).status_code == 404


def test_the_tree_query_count_does_not_grow(api, people, reform, add_task, django_assert_num_queries):
    top = add_task(reform, title="top")
    add_task(reform, parent=top, title="child")
    api.get(f"/reforms/{reform.pk}/tasks", people.unit_staff)  # the token's first use is recorded
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert api.get(f"/reforms/{reform.pk}/tasks", people.unit_staff).json()["count"] == 2
    for n in range(18):
        add_task(reform, parent=top if n % 2 else None, title=f"t{n}", assignee=people.unit_staff)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert api.get(f"/reforms/{reform.pk}/tasks", people.unit_staff).json()["count"] == 20


# --- POST /reforms/{id}/tasks --------------------------------------------------------------------


def test_the_lead_unit_decomposes_its_reform(api, people, district, reform):
    body = {
        "title": "建立登记平台",
        "unit": district.sub_a.pk,
        "assignee": people.unit_staff.pk,
        "start_date": day(-5),
        "due_date": day(60),
        "weight": 2.5,
        "deliverable": "平台上线",
    }
    response = api.post(f"/reforms/{reform.pk}/tasks", people.unit_staff, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == TASK_KEYS
    assert created["title"] == "建立登记平台" and created["weight"] == 2.5 and created["depth"] == 0
    assert created["assignee"]["id"] == people.unit_staff.pk and created["level"] == "green"
    task = Task.objects.get(pk=created["id"])
    assert task.reform_id == reform.pk and task.deliverable == "平台上线"
    assert history_of(task).first().action == "task.create"

    child = api.post(
        f"/reforms/{reform.pk}/tasks",
        people.unit_staff,
        {"title": "子任务", "unit": district.sub_a.pk, "start_date": day(-1), "due_date": day(30), "parent": task.pk},
    )
    assert child.status_code == 201, child.content
    assert (child.json()["parent_id"], child.json()["depth"], child.json()["weight"]) == (task.pk, 1, 1.0)


def test_the_office_adds_a_task_for_another_unit(api, people, district, reform):
    response = api.post(
        f"/reforms/{reform.pk}/tasks",
        people.office,
        {"title": "卫健配合", "unit": district.department.pk, "start_date": day(0), "due_date": day(10)},
    )
    assert response.status_code == 201
    assert response.json()["unit"]["code"] == "lh-health"


@pytest.mark.parametrize("role", ["other_staff", "resident", "expert", "committee", "leader_main"])
def test_others_cannot_add_tasks(api, people, district, reform, role):
    body = {"title": "x", "unit": district.sub_a.pk, "start_date": day(0), "due_date": day(10)}
    response = api.post(f"/reforms/{reform.pk}/tasks", getattr(people, role), body)
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_a_hidden_reform_is_404_and_anonymous_is_401(api, people, district, reform_factory):
    hidden = reform_factory(lead_unit=district.sub_b, status=Status.DRAFT)
    body = {"title": "x", "unit": district.sub_a.pk, "start_date": "2018-02-01", "due_date": "2018-03-01"}
    assert api.post(f"/reforms/{hidden.pk}/tasks", people.unit_staff, body).status_code == 404
    assert api.post(f"/reforms/{hidden.pk}/tasks", None, body).status_code == 401
    assert not Task.objects.exists()


def test_bad_task_input_is_422_naming_the_field(api, people, district, reform, add_task):
    parent = add_task(reform, start_date=TODAY - dt.timedelta(days=10), due_date=TODAY + dt.timedelta(days=20))
    path = f"/reforms/{reform.pk}/tasks"
    good = {"title": "子任务", "unit": district.sub_a.pk, "start_date": day(-1), "due_date": day(10)}
    cases = [
        ({**good, "parent": parent.pk, "due_date": day(40)}, "due_date"),  # after the parent's due date
        ({**good, "parent": parent.pk, "start_date": day(-30)}, "start_date"),  # before the parent starts
        ({**good, "weight": 0}, "weight"),
        ({**good, "weight": -1}, "weight"),
        ({**good, "unit": 999_999}, "unit"),
        ({**good, "assignee": 999_999}, "assignee"),
        ({**good, "assignee": people.other_staff.pk}, "assignee"),  # does not work in the unit
        ({**good, "parent": 999_999}, "parent"),
        ({**good, "title": "  "}, "title"),
        ({**good, "due_date": "31/12/2019"}, "due_date"),
        ({k: v for k, v in good.items() if k != "unit"}, "unit"),
        ({**good, "status": "done"}, "status"),
        ({**good, "start_date": day(5), "due_date": day(1)}, "due_date"),
    ]
    for body, field in cases:
        response = api.post(path, people.unit_staff, body)
        assert response.status_code == 422, (body, response.content)
        assert field in errors_by_field(response), (body, response.json())
    assert Task.objects.count() == 1


def test_a_task_due_after_its_reform_is_refused(api, people, district, reform):
    body = {"title": "x", "unit": district.sub_a.pk, "start_date": day(0), "due_date": day(400)}
    response = api.post(f"/reforms/{reform.pk}/tasks", people.office, body)
    assert response.status_code == 422 and list(errors_by_field(response)) == ["due_date"]


# --- GET / PATCH /tasks/{id} ----------------------------------------------------------------------


def test_one_task(api, people, reform, add_task):
    task = add_task(reform, title="一个任务")
    response = api.get(f"/tasks/{task.pk}", people.unit_staff)
    assert response.status_code == 200 and response.json()["title"] == "一个任务"
    assert api.get(f"/tasks/{task.pk}", people.other_staff).status_code == 404
    assert api.get(f"/tasks/{task.pk}", people.resident).status_code == 404


def test_a_unit_sees_a_task_given_to_it_in_another_units_reform(api, people, district, reform, add_task):
    task = add_task(reform, unit=district.sub_b)
    assert api.get(f"/tasks/{task.pk}", people.other_staff).status_code == 200


def test_patch_changes_only_the_fields_sent(api, people, district, reform, add_task):
    task = add_task(reform, title="原标题", deliverable="原成果", weight=3, user=people.unit_staff)  # the unit's own
    response = api.patch(f"/tasks/{task.pk}", people.unit_staff, {"title": "新标题", "assignee": people.unit_head.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "新标题" and body["assignee"]["id"] == people.unit_head.pk
    assert body["deliverable"] == "原成果" and body["weight"] == 3.0
    entry = history_of(Task.objects.get(pk=task.pk)).first()
    assert entry.action == "task.update" and entry.changes["title"] == ["原标题", "新标题"]
    cleared = api.patch(f"/tasks/{task.pk}", people.office, {"assignee": None, "weight": 1.25, "due_date": day(30), "reason": "区委同意"})
    assert cleared.status_code == 200
    assert (cleared.json()["assignee"], cleared.json()["weight"], cleared.json()["due_date"]) == (None, 1.25, day(30))


def test_patch_bad_input_writes_nothing(api, people, reform, add_task):
    parent = add_task(reform, due_date=TODAY + dt.timedelta(days=20))
    child = add_task(reform, parent=parent, due_date=TODAY + dt.timedelta(days=10))
    for body, field in [
        ({"weight": 0}, "weight"),
        ({"due_date": day(25)}, "due_date"),  # after the parent
        ({"title": None}, "title"),
        ({"deliverable": None}, "deliverable"),
        ({"unit": None}, "unit"),
        ({"parent": parent.pk}, "parent"),  # a task does not move
        ({"progress": 90}, "progress"),  # progress comes from reports
    ]:
        response = api.patch(f"/tasks/{child.pk}", people.office, body)
        assert response.status_code == 422, (body, response.content)
        assert field in errors_by_field(response)
    fresh = Task.objects.get(pk=child.pk)
    assert (fresh.weight, fresh.due_date, fresh.progress) == (1, TODAY + dt.timedelta(days=10), 0)
    # moving the parent's dates would leave its sub-task outside
    response = api.patch(f"/tasks/{parent.pk}", people.office, {"due_date": day(5)})
    assert response.status_code == 422 and "due_date" in errors_by_field(response)


@pytest.mark.parametrize(("role", "status"), [("other_staff", 403), ("resident", 403), ("expert", 403), ("committee", 403)])
def test_others_cannot_change_a_task(api, people, reform, add_task, role, status):
    task = add_task(reform, title="原标题")
    assert api.patch(f"/tasks/{task.pk}", getattr(people, role), {"title": "改"}).status_code == status
    assert Task.objects.get(pk=task.pk).title == "原标题"


def test_a_task_of_a_hidden_reform_is_404_to_strangers(api, people, district, reform_factory):
    hidden = reform_factory(lead_unit=district.sub_b, status=Status.DRAFT)
    task = TaskFactory(
        reform=hidden, title="隐藏", unit=district.sub_b, start_date=dt.date(2018, 2, 1), due_date=dt.date(2018, 3, 1)
    )
    assert api.patch(f"/tasks/{task.pk}", people.unit_staff, {"title": "改"}).status_code == 404
    assert api.patch(f"/tasks/{task.pk}", None, {"title": "改"}).status_code == 401
    assert api.patch("/tasks/999999", people.office, {"title": "改"}).status_code == 404


def test_a_completed_reforms_tasks_are_locked(api, people, reform, add_task):
    task = add_task(reform)
    reform.status = Status.COMPLETED
    reform.save()
    assert api.patch(f"/tasks/{task.pk}", people.unit_staff, {"title": "改"}).status_code == 403


def test_levels_are_computed_on_create(api, people, district, reform):
    body = {"title": "逾期", "unit": district.sub_a.pk, "start_date": day(-30), "due_date": day(-1)}
    created = api.post(f"/reforms/{reform.pk}/tasks", people.office, body).json()
    assert created["level"] == Level.RED and created["warning"] == "Overdue by 1 day"
