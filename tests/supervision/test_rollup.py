"""The tree keeps itself consistent: weighted roll-up, parents' status, levels, the reform's warning."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.reforms.models import Reform
from reformledger.supervision.models import Level, ReformWarning, Task, TaskStatus
from reformledger.supervision.services import reports as report_services

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_weighted_rollup_through_two_layers(people, reform, add_task):
    a = add_task(reform, title="A", weight=3)
    b = add_task(reform, title="B", weight=1)
    a1 = add_task(reform, parent=a, title="A1", weight=1)
    a2 = add_task(reform, parent=a, title="A2", weight=1)
    for task, percent in ((a1, 100), (a2, 50), (b, 20)):
        report = report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text="进展")
        if task != a1:
            report_services.review_report(user=people.office, report=report, accept=True)
    a.refresh_from_db()
    assert a.progress == 25  # (0 + 50) / 2: A1's report awaits review and does not count
    assert a.status == TaskStatus.IN_PROGRESS
    reform.refresh_from_db()
    assert reform.progress == round((3 * 25 + 1 * 20) / 4)  # 24
    report = a1.reports.get()
    report_services.review_report(user=people.office, report=report, accept=True)
    a1.refresh_from_db()
    assert a1.status == TaskStatus.DONE and a1.level == Level.DONE
    a.refresh_from_db()
    assert a.progress == 75  # (100 + 50) / 2
    reform.refresh_from_db()
    assert reform.progress == round((3 * 75 + 1 * 20) / 4)  # 61


def test_child_outside_parent_range_is_refused(people, reform, add_task):
    parent = add_task(reform, due_date=TODAY + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        add_task(reform, parent=parent, due_date=TODAY + dt.timedelta(days=31))
    assert "due_date" in exc.value.message_dict
    assert Task.objects.count() == 1


def test_weight_must_be_positive(reform, add_task):
    with pytest.raises(ValidationError) as exc:
        add_task(reform, weight=Decimal(0))
    assert "weight" in exc.value.message_dict


def test_overdue_task_is_red_and_reform_takes_worst(reform, add_task):
    add_task(reform, title="late", start_date=TODAY - dt.timedelta(days=40), due_date=TODAY - dt.timedelta(days=1))
    add_task(reform, title="fine")
    late = Task.objects.get(title="late")
    assert late.level == Level.RED and late.level_reason == "overdue"
    warning = ReformWarning.objects.get(reform=reform)
    assert warning.level == Level.RED and warning.red_tasks == 1 and warning.open_tasks == 2


def test_report_on_another_units_task_is_refused(people, reform, add_task):
    task = add_task(reform)
    with pytest.raises(PermissionDenied):
        report_services.submit_report(user=people.other_staff, task=task, percent=10, text="x")
    assert not task.reports.exists()


def test_percent_outside_range(people, reform, add_task):
    task = add_task(reform)
    with pytest.raises(ValidationError) as exc:
        report_services.submit_report(user=people.unit_staff, task=task, percent=101, text="x")
    assert "percent" in exc.value.message_dict
    assert Reform.objects.get(pk=reform.pk).progress == 0
