"""Extension requests in a real browser (issue 8 part 1): a unit asks for more time on an overdue
task, the office approves from its queue; the task keeps its overdue record; the pages pass axe."""

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.supervision.models import DeadlineChange, ExtensionRequest, OverdueSpell

from .test_accessibility import serious_violations
from .test_supervision_browser import log_in, tree  # noqa: F401 - the fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_unit_asks_for_more_time_and_the_office_grants_it(live_server, new_page, people, tree):  # noqa: F811
    reform, _task = tree
    late = reform.tasks.get(title="制定工作方案")
    asked = timezone.localdate() + dt.timedelta(days=30)
    unit = new_page()
    log_in(unit, live_server.url, "unit_staff", f"/office/supervision/tasks/{late.pk}/")
    unit.click(f"a[href='/office/supervision/tasks/{late.pk}/extension/']")
    unit.wait_for_load_state("networkidle")
    assert serious_violations(unit) == []
    unit.fill("input[name=new_due_date]", asked.isoformat())
    unit.fill("textarea[name=reason]", "方案需征求相关部门意见")
    unit.click("main form button[type=submit]")
    unit.wait_for_url(f"{live_server.url}/office/supervision/tasks/{late.pk}/")
    assert ExtensionRequest.objects.filter(task=late, status="pending").exists()
    office = new_page()
    log_in(office, live_server.url, "office", "/office/supervision/decisions/")
    assert serious_violations(office) == []
    office.click("#extensions a.btn")
    office.wait_for_load_state("networkidle")
    assert serious_violations(office) == []
    office.check("input[name=decision][value=approve]")
    office.click("main form button[type=submit]")
    office.wait_for_url(f"{live_server.url}/office/supervision/decisions/")
    late.refresh_from_db()
    assert late.due_date == asked and DeadlineChange.objects.filter(task=late).count() == 1
    assert OverdueSpell.objects.get(task=late).ended_by == "extended"
    office.goto(f"{live_server.url}/office/supervision/tasks/{late.pk}/")
    office.wait_for_load_state("networkidle")
    assert office.locator("#deadlines").is_visible() and serious_violations(office) == []
    office.goto(f"{live_server.url}/office/supervision/board/?period={timezone.localdate():%Y-%m}")
    office.wait_for_load_state("networkidle")
    assert "制定工作方案" in office.locator("#results").inner_text() and serious_violations(office) == []
