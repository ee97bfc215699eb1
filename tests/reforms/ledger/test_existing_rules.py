"""Issue 8: the import follows the pages' rules for reforms already here; reforms new to Reform
Ledger come in as the ledger records them, marked as imported."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.core.audit import history_of
from reformledger.reforms.history import history_rows
from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.models import Reform, Status
from tests.factories import TaskFactory

from .conftest import counts, edit, export, good_row, write

pytestmark = pytest.mark.django_db


def test_completion_by_import_is_refused_naming_the_row_and_column_and_nothing_is_written(
    catalogue, people, tmp_path
):
    path = export(tmp_path / "out.xlsx", people.office)
    edit(
        path,
        {
            ("ZD-2018-01", "状态"): "已完成",
            ("ZD-2018-01", "进度(%)"): 100,
            ("WG-2018-01", "名称"): "一个合规的修改",  # all or nothing: not applied either
        },
    )
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(4, "状态")]
    assert "apply for completion on the reform's page" in result.problems[0].message
    assert counts() == before
    assert Reform.objects.get(code="ZD-2018-01").status == Status.IN_PROGRESS
    assert Reform.objects.get(code="WG-2018-01").title == "物业管理微改革"


def test_a_status_move_the_office_may_make_in_the_pages_is_applied(catalogue, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("ZD-2018-01", "状态"): "已暂停"})
    result = import_ledger(user=people.office, source=path)
    assert result.ok and result.updated == 1
    assert Reform.objects.get(code="ZD-2018-01").status == Status.SUSPENDED


def test_a_locked_reform_is_not_changed_by_the_ledger(catalogue, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("SJ-2018-01", "改革目标"): "改写"})
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "改革目标")]
    assert "changes only through an approved change request" in result.problems[0].message


def test_a_different_progress_is_not_applied_and_the_preview_says_so(catalogue, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("ZD-2018-01", "进度(%)"): 95})
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert result.ok and (result.updated, result.unchanged) == (0, 3)
    assert [(n.row, n.column) for n in result.notices] == [(4, "进度(%)")]
    assert "The ledger says 95%, the accepted progress is 50%" in result.notices[0].message
    assert result.summary()["notices"][0]["row"] == 4
    assert Reform.objects.get(code="ZD-2018-01").progress == 50
    assert counts() == before


@pytest.fixture
def reform_with_tasks(catalogue):
    key = Reform.objects.get(code="ZD-2018-01")
    TaskFactory(reform=key, title="组建医疗集团", start_date=dt.date(2018, 2, 1), due_date=dt.date(2018, 11, 30))
    return key


def test_a_due_date_shrunk_below_a_task_is_refused_naming_the_task(reform_with_tasks, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("ZD-2018-01", "完成时限"): dt.date(2018, 6, 30)})
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(4, "完成时限")]
    assert "The task “组建医疗集团”" in result.problems[0].message
    assert counts() == before
    assert Reform.objects.get(code="ZD-2018-01").due_date == dt.date(2018, 12, 31)


def test_a_start_date_moved_past_a_task_is_refused_naming_the_start_column(reform_with_tasks, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("ZD-2018-01", "开始日期"): "2018-03-01"})
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(4, "开始日期")]
    assert "组建医疗集团" in result.problems[0].message


def test_dates_the_office_moves_within_the_tasks_are_applied(reform_with_tasks, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("ZD-2018-01", "完成时限"): "2018-11-30"})
    result = import_ledger(user=people.office, source=path)
    assert result.ok and result.updated == 1
    assert Reform.objects.get(code="ZD-2018-01").due_date == dt.date(2018, 11, 30)


def _moved_dates_queries(people, reform_factory, tmp_path, n: int, prefix: str) -> int:
    for i in range(n):
        reform = reform_factory(code=f"{prefix}-{i:03d}")
        TaskFactory(reform=reform, start_date=dt.date(2018, 3, 1), due_date=dt.date(2018, 6, 30))
    path = export(tmp_path / f"{prefix}.xlsx", people.office)
    edit(path, {(f"{prefix}-{i:03d}", "完成时限"): "2018-10-31" for i in range(n)})
    with CaptureQueriesContext(connection) as queries:
        result = import_ledger(user=people.office, source=path, dry_run=True)
    assert result.ok and result.updated == n, [str(p) for p in result.problems]
    return len(queries)


def test_the_date_check_is_set_based(people, reform_factory, tmp_path):
    """One grouped query over the tasks of every moved reform, not one per row."""
    few = _moved_dates_queries(people, reform_factory, tmp_path, 3, "A")
    Reform.objects.all().delete()
    many = _moved_dates_queries(people, reform_factory, tmp_path, 30, "B")
    assert many == few


def test_new_reforms_keep_the_ledgers_status_dates_and_progress_and_say_they_were_imported(
    people, district, tmp_path
):
    path = write(
        tmp_path / "history.xlsx",
        [
            good_row(code="H-2015-01", status="已完成", progress=100, year=2015,
                     start_date=dt.date(2015, 1, 1), due_date=dt.date(2015, 12, 31)),
            good_row(code="H-2016-01", status="推进中", progress=65, year=2016,
                     start_date=dt.date(2016, 1, 1), due_date=dt.date(2016, 12, 31)),
        ],
    )
    result = import_ledger(user=people.office, source=path, filename="history.xlsx")
    assert result.ok and result.created == 2, [str(p) for p in result.problems]
    done = Reform.objects.get(code="H-2015-01")
    assert (done.status, done.progress, done.due_date) == (Status.COMPLETED, 100, dt.date(2015, 12, 31))
    running = Reform.objects.get(code="H-2016-01")
    assert (running.status, running.progress, running.start_date) == (Status.IN_PROGRESS, 65, dt.date(2016, 1, 1))
    entry = history_of(done).get()
    assert entry.action == "reform.import.create" and entry.changes["ledger_file"] == "history.xlsx"
    row = history_rows(done)[0]
    assert row["action"] == "imported the reform from an Excel ledger"
    assert {"label": "Ledger file", "before": None, "after": "history.xlsx"} in row["changes"]
