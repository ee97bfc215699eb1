"""scan-deadlines: levels follow the calendar; reminders are made once."""

import datetime as dt

import pytest

from reformledger.supervision.models import Channel, Delivery, Level, Reminder, ReminderKind, Task
from reformledger.supervision.scan import scan_deadlines

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_scan_twice_makes_nothing_new(people, reform, add_task, django_capture_on_commit_callbacks):
    reform.responsible_leader = people.leader_main
    reform.save()
    task = add_task(reform, start_date=TODAY - dt.timedelta(days=5), due_date=TODAY + dt.timedelta(days=3))
    later = TODAY + dt.timedelta(days=12)
    first = scan_deadlines(on=later)
    assert first["reminders_made"] >= 2  # overdue and escalation (leader) at least
    task.refresh_from_db()
    assert task.level == Level.RED
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert {ReminderKind.OVERDUE, ReminderKind.ESCALATION} <= kinds
    assert Delivery.objects.filter(reminder__kind=ReminderKind.ESCALATION, user=people.leader_main).exists()
    count = (Reminder.objects.count(), Delivery.objects.count())
    second = scan_deadlines(on=later)
    assert second["reminders_made"] == 0
    assert (Reminder.objects.count(), Delivery.objects.count()) == count
    assert Delivery.objects.filter(channel=Channel.INBOX, user=people.unit_staff).exists()


def test_due_soon_and_behind_is_amber(people, reform, add_task):
    add_task(reform, title="t", start_date=TODAY - dt.timedelta(days=20), due_date=TODAY + dt.timedelta(days=5))
    scan_deadlines(on=TODAY)
    task = Task.objects.get(title="t")
    assert task.level == Level.AMBER
    assert Reminder.objects.filter(kind=ReminderKind.DUE_SOON, task=task).count() == 1
