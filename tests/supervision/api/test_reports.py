"""POST /tasks/{id}/reports (JSON and multipart with evidence), /reports/{id}/review, /tasks/{id}/urge."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from reformledger.core.audit import history_of
from reformledger.supervision.models import (
    Channel,
    Decision,
    Delivery,
    Evidence,
    HelpRequest,
    ProgressReport,
    Reminder,
    ReminderKind,
    Task,
    TaskStatus,
)
from tests.clients import errors_by_field, multipart
from tests.supervision.conftest import TODAY
from tests.supervision.files import fake_pdf, pdf, png, stored_files

REPORT_KEYS = {
    "id", "task", "percent", "text", "problems", "help_needed", "status", "review_comment", "reported_on",
    "reporter", "evidence",
}


@pytest.fixture
def task(reform, add_task):
    return add_task(reform, title="建立平台", start_date=TODAY - dt.timedelta(days=10))


# --- JSON ----------------------------------------------------------------------------------------


def test_unit_staff_report_on_their_units_task_as_json(api, people, reform, task):
    body = {"percent": 40, "text": "完成需求调研", "problems": "数据未打通", "help_needed": ""}
    response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert set(created) == REPORT_KEYS
    assert created["task"] == task.pk and created["percent"] == 40 and created["status"] == "pending"
    assert created["reported_on"] == TODAY.isoformat() and created["evidence"] == []
    assert created["reporter"] == {"id": people.unit_staff.pk, "name": "unit_staff"}
    # Awaiting review: the accepted progress stands, the reported figure shows beside it.
    task.refresh_from_db()
    assert (task.progress, task.reported_percent, task.status, task.last_report_on) == (0, 40, TaskStatus.IN_PROGRESS, TODAY)
    reform.refresh_from_db()
    assert reform.progress == 0
    assert history_of(task).first().action == "task.report"
    shown = api.get(f"/tasks/{task.pk}", people.unit_staff).json()
    assert (shown["progress"], shown["reported_percent"], shown["awaiting_review"]) == (0, 40, True)


def test_help_needed_is_escalated(api, people, reform, task):
    reform.responsible_leader = people.leader_main
    reform.save()
    body = {"percent": 10, "text": "推进中", "help_needed": "需要规划部门协调用地"}
    assert api.post(f"/tasks/{task.pk}/reports", people.unit_staff, body).status_code == 201
    help_request = HelpRequest.objects.get()
    assert help_request.leader == people.leader_main and help_request.text == "需要规划部门协调用地"


@pytest.mark.parametrize("role", ["other_staff", "resident", "expert", "office", "committee", "leader_main"])
def test_only_the_tasks_unit_reports(api, people, task, role):
    response = api.post(f"/tasks/{task.pk}/reports", getattr(people, role), {"percent": 50, "text": "x"})
    assert response.status_code == 403, response.content
    assert errors_by_field(response) == {}
    assert not ProgressReport.objects.exists()


def test_anonymous_reports_are_401_and_unknown_tasks_404(api, people, task):
    assert api.post(f"/tasks/{task.pk}/reports", None, {"percent": 50, "text": "x"}).status_code == 401
    assert api.post("/tasks/999999/reports", people.unit_staff, {"percent": 50, "text": "x"}).status_code == 404
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"percent": 101, "text": "x"}, "percent"),
        ({"percent": -1, "text": "x"}, "percent"),
        ({"percent": "half", "text": "x"}, "percent"),
        ({"percent": 50.5, "text": "x"}, "percent"),
        ({"text": "x"}, "percent"),
        ({"percent": 50}, "text"),
        ({"percent": 50, "text": "   "}, "text"),
        ({"percent": 50, "text": "x", "evidence": ["a.pdf"]}, "evidence"),
        ({"percent": 50, "text": "x", "progress": 50}, "progress"),
    ],
)
def test_bad_reports_are_422_naming_the_field(api, people, task, body, field):
    response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, body)
    assert response.status_code == 422, response.content
    assert field in errors_by_field(response)
    assert not ProgressReport.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0 and task.last_report_on is None


def test_a_body_that_is_not_json_is_400_and_another_type_415(api, people, task):
    response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, raw="{percent: 5")
    assert response.status_code == 400 and errors_by_field(response) == {}
    response = api.client.post(
        f"/api/v1/tasks/{task.pk}/reports", "percent=5", content_type="text/plain", headers=api.headers(people.unit_staff)
    )
    assert response.status_code == 415 and errors_by_field(response) == {}
    assert not ProgressReport.objects.exists()


def test_a_split_task_takes_no_reports(api, people, reform, task, add_task):
    add_task(reform, parent=task, start_date=TODAY - dt.timedelta(days=5), due_date=TODAY + dt.timedelta(days=30))
    response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 50, "text": "x"})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["task"]


# --- multipart with evidence ---------------------------------------------------------------------


def test_a_report_with_evidence_files(api, people, task):
    before = stored_files()
    response = multipart(
        api,
        f"/tasks/{task.pk}/reports",
        people.unit_staff,
        {"percent": "60", "text": "平台试运行", "problems": "", "help_needed": "", "evidence": [pdf(), png()]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent"] == 60 and body["text"] == "平台试运行"
    assert [(e["name"], e["kind"]) for e in body["evidence"]] == [("evidence.pdf", "pdf"), ("photo.png", "png")]
    assert all(e["size"] > 0 and e["url"].endswith(f"/{e['id']}/") for e in body["evidence"])
    assert Evidence.objects.filter(report_id=body["id"]).count() == 2
    assert len(stored_files()) == len(before) + 2


def test_multipart_without_files_works_too(api, people, task):
    response = multipart(api, f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": "5", "text": "启动"})
    assert response.status_code == 201 and response.json()["evidence"] == []


@pytest.mark.parametrize(
    "files",
    [
        [fake_pdf],  # named .pdf, text inside
        [pdf, fake_pdf],  # one bad file refuses them all
        [lambda: pdf(name="evidence.png")],  # a PDF named as a PNG
        [lambda: pdf(name="script.html", content=b"<script>alert(1)</script>")],
    ],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_written(api, people, task, files):
    before = stored_files()
    response = multipart(
        api, f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": "60", "text": "x", "evidence": [f() for f in files]}
    )
    assert response.status_code == 422, response.content
    assert list(errors_by_field(response)) == ["evidence"]
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert stored_files() == before
    task.refresh_from_db()
    assert task.progress == 0


@override_settings(EVIDENCE_MAX_MB=0.0001)  # about 100 bytes
def test_a_file_too_large_is_refused_and_nothing_is_written(api, people, task):
    before = stored_files()
    big = pdf(content=b"%PDF-1.4\n" + b"0" * 500)
    response = multipart(api, f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": "60", "text": "x", "evidence": [big]})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert list(errors) == ["evidence"] and "evidence.pdf" in errors["evidence"][0]
    assert not ProgressReport.objects.exists() and stored_files() == before


def test_multipart_field_errors_name_the_field(api, people, task):
    for data, field in [
        ({"percent": "150", "text": "x"}, "percent"),
        ({"percent": "abc", "text": "x"}, "percent"),
        ({"text": "x"}, "percent"),
        ({"percent": "50", "text": "x", "other": pdf()}, "other"),  # files go in "evidence"
    ]:
        response = multipart(api, f"/tasks/{task.pk}/reports", people.unit_staff, {**data})
        assert response.status_code == 422, response.content
        assert field in errors_by_field(response)
    assert not ProgressReport.objects.exists()


def test_multipart_by_another_unit_is_403(api, people, task):
    response = multipart(api, f"/tasks/{task.pk}/reports", people.other_staff, {"percent": "5", "text": "x", "evidence": [pdf()]})
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_a_session_needs_the_csrf_token_for_multipart(people, task):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.unit_staff)
    data = {"percent": "5", "text": "x", "evidence": [pdf()]}
    assert client.post(f"/api/v1/tasks/{task.pk}/reports", data).status_code == 403
    client.get("/api/v1/me")
    token = client.cookies.get("csrftoken")
    if token is None:  # the CSRF cookie comes with any page that renders a form
        client.get("/accounts/login/")
        token = client.cookies["csrftoken"]
    data = {"percent": "5", "text": "x", "evidence": [pdf()]}
    response = client.post(f"/api/v1/tasks/{task.pk}/reports", data, headers={"X-CSRFToken": token.value})
    assert response.status_code == 201, response.content


# --- review and urge -----------------------------------------------------------------------------


def test_the_office_accepts_a_full_report_and_the_task_is_done(api, people, task):
    report = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 100, "text": "完成"}).json()
    response = api.post(f"/reports/{report['id']}/review", people.office, {"accept": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    again = api.post(f"/reports/{report['id']}/review", people.office, {"accept": True})
    assert again.status_code == 422 and list(errors_by_field(again)) == ["status"]


def test_returning_a_report_needs_a_comment(api, people, task):
    report = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 70, "text": "x"}).json()
    response = api.post(f"/reports/{report['id']}/review", people.office, {"accept": False})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["comment"]
    response = api.post(f"/reports/{report['id']}/review", people.office, {"accept": False, "comment": "证据不足"})
    assert response.status_code == 200 and response.json()["review_comment"] == "证据不足"
    assert ProgressReport.objects.get().status == Decision.RETURNED
    assert Task.objects.get(pk=task.pk).progress == 0


@pytest.mark.parametrize("role", ["unit_staff", "unit_head", "other_staff", "resident", "committee"])
def test_only_the_office_reviews(api, people, task, role):
    report = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 70, "text": "x"}).json()
    assert api.post(f"/reports/{report['id']}/review", getattr(people, role), {"accept": True}).status_code == 403
    assert ProgressReport.objects.get().status == Decision.PENDING
    assert api.post("/reports/999999/review", people.office, {"accept": True}).status_code == 404


def test_the_office_urges_a_unit(api, people, task):
    response = api.post(f"/tasks/{task.pk}/urge", people.office, {"message": "请本周内报送进展"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "urge" and body["text"] == "请本周内报送进展" and body["task"] == task.pk
    assert Delivery.objects.filter(reminder_id=body["id"], channel=Channel.INBOX, user=people.unit_staff).exists()
    refused = api.post(f"/tasks/{task.pk}/urge", people.office, {"message": "  "})
    assert refused.status_code == 422 and list(errors_by_field(refused)) == ["message"]
    assert api.post(f"/tasks/{task.pk}/urge", people.unit_head, {"message": "x"}).status_code == 403
    assert Reminder.objects.filter(kind=ReminderKind.URGE).count() == 1


def test_a_json_body_that_is_not_an_object_is_422_for_the_whole_request(api, people, task):
    response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, [50, "x"])
    assert response.status_code == 422
    assert list(errors_by_field(response)) == [None]
    assert not ProgressReport.objects.exists()


def test_a_report_reads_the_offices_people_from_the_cache_not_the_database(api, people, task):
    """Inside the report's transaction, what the report did not touch (the organisation) is still
    read from the cache: the office's people are looked up once, not once a report (core.cache)."""
    assert api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 10, "text": "开始"}).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = api.post(f"/tasks/{task.pk}/reports", people.unit_staff, {"percent": 20, "text": "推进"})
    assert response.status_code == 201
    assert not [q for q in queries.captured_queries if '"org_membership"."role" = ' in q["sql"] and "office" in q["sql"]]
    assert Delivery.objects.filter(user=people.office, channel=Channel.INBOX).count() == 2  # both told, all the same
