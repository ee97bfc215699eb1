"""``scan-deadlines`` (issue 3, part 5): reminders made once per due date, escalation to the right
leader, only for live reforms, levels that follow the calendar, and the command itself."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from reformledger.reforms.models import Status
from reformledger.supervision.models import (
    Channel,
    Delivery,
    Level,
    ReformWarning,
    Reminder,
    ReminderKind,
    ScanRun,
    Task,
)
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.factories import SpecialGroupFactory

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db



def made() -> tuple[int, int]:
    return Reminder.objects.count(), Delivery.objects.count()


def kinds(task) -> list[str]:
    return sorted(Reminder.objects.filter(task=task).values_list("kind", flat=True))


@pytest.fixture
def hooked(district, people):
    """Sub-district A has a group robot and its people have e-mail: every channel is in play."""
    district.sub_a.webhook_url = "http://127.0.0.1:9/robot"
    district.sub_a.save()
    for person in (people.unit_head, people.unit_staff, people.leader_main, people.leader_domain):
        person.email = f"{person.username}@example.gov.cn"
        person.save()


@pytest.fixture
def due_in_3(reform, add_task, people):
    return add_task(reform, title="三天后到期", start_date=days(-5), due_date=days(3), assignee=people.unit_staff)


def test_scan_twice_on_one_day_makes_nothing_new(hooked, people, reform, due_in_3):
    first = scan_deadlines(on=days(1))
    assert first["reminders_made"] == 1 and kinds(due_in_3) == [ReminderKind.DUE_SOON]
    reminder = Reminder.objects.get(task=due_in_3)
    channels = sorted(reminder.deliveries.values_list("channel", flat=True))
    # inbox + e-mail for the two people of sub-district A, and the unit's group robot
    assert channels == [Channel.EMAIL, Channel.EMAIL, Channel.INBOX, Channel.INBOX, Channel.WEBHOOK]
    count = made()
    second = scan_deadlines(on=days(1))
    assert second["reminders_made"] == 0
    assert made() == count
    assert ScanRun.objects.filter(day=days(1)).count() == 1


def test_next_day_no_new_reminder_for_the_same_due_date(hooked, people, reform, due_in_3):
    scan_deadlines(on=days(1))
    scan_deadlines(on=days(2))  # still due soon: the same reminder, not a new one
    assert kinds(due_in_3) == [ReminderKind.DUE_SOON]
    scan_deadlines(on=days(4))  # overdue from today
    assert kinds(due_in_3) == [ReminderKind.DUE_SOON, ReminderKind.OVERDUE]
    count = made()
    scan_deadlines(on=days(5))
    scan_deadlines(on=days(6))
    assert made() == count


def test_a_moved_due_date_gets_its_own_reminders(people, reform, due_in_3):
    scan_deadlines(on=days(4))
    assert kinds(due_in_3) == [ReminderKind.OVERDUE]
    task_services.update_task(user=people.office, task=due_in_3, changes={"due_date": days(10)}, reason="区委同意")
    due_in_3.refresh_from_db()
    assert due_in_3.level != Level.RED or due_in_3.level_reason != "overdue"
    scan_deadlines(on=days(4))  # due in 6 days now
    scan_deadlines(on=days(11))  # overdue again, on the new date
    keys = sorted(Reminder.objects.filter(task=due_in_3).values_list("key", flat=True))
    assert keys == sorted(
        [
            f"overdue:task:{due_in_3.pk}:{days(3).isoformat()}",
            f"due_soon:task:{due_in_3.pk}:{days(10).isoformat()}",
            f"overdue:task:{due_in_3.pk}:{days(10).isoformat()}",
        ]
    )


def test_escalation_to_the_responsible_leader_after_the_set_days(settings, people, reform, due_in_3):
    settings.WARNING_ESCALATE_DAYS = 4
    reform.responsible_leader = people.leader_domain
    reform.save()
    scan_deadlines(on=days(6))  # 3 days overdue
    assert ReminderKind.ESCALATION not in kinds(due_in_3)
    scan_deadlines(on=days(7))  # 4 days overdue
    escalation = Reminder.objects.get(task=due_in_3, kind=ReminderKind.ESCALATION)
    assert escalation.unit is None
    assert list(escalation.deliveries.values_list("user", "channel")) == [(people.leader_domain.pk, Channel.INBOX)]
    scan_deadlines(on=days(8))
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATION).count() == 1


def test_escalation_to_the_special_groups_leader_without_a_responsible_leader(people, district, reform, due_in_3):
    SpecialGroupFactory(district=district.district, domain=reform.domain, name="专项小组", leader=people.leader_main)
    scan_deadlines(on=days(3 + 7))
    escalation = Reminder.objects.get(task=due_in_3, kind=ReminderKind.ESCALATION)
    assert escalation.deliveries.get().user == people.leader_main


def test_no_escalation_without_any_leader(reform, due_in_3):
    summary = scan_deadlines(on=days(30))
    assert kinds(due_in_3) == [ReminderKind.OVERDUE]
    assert summary.get("candidates_escalation", 0) == 0


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.DRAFT, Status.PROPOSED])
def test_reforms_not_under_way_get_no_reminders(status, people, reform, due_in_3):
    reform.status = status
    reform.save()
    scan_deadlines(on=days(1))
    scan_deadlines(on=days(20))
    assert not Reminder.objects.exists()
    # Not judged against its dates while the reform is not under way: off the warning board.
    due_in_3.refresh_from_db()
    assert due_in_3.level == Level.PAUSED
    assert ReformWarning.objects.get(reform=reform).level == Level.PAUSED


def test_done_tasks_get_no_reminders(people, reform, due_in_3):
    report_services.review_report(
        user=people.office,
        report=report_services.submit_report(user=people.unit_staff, task=due_in_3, percent=100, text="完成"),
        accept=True,
    )
    scan_deadlines(on=days(1))
    scan_deadlines(on=days(20))
    deadlines = (ReminderKind.DUE_SOON, ReminderKind.OVERDUE, ReminderKind.ESCALATION)
    assert not Reminder.objects.filter(task=due_in_3, kind__in=deadlines).exists()


def test_levels_follow_the_calendar(people, reform, add_task):
    task = add_task(reform, title="t", start_date=days(0), due_date=days(20))
    report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="起步")
    seen = []
    for day in (0, 14, 25):
        scan_deadlines(on=days(day))
        task.refresh_from_db()
        warning = ReformWarning.objects.get(reform=reform)
        seen.append((task.level, task.level_reason, warning.level, warning.computed_on))
    assert seen == [
        (Level.GREEN, "", Level.GREEN, days(0)),
        (Level.AMBER, "behind", Level.AMBER, days(14)),  # 6 days left, 10% done, 70% expected
        (Level.RED, "overdue", Level.RED, days(25)),
    ]


def test_a_reform_without_tasks_is_judged_by_its_own_dates(reform):
    scan_deadlines(on=reform.due_date + dt.timedelta(days=1))
    assert ReformWarning.objects.get(reform=reform).level == Level.RED
    scan_deadlines(on=TODAY)
    assert ReformWarning.objects.get(reform=reform).level == Level.GREEN


def test_the_scan_repairs_a_stale_level(reform, add_task):
    task = add_task(reform, title="t")
    Task.objects.filter(pk=task.pk).update(level=Level.RED, level_reason="overdue")  # as if stale
    summary = scan_deadlines(on=TODAY)
    task.refresh_from_db()
    assert task.level == Level.GREEN and summary["tasks_changed"] == 1


def test_the_command_scans_the_given_day(people, reform, due_in_3):
    out = io.StringIO()
    call_command("scan-deadlines", "--today", days(4).isoformat(), stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["day"] == days(4).isoformat()
    assert summary["reminders_made"] == 1
    assert kinds(due_in_3) == [ReminderKind.OVERDUE]
    assert ScanRun.objects.get(day=days(4)).summary["reminders_made"] == 1


def test_the_command_refuses_a_bad_date(reform):
    for value in ("2026-13-01", "tomorrow", "01/12/2026"):
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("scan-deadlines", "--today", value)
    assert not ScanRun.objects.exists()
