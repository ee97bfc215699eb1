"""A follow-up task (整改任务) filed on a completed reform is watched like work under way: the scan
turns it red when overdue, it is on the warning board, its overdue spell is kept and its unit is
reminded; settling it settles the reform's warning. The reform stays completed at 100%."""

from __future__ import annotations

import datetime as dt

import pytest

from reformledger.reforms.models import Status, Tier
from reformledger.supervision.models import (
    Level,
    OverdueSpell,
    ReformWarning,
    Reminder,
    ReminderKind,
    Task,
    TaskStatus,
)
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.selectors.warnings import warning_list
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services.tasks import create_follow_up_task
from tests.evaluation.lookback_helpers import completed_key, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(people, district, reform_factory):
    reform = completed_key(reform_factory, tier=Tier.KEY)
    task = create_follow_up_task(user=people.office, reform=reform, title="整改：补齐长效机制", unit=district.sub_a,
                                 due_date=today() + dt.timedelta(days=20))
    return reform, task


def test_an_overdue_follow_up_is_red_on_the_board_with_its_spell_and_reminder(people, follow_up):
    reform, task = follow_up
    warning = ReformWarning.objects.get(reform=reform)
    assert (warning.level, task.level) == (Level.GREEN, Level.GREEN)  # watched from the start, not paused
    late = task.due_date + dt.timedelta(days=5)
    scan_deadlines(on=late)
    task.refresh_from_db()
    warning.refresh_from_db()
    assert (task.level, task.level_reason) == (Level.RED, "overdue")
    assert (warning.level, warning.red_tasks, warning.open_tasks) == (Level.RED, 1, 1)
    assert task in list(warning_list(people.office))
    spell = OverdueSpell.objects.get(task=task)
    assert spell.started_on == task.due_date + dt.timedelta(days=1) and spell.ended_on is None
    assert Reminder.objects.filter(task=task, kind=ReminderKind.OVERDUE).exists()
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.COMPLETED, 100)


def test_settling_the_follow_up_settles_the_warning_and_ends_the_spell_as_completed(people, follow_up):
    reform, task = follow_up
    # A month later, the follow-up three days overdue (its dates moved back: no clock to turn here).
    Task.objects.filter(pk=task.pk).update(start_date=today() - dt.timedelta(days=30), due_date=today() - dt.timedelta(days=3))
    scan_deadlines(on=today())
    assert ReformWarning.objects.get(reform=reform).level == Level.RED
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=100, text="整改完成，制度已印发")
    report_services.review_report(user=people.office, report=report, accept=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.level == Level.DONE
    assert ReformWarning.objects.get(reform=reform).level == Level.DONE
    assert OverdueSpell.objects.get(task=task).ended_by == "completed"
    assert list(warning_list(people.office)) == []
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.COMPLETED, 100)
