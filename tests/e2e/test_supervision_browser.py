"""Supervision in a real browser: a unit's staff files a progress report with an evidence file, the
office accepts it; the board, the task tree and the other supervision pages pass axe."""

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.supervision.models import Decision, Evidence, ProgressReport, TaskStatus
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services

from .test_accessibility import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def tree(people, reform_factory, district):
    """A reform in progress with a small tree: one red task (overdue), one amber, one green."""
    today = timezone.localdate()
    reform = reform_factory(code="SV-E2E", title="不动产登记“一窗受理”改革", start_date=today - dt.timedelta(days=120),
                            due_date=today + dt.timedelta(days=200), progress=0)

    def add(title, start, due, parent=None, **extra):
        data = {"title": title, "unit": district.sub_a, "start_date": today + dt.timedelta(days=start),
                "due_date": today + dt.timedelta(days=due), **extra}
        return task_services.create_task(user=people.office, reform=reform, parent=parent, **data)

    parent = add("窗口整合", -100, 150, weight=2)
    add("制定工作方案", -100, -5, parent=parent)
    add("改造服务大厅", -20, 3, parent=parent)
    leaf = add("上线一网通办", -10, 90, assignee=people.unit_staff)
    return reform, leaf


def log_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{next_url}")


def test_unit_staff_reports_with_evidence_and_the_office_accepts(live_server, new_page, people, tree, tmp_path):
    reform, task = tree
    evidence = tmp_path / "大厅照片.png"
    evidence.write_bytes(PNG)
    base = live_server.url

    unit = new_page()
    log_in(unit, base, "unit_staff", "/office/supervision/")
    unit.locator(f"a[href='/office/supervision/tasks/{task.pk}/#report']").click()
    unit.wait_for_url(f"{base}/office/supervision/tasks/{task.pk}/#report")
    unit.fill("#id_percent", "100")
    unit.fill("#id_text", "系统已上线，群众可在线办理。")
    unit.fill("#id_help_needed", "")
    unit.set_input_files("#id_evidence", [str(evidence)])
    unit.locator("#report button[type=submit]").click()
    unit.wait_for_url(f"{base}/office/supervision/tasks/{task.pk}/#reports")
    reports = unit.locator("#reports")
    assert "系统已上线" in reports.inner_text()
    assert "大厅照片.png" in reports.inner_text()
    report = ProgressReport.objects.get(task=task)
    assert report.status == Decision.PENDING
    assert Evidence.objects.get(report=report).kind == "png"

    office = new_page()
    log_in(office, base, "office", "/office/supervision/reports/")
    item = office.locator(f"#report-{report.pk}")
    assert "系统已上线" in item.inner_text()
    with office.expect_download() as download:
        item.get_by_role("link", name="大厅照片.png").click()
    assert download.value.suggested_filename == "大厅照片.png"
    item.locator("button[name=decision][value=accept]").click()
    office.wait_for_load_state()
    assert office.locator(f"#report-{report.pk}").count() == 0
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.status == Decision.ACCEPTED
    assert task.status == TaskStatus.DONE

    # The unit is told: its inbox shows the review result, and the navigation bar counts it.
    unit.goto(f"{base}/office/supervision/inbox/")
    assert unit.locator(".rl-inbox-badge:visible").count() == 1  # the bar folds below 1200 px: one badge shows
    assert "上线一网通办" in unit.locator(".rl-sv-inbox").inner_text()


def test_supervision_pages_pass_axe(live_server, new_page, people, tree):
    reform, task = tree
    report_services.submit_report(user=people.unit_staff, task=task, percent=30, text="进行中", problems="缺人手")
    report_services.urge(user=people.office, task=task, message="请加快进度")
    page = new_page()
    log_in(page, live_server.url, "office", "/office/supervision/board/")
    for url in ["/office/supervision/board/", f"/office/supervision/reforms/{reform.pk}/tasks/",
                f"/office/supervision/tasks/{task.pk}/", "/office/supervision/reports/",
                f"/office/supervision/reforms/{reform.pk}/tasks/new/", f"/office/reforms/{reform.pk}/",
                f"/office/supervision/tasks/{task.pk}/correct-progress/"]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], url
    unit = new_page()
    log_in(unit, live_server.url, "unit_staff", "/office/supervision/")
    for url in ["/office/supervision/", "/office/supervision/?scope=unit", "/office/supervision/inbox/",
                f"/office/supervision/tasks/{task.pk}/"]:
        unit.goto(live_server.url + url)
        unit.wait_for_load_state("networkidle")
        assert serious_violations(unit) == [], url
