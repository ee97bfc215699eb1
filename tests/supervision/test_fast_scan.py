"""The scan's two speed-ups (issue 3 part 12) keep its results exact.

* computed columns are written with one ``UPDATE ... FROM (VALUES ...)`` per batch
  (``rollup.write_computed``) instead of ``bulk_update``'s CASE per row: same values as the writes'
  own roll-up, on SQLite and PostgreSQL;
* a tree whose every task is done, at 100% and level done, with a warning that says so, is counted
  but not read (``scan._settled_trees``); anything else, or anything unusual, is recomputed.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.reforms.models import Status
from reformledger.supervision.models import Level, ReformWarning, Task, TaskStatus
from reformledger.supervision.rollup import NODE_FIELDS, write_computed
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import reports as report_services

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _finish(people, task):
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=100, text="完成")
    report_services.review_report(user=people.office, report=report, accept=True)


def _done_reform(people, reform_factory, add_task, code):
    reform = reform_factory(
        code=code, start_date=TODAY - dt.timedelta(days=200), due_date=TODAY + dt.timedelta(days=200), progress=0
    )
    parent = add_task(reform, title="阶段")
    for title in ("一", "二"):
        _finish(people, add_task(reform, parent=parent, title=title))
    return reform


def _snapshot():
    return sorted(Task.objects.values_list(*NODE_FIELDS))


def test_the_scan_writes_what_the_services_compute(people, reform, add_task):
    a = add_task(reform, title="A", weight=3)
    a1 = add_task(reform, parent=a, title="A1", start_date=TODAY - dt.timedelta(days=8), due_date=TODAY - dt.timedelta(days=2))
    add_task(reform, parent=a, title="A2")
    b = add_task(reform, title="B")
    _finish(people, b)
    report_services.submit_report(user=people.unit_staff, task=a1, percent=40, text="推进中")
    expected = _snapshot()
    # Break every computed column behind the services' back; the scan puts each one right.
    Task.objects.update(level=Level.GREEN, level_reason="")
    Task.objects.filter(pk=a.pk).update(progress=0, status=TaskStatus.NOT_STARTED)
    ReformWarning.objects.all().delete()

    summary = scan_deadlines(on=TODAY)

    assert _snapshot() == expected
    assert summary["tasks_changed"] >= 3
    assert Task.objects.get(pk=a1.pk).level == Level.RED
    assert ReformWarning.objects.get(reform=reform).level == Level.RED


def test_write_computed_writes_rows_as_given(people, reform, add_task):
    task = add_task(reform, title="T")
    day = TODAY - dt.timedelta(days=1)
    write_computed([(task.pk, TaskStatus.DONE, 100, Level.DONE, "", day)])
    task.refresh_from_db()
    assert (task.status, task.progress, task.level, task.level_reason, task.completed_on) == (
        TaskStatus.DONE, 100, Level.DONE, "", day,
    )
    write_computed([(task.pk, TaskStatus.IN_PROGRESS, 35, Level.AMBER, "behind", None)])
    task.refresh_from_db()
    assert (task.status, task.progress, task.level, task.level_reason, task.completed_on) == (
        TaskStatus.IN_PROGRESS, 35, Level.AMBER, "behind", None,
    )


def test_a_finished_tree_is_counted_not_recomputed(people, reform_factory, add_task):
    done = _done_reform(people, reform_factory, add_task, "SV-DONE")
    assert ReformWarning.objects.get(reform=done).level == Level.DONE
    summary = scan_deadlines(on=TODAY)
    assert summary["tasks"] == 3 and summary["tasks_settled"] == 3

    # A task reopened behind the services' back is no longer settled: the tree is recomputed.
    leaf = Task.objects.get(reform=done, title="一")
    Task.objects.filter(pk=leaf.pk).update(status=TaskStatus.IN_PROGRESS, progress=60, completed_on=None)
    summary = scan_deadlines(on=TODAY + dt.timedelta(days=1))
    assert summary.get("tasks_settled", 0) == 0
    assert Task.objects.get(reform=done, title="阶段").status == TaskStatus.IN_PROGRESS
    assert ReformWarning.objects.get(reform=done).level != Level.DONE


def test_a_reform_without_tasks_is_always_judged_by_its_dates(people, reform_factory):
    reform = reform_factory(code="SV-EMPTY", status=Status.COMPLETED, progress=100,
                            start_date=TODAY - dt.timedelta(days=100), due_date=TODAY - dt.timedelta(days=10))
    scan_deadlines(on=TODAY)
    assert ReformWarning.objects.get(reform=reform).level == Level.DONE
    # Reopened without a write of supervision (the reforms app cannot refresh the warning).
    type(reform).objects.filter(pk=reform.pk).update(status=Status.IN_PROGRESS)
    scan_deadlines(on=TODAY + dt.timedelta(days=1))
    warning = ReformWarning.objects.get(reform=reform)
    assert warning.level == Level.RED and warning.reason == "overdue"


def test_queries_do_not_grow_with_finished_trees(people, reform_factory, add_task):
    def queries_of_a_scan(day) -> int:
        with CaptureQueriesContext(connection) as queries:
            summary = scan_deadlines(on=day)
        return len(queries), summary

    for n in range(2):
        _done_reform(people, reform_factory, add_task, f"SV-D{n}")
    scan_deadlines(on=TODAY)  # the warnings exist; no reminders (nothing is open)
    few, summary = queries_of_a_scan(TODAY + dt.timedelta(days=1))
    assert summary["tasks_settled"] == 6
    for n in range(2, 12):
        _done_reform(people, reform_factory, add_task, f"SV-D{n}")
    scan_deadlines(on=TODAY + dt.timedelta(days=2))
    many, summary = queries_of_a_scan(TODAY + dt.timedelta(days=3))
    assert summary["tasks_settled"] == 36
    assert many == few
