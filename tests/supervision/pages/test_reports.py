"""Supervision pages: a task's page, progress reports with evidence, the office's review queue,
urging, and evidence downloads — who may see and do what, bad input, query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.supervision.models import Decision, Evidence, ProgressReport, Reminder, Task, TaskStatus
from reformledger.supervision.services import reports as report_services
from tests.supervision.conftest import TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUEUE = reverse("supervision:reports")


@pytest.fixture
def task(reform, add_task, people):
    return add_task(reform, title="窗口改造", start_date=TODAY - dt.timedelta(days=20),
                    due_date=TODAY + dt.timedelta(days=40), assignee=people.unit_staff)


def task_url(task) -> str:
    return reverse("supervision:task", args=[task.pk])


def report_url(task) -> str:
    return reverse("supervision:report", args=[task.pk])


def files(*items):
    return [SimpleUploadedFile(name, content) for name, content in items]


# --- the task's page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("office", 200), ("committee", 200), ("unit_head", 200), ("unit_staff", 200), ("other_staff", 404),
     ("leader_domain", 404), ("expert", 403)],
)
def test_task_page_for_whoever_may_see_the_task(client_for, people, task, role, status):
    assert client_for(getattr(people, role)).get(task_url(task)).status_code == status


def test_task_page_shows_facts_warning_and_the_forms_each_role_may_use(client_for, people, task):
    unit = client_for(people.unit_staff).get(task_url(task))
    html = unit.content.decode()
    assert "窗口改造" in html and "不动产登记改革" in html and "桂园街道" in html
    assert 'class="rl-badge rl-level rl-level-green"' in html and "40 days left" in html
    assert unit.context["report_form"] is not None and unit.context["urge_form"] is None
    assert 'enctype="multipart/form-data"' in html and 'multiple' in html and 'accept=".pdf,.docx' in html
    office = client_for(people.office).get(task_url(task))
    assert office.context["report_form"] is None  # the office reviews; the unit reports
    assert office.context["urge_form"] is not None
    assert reverse("supervision:task-urge", args=[task.pk]) in office.content.decode()


def test_a_unit_sees_its_own_task_in_a_reform_it_does_not_carry(client_for, people, reform, add_task, district):
    theirs = add_task(reform, title="黄贝负责的任务", unit=district.sub_b)
    response = client_for(people.other_staff).get(task_url(theirs))
    assert response.status_code == 200
    assert response.context["can_view_reform"] is False
    assert 'href="{}"'.format(reverse("supervision:tree", args=[reform.pk])) not in response.content.decode()
    assert response.context["report_form"] is not None


# --- reporting --------------------------------------------------------------------------------------------


def test_unit_staff_reports_with_several_evidence_files(client_for, people, task):
    client = client_for(people.unit_staff)
    response = client.post(report_url(task), {
        "percent": "60", "text": "窗口已改造", "problems": "人手紧", "help_needed": "",
        "evidence": files(("现场.png", PNG), ("方案.pdf", PDF)),
    })
    assert response.status_code == 302 and response["Location"] == task_url(task) + "#reports"
    report = ProgressReport.objects.get()
    assert (report.percent, report.text, report.problems, report.status) == (60, "窗口已改造", "人手紧", "pending")
    assert sorted(Evidence.objects.filter(report=report).values_list("name", "kind")) == [("方案.pdf", "pdf"), ("现场.png", "png")]
    task.refresh_from_db()
    assert (task.progress, task.reported_percent, task.status) == (0, 60, TaskStatus.IN_PROGRESS)
    page = client.get(task_url(task)).content.decode()
    assert "0% done" in page and "reported 60%, awaiting review" in page
    assert "现场.png" in page and "Awaiting review" in page
    for item in Evidence.objects.all():
        assert reverse("supervision:evidence", args=[item.pk]) in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"percent": "130"}, "percent", "from 0 to 100"),
        ({"percent": "-1"}, "percent", "from 0 to 100"),
        ({"percent": "abc"}, "percent", "whole number"),
        ({"text": ""}, "text", "required"),
        ({"evidence": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" * 10)]}, "evidence", "is not a PDF"),
        ({"evidence": [SimpleUploadedFile("伪装.pdf", PNG)]}, "evidence", "does not match its content"),
    ],
)
def test_bad_report_input_shows_the_error_and_writes_nothing(client_for, people, task, data, field, message):
    entries = AuditEntry.objects.count()
    post = {"percent": "50", "text": "做了一些", **data}
    response = client_for(people.unit_staff).post(report_url(task), post)
    assert response.status_code == 400
    assert message in " ".join(response.context["report_form"].errors[field])
    html = response.content.decode()
    assert "The report was not sent" in html
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert AuditEntry.objects.count() == entries
    task.refresh_from_db()
    assert task.progress == 0


def test_too_large_evidence_is_refused(client_for, people, task, settings):
    settings.EVIDENCE_MAX_MB = 0.0001  # about 100 bytes
    response = client_for(people.unit_staff).post(report_url(task), {
        "percent": "50", "text": "做了", "evidence": files(("大图.png", PNG + b"\x00" * 500)),
    })
    assert response.status_code == 400
    assert "larger than" in " ".join(response.context["report_form"].errors["evidence"])
    assert not ProgressReport.objects.exists()


def test_a_report_on_another_units_task_is_refused(client_for, people, task):
    response = client_for(people.other_staff).post(report_url(task), {"percent": "50", "text": "冒名"})
    assert response.status_code == 403
    assert client_for(people.office).post(report_url(task), {"percent": "50", "text": "代报"}).status_code == 403
    assert not ProgressReport.objects.exists()


def test_a_task_split_into_sub_tasks_takes_no_report(client_for, people, reform, task, add_task):
    add_task(reform, parent=task, title="子任务", start_date=task.start_date, due_date=task.due_date)
    page = client_for(people.unit_staff).get(task_url(task))
    assert page.context["report_form"] is None
    assert "report on those" in page.content.decode()
    response = client_for(people.unit_staff).post(report_url(task), {"percent": "50", "text": "报父任务"})
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()


# --- review -------------------------------------------------------------------------------------------


def report_on(task, people, percent=100, **extra):
    return report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text="完成", **extra)


def review_url(report) -> str:
    return reverse("supervision:report-review", args=[report.pk])


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("committee", 403), ("unit_staff", 403),
                                              ("leader_main", 403)])
def test_the_review_queue_is_the_offices(client_for, people, task, role, status):
    report_on(task, people)
    assert client_for(getattr(people, role)).get(QUEUE).status_code == status


def test_office_accepts_a_report_and_the_task_is_done(client_for, people, task):
    report = report_on(task, people, evidence=files(("验收.pdf", PDF)))
    client = client_for(people.office)
    queue = client.get(QUEUE).content.decode()
    assert "窗口改造" in queue and "验收.pdf" in queue and review_url(report) in queue
    response = client.post(review_url(report), {"decision": "accept", "comment": "", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.status == Decision.ACCEPTED and task.status == TaskStatus.DONE
    assert "No report is waiting" in client.get(QUEUE).content.decode()


def test_returning_a_report_needs_a_comment(client_for, people, task):
    report = report_on(task, people, percent=40)
    client = client_for(people.office)
    response = client.post(review_url(report), {"decision": "return", "comment": ""}, follow=True)
    assert "Say why the report is returned" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Decision.PENDING
    client.post(review_url(report), {"decision": "return", "comment": "证据不足", "next": task_url(task)})
    report.refresh_from_db()
    assert report.status == Decision.RETURNED and report.review_comment == "证据不足"
    page = client_for(people.unit_staff).get(task_url(task)).content.decode()
    assert "Returned" in page and "证据不足" in page


def test_review_refusals(client_for, people, task):
    report = report_on(task, people)
    assert client_for(people.unit_head).post(review_url(report), {"decision": "accept"}).status_code == 403
    client = client_for(people.office)
    client.post(review_url(report), {"decision": "accept"})
    again = client.post(review_url(report), {"decision": "return", "comment": "再看看"}, follow=True)
    assert "already reviewed" in again.content.decode()
    assert client.post(review_url(report), {"decision": "maybe"}, follow=True).status_code == 200
    assert client.post(reverse("supervision:report-review", args=[999999]), {"decision": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.status == Decision.ACCEPTED
    # an external next is not followed
    response = client.post(review_url(report), {"decision": "accept", "next": "https://evil.example/"})
    assert response["Location"] == QUEUE


@pytest.mark.parametrize("count", [2, 20])
def test_review_queue_runs_a_constant_number_of_queries(client_for, people, reform, add_task, count,
                                                        django_assert_num_queries):
    for i in range(count):
        task = add_task(reform, title=f"任务{i}")
        report_on(task, people, percent=30, evidence=files((f"证据{i}.png", PNG)))
    client = client_for(people.office)
    client.get(QUEUE)
    # session, user, data version, the page of reports, their evidence, the inbox's unread count
    # (the total is cached until the next write)
    with django_assert_num_queries(6):
        response = client.get(QUEUE)
    assert len(response.context["page"].object_list) == count


# --- urging ------------------------------------------------------------------------------------------


def test_office_urges_the_responsible_unit(client_for, people, task):
    client = client_for(people.office)
    url = reverse("supervision:task-urge", args=[task.pk])
    bad = client.post(url, {"message": ""})
    assert bad.status_code == 400 and "required" in " ".join(bad.context["urge_form"].errors["message"])
    assert not Reminder.objects.exists()
    response = client.post(url, {"message": "请本周内报送进展"})
    assert response.status_code == 302
    reminder = Reminder.objects.get()
    assert reminder.kind == "urge" and reminder.text == "请本周内报送进展" and reminder.unit_id == task.unit_id
    assert client_for(people.unit_staff).post(url, {"message": "自己催自己"}).status_code == 403
    assert Reminder.objects.count() == 1


# --- evidence downloads ---------------------------------------------------------------------------------


def test_evidence_is_served_as_a_download_with_its_sniffed_type(client_for, people, task, reform_factory,
                                                                 district):
    report_on(task, people, percent=50, evidence=files(("现场照片.png", PNG)))
    item = Evidence.objects.get()
    url = reverse("supervision:evidence", args=[item.pk])
    for role in ("unit_staff", "office", "committee"):
        response = client_for(getattr(people, role)).get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PNG
    assert client_for(people.other_staff).get(url).status_code == 404
    assert client_for(people.expert).get(url).status_code == 403
    assert client_for().get(url).status_code == 302
    assert client_for(people.office).get(reverse("supervision:evidence", args=[999999])).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_task_page_runs_a_constant_number_of_queries(client_for, people, task, count, django_assert_num_queries):
    for i in range(count):
        report_on(task, people, percent=i, evidence=files((f"证据{i}.png", PNG)))
    client = client_for(people.unit_staff)
    client.get(task_url(task))
    # session, user, data version, the task, the reports, their evidence, the sub-tasks, the inbox's
    # unread count; its deadline record (issue 8): extension requests, moves of the due date, overdue spells
    with django_assert_num_queries(11):
        response = client.get(task_url(task))
    assert len(response.context["reports"]) == count
    assert Task.objects.count() == 1
