"""Issue 8 part 1 in the API: POST /tasks/{id}/extensions (JSON or multipart with evidence),
GET /extensions (scoped, paged), POST /extensions/{id}/decision, a task's deadline record, and a
unit's date change refused on the field (422) with nothing written."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.supervision.models import DeadlineChange, Evidence, ExtensionRequest, Task
from reformledger.supervision.services import extensions as extension_services
from tests.clients import errors_by_field, multipart
from tests.supervision.conftest import TODAY, day, days
from tests.supervision.files import fake_pdf, pdf

pytestmark = pytest.mark.django_db

EXTENSION_KEYS = {
    "id", "task", "task_title", "reform", "unit", "requested_by", "due_date", "requested_date", "reason", "status",
    "granted_date", "decided_by", "decided_at", "comment", "created_at", "evidence",
}


def test_a_unit_asks_as_json_and_the_office_approves(api, people, task):
    response = api.post(f"/tasks/{task.pk}/extensions", people.unit_staff, {"new_due_date": day(90), "reason": "征地协调"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == EXTENSION_KEYS
    assert (body["status"], body["due_date"], body["requested_date"]) == ("pending", day(60), day(90))
    decided = api.post(f"/extensions/{body['id']}/decision", people.office, {"approve": True, "granted_due_date": day(80)})
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["granted_date"]) == ("approved", day(80))
    detail = api.get(f"/tasks/{task.pk}", people.unit_staff).json()
    assert (detail["due_date"], detail["original_due_date"]) == (day(80), day(60))
    [move] = detail["deadline_changes"]
    assert (move["from_date"], move["to_date"], move["reason"], move["extension"]) == (day(60), day(80), "征地协调", body["id"])
    assert move["by"]["id"] == people.office.pk


def test_a_request_with_evidence_files(api, people, task, media):
    response = multipart(
        api, f"/tasks/{task.pk}/extensions", people.unit_staff, {"new_due_date": day(90), "reason": "征地协调", "evidence": [pdf()]}
    )
    assert response.status_code == 201, response.content
    assert [e["name"] for e in response.json()["evidence"]] == ["evidence.pdf"]
    assert Evidence.objects.filter(extension_id=response.json()["id"]).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_due_date": day(90), "reason": ""}, "reason"),
        ({"new_due_date": day(90)}, "reason"),
        ({"new_due_date": day(10), "reason": "x"}, "new_due_date"),
        ({"new_due_date": "2026-02-30", "reason": "x"}, "new_due_date"),
        ({"reason": "x"}, "new_due_date"),
    ],
)
def test_bad_requests_are_422_naming_the_field(api, people, task, body, field):
    response = api.post(f"/tasks/{task.pk}/extensions", people.unit_staff, body)
    assert response.status_code == 422
    assert field in errors_by_field(response)
    assert not ExtensionRequest.objects.exists()


def test_a_bad_file_is_422_and_nothing_is_written(api, people, task, media):
    response = multipart(
        api, f"/tasks/{task.pk}/extensions", people.unit_staff, {"new_due_date": day(90), "reason": "x", "evidence": [fake_pdf()]}
    )
    assert response.status_code == 422 and "evidence" in errors_by_field(response)
    assert not ExtensionRequest.objects.exists() and not Evidence.objects.exists()


def test_who_may_ask_and_decide(api, people, task):
    assert api.post(f"/tasks/{task.pk}/extensions", None, {"new_due_date": day(90), "reason": "x"}).status_code == 401
    assert api.post(f"/tasks/{task.pk}/extensions", people.other_staff, {"new_due_date": day(90), "reason": "x"}).status_code in (403, 404)
    assert api.post(f"/tasks/{task.pk}/extensions", people.office, {"new_due_date": day(90), "reason": "x"}).status_code == 403
    made = api.post(f"/tasks/{task.pk}/extensions", people.unit_head, {"new_due_date": day(90), "reason": "x"}).json()
    for user in (people.unit_staff, people.leader_domain, people.committee):
        assert api.post(f"/extensions/{made['id']}/decision", user, {"approve": True}).status_code == 403
    refused = api.post(f"/extensions/{made['id']}/decision", people.office, {"approve": False})
    assert refused.status_code == 422 and list(errors_by_field(refused)) == ["comment"]
    assert api.post(f"/extensions/{made['id']}/decision", people.office, {"approve": False, "comment": "否"}).status_code == 200
    again = api.post(f"/extensions/{made['id']}/decision", people.office, {"approve": True})
    assert again.status_code == 422 and list(errors_by_field(again)) == ["status"]


def test_the_list_is_scoped_and_paged(api, people, district, reform, add_task, django_assert_num_queries):
    def ask(n: int):
        for i in range(n):
            t = add_task(reform, title=f"任务{Task.objects.count()}", unit=district.sub_a)
            extension_services.request_extension(user=people.unit_staff, task=t, new_due_date=days(90), reason=f"理由{i}")

    ask(2)
    api.get("/extensions", people.office)  # the token's first use is not the list's business
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        body = api.get("/extensions", people.office).json()
    assert body["count"] == 2 and len(body["items"]) == 2
    ask(8)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        body = api.get("/extensions?page_size=20", people.office).json()
    assert body["count"] == 10 and len(body["items"]) == 10
    assert api.get("/extensions?status=pending", people.unit_staff).json()["count"] == 10
    assert api.get("/extensions", people.other_staff).json()["count"] == 0
    assert api.get("/extensions?status=approved", people.office).json()["count"] == 0
    assert api.get("/extensions", None).status_code == 401


def test_a_units_date_change_is_422_and_writes_nothing(api, people, task):
    Task.objects.filter(pk=task.pk).update(set_by_office=False)  # the unit's own task: it may edit it, not its dates
    for field in ("due_date", "start_date"):
        response = api.patch(f"/tasks/{task.pk}", people.unit_staff, {field: day(45), "title": "改名"})
        assert response.status_code == 422
        assert list(errors_by_field(response)) == [field]
    task.refresh_from_db()
    assert (task.title, task.due_date) != ("改名", days(45)) and task.due_date == days(60)
    assert not DeadlineChange.objects.exists()


def test_the_office_moves_a_due_date_with_a_reason(api, people, task):
    response = api.patch(f"/tasks/{task.pk}", people.office, {"due_date": day(70)})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["reason"]
    response = api.patch(f"/tasks/{task.pk}", people.office, {"due_date": day(70), "reason": "区委决定"})
    assert response.status_code == 200, response.content
    [move] = response.json()["deadline_changes"]
    assert (move["to_date"], move["reason"], move["extension"]) == (day(70), "区委决定", None)


def test_a_task_shows_its_overdue_spells(api, people, reform, add_red):
    late = add_red(reform, late=4)
    [spell] = api.get(f"/tasks/{late.pk}", people.unit_staff).json()["overdue_spells"]
    assert spell == {"started_on": (TODAY - dt.timedelta(days=3)).isoformat(), "ended_on": None, "ended_by": "", "due_date": day(-4), "days": 4}
