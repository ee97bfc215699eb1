"""The workbench is assembled from parts each kept on what it reads (ADR 0053): a progress report
that moves no level renders only the reports preview again; one that moves a level renders the red
and amber rows again; each part shows the new state at once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reformledger.reforms.models import Status
from reformledger.supervision.models import Level
from reformledger.supervision.services import reports as report_services
from tests.factories import ReformFactory, TaskFactory

URL = "/office/"
WARNINGS = "cockpit/_workbench_warnings.html"
PREVIEW = "cockpit/_workbench_preview.html"


def _rendered(client) -> tuple[str, set[str]]:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), {template.name for template in response.templates}


def test_a_report_re_renders_the_reports_preview_and_a_level_move_the_warning_rows(client_for, people, district):
    today = timezone.localdate()
    reform = ReformFactory(district=district.district, lead_unit=district.sub_a, status=Status.IN_PROGRESS,
                           start_date=today - dt.timedelta(days=100), due_date=today + dt.timedelta(days=300))
    green = TaskFactory(reform=reform, title="按期推进的任务", start_date=today - dt.timedelta(days=10),
                        due_date=today + dt.timedelta(days=200))
    late = TaskFactory(reform=reform, title="已逾期的任务", start_date=today - dt.timedelta(days=60),
                       due_date=today - dt.timedelta(days=3))
    report_services.submit_report(user=people.unit_staff, task=green, percent=5, text="起步")  # starts it
    client = client_for(people.office)
    _rendered(client)
    page, templates = _rendered(client)
    assert WARNINGS not in templates and PREVIEW not in templates  # the whole page kept

    report_services.submit_report(user=people.unit_staff, task=green, percent=10, text="继续推进按期")
    green.refresh_from_db()
    assert green.level == Level.GREEN  # moved nothing the warning rows show
    page, templates = _rendered(client)
    assert PREVIEW in templates and WARNINGS not in templates
    assert "按期推进的任务" in page  # the report waits for review: in the preview at once

    report_services.submit_report(user=people.unit_staff, task=late, percent=20, text="已逾期但在推进")
    late.refresh_from_db()
    assert late.level == Level.RED
    page, templates = _rendered(client)
    assert WARNINGS in templates
    warnings = page[page.index('aria-labelledby="h-warnings"'):]
    assert "已逾期的任务" in warnings[: warnings.index("</section>")]


def test_the_help_preview_shows_a_renamed_task_at_once(client_for, people, district):
    """A leader's preview is the help escalated to them: kept on the help requests, and on the
    levels as the whole page was, so a task renamed (a write of the work) shows at once."""
    from reformledger.supervision.models import HelpRequest
    from reformledger.supervision.services import tasks as task_services

    today = timezone.localdate()
    reform = ReformFactory(district=district.district, lead_unit=district.sub_a, status=Status.IN_PROGRESS,
                           responsible_leader=people.leader_main,
                           start_date=today - dt.timedelta(days=100), due_date=today + dt.timedelta(days=300))
    task = TaskFactory(reform=reform, title="原来的任务名", start_date=today - dt.timedelta(days=10),
                       due_date=today + dt.timedelta(days=200))
    report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="卡住了", help_needed="需要协调场地")
    help_request = HelpRequest.objects.get()
    help_request.leader = people.leader_main
    help_request.save(update_fields=["leader"])  # escalated to the leader (the escalation is not under test here)
    client = client_for(people.leader_main)
    page, templates = _rendered(client)
    assert PREVIEW in templates and "原来的任务名" in page
    task_services.update_task(user=people.office, task=task, changes={"title": "改过的任务名"})
    page, _templates = _rendered(client)
    assert "改过的任务名" in page and "原来的任务名" not in page
