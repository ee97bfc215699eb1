"""Issue 8: re-importing an older export never silently reverts newer edits.

Each exported row carries its reform's version; a row whose reform changed since is a conflict,
shown with the ledger's and the current value per column, and applied only when the office
chooses that row."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reformledger.core.audit import history_of
from reformledger.reforms import services
from reformledger.reforms.history import history_rows
from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.planning import Choice
from reformledger.reforms.ledger.versions import is_version, version_of
from reformledger.reforms.models import LedgerImport, Reform, Status
from reformledger.supervision.services import reports as report_services
from tests.factories import TaskFactory

from .conftest import counts, edit, export, read_rows
from .test_pages import run_worker

pytestmark = pytest.mark.django_db


def _rows_by_code(path):
    rows = read_rows(path)
    return {row[0]: (number, dict(zip(rows[0], row, strict=True))) for number, row in enumerate(rows[1:], start=2)}


@pytest.fixture
def older_export(catalogue, people, reform_factory, tmp_path):
    """An export; then two of its reforms are edited in the pages, one is not."""
    reform_factory(code="FR-2018-01", title="不动的改革")
    path = export(tmp_path / "old.xlsx", people.office)
    for code, title in (("ZD-2018-01", "罗湖医改（页面上改过）"), ("WG-2018-01", "物业微改革（页面上改过）")):
        reform = Reform.objects.get(code=code)
        services.update_reform(user=people.office, reform=reform, data={"title": title})
    edit(
        path,
        {
            ("ZD-2018-01", "公开摘要"): "台账里的新摘要",
            ("WG-2018-01", "改革举措"): "台账里的新举措",
            ("FR-2018-01", "改革举措"): "台账里改的举措",
        },
    )
    return path


def test_every_exported_row_carries_its_reforms_version(catalogue, people, tmp_path):
    by_code = _rows_by_code(export(tmp_path / "out.xlsx", people.office))
    for code, (_number, row) in by_code.items():
        reform = Reform.objects.get(code=code)
        assert is_version(row["版本标识"])
        assert row["版本标识"] == version_of(services.snapshot(reform))


def test_a_stale_row_is_a_conflict_with_both_values_and_is_kept_by_default(older_export, people):
    rows = _rows_by_code(older_export)
    before = counts()
    result = import_ledger(user=people.office, source=older_export)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.updated, result.kept, result.taken) == (1, 2, 0)
    conflict = next(c for c in result.conflicts if c["code"] == "ZD-2018-01")
    assert conflict["row"] == rows["ZD-2018-01"][0] and not conflict["taken"]
    assert conflict["title"] == "罗湖医改（页面上改过）"
    assert conflict["fields"] == [
        {"field": "title", "header": "名称", "current": "罗湖医改（页面上改过）", "ledger": "罗湖医改"},
        {"field": "public_summary", "header": "公开摘要", "current": "以健康为中心", "ledger": "台账里的新摘要"},
    ]
    # Nothing of the conflicting rows was applied: the newer edits stand.
    key = Reform.objects.get(code="ZD-2018-01")
    assert (key.title, key.public_summary) == ("罗湖医改（页面上改过）", "以健康为中心")
    micro = Reform.objects.get(code="WG-2018-01")
    assert micro.title == "物业微改革（页面上改过）" and micro.measures == ""
    # The fresh row applied.
    assert Reform.objects.get(code="FR-2018-01").measures == "台账里改的举措"
    assert counts() == (before[0], before[1] + 1)


def test_a_conflict_is_applied_only_for_the_row_the_office_chose(older_export, people):
    rows = _rows_by_code(older_export)
    zd_row = rows["ZD-2018-01"][0]
    result = import_ledger(user=people.office, source=older_export, choice=Choice(rows={zd_row: None}))
    assert result.ok, [str(p) for p in result.problems]
    assert (result.updated, result.kept, result.taken) == (2, 1, 1)
    key = Reform.objects.get(code="ZD-2018-01")
    assert (key.title, key.public_summary) == ("罗湖医改", "台账里的新摘要")
    assert Reform.objects.get(code="WG-2018-01").measures == ""  # not chosen: kept
    entry = history_of(key).first()
    assert entry.action == "reform.import.update" and entry.changes["ledger_conflict"] is True
    assert entry.changes["title"] == ["罗湖医改（页面上改过）", "罗湖医改"]


def test_take_all_applies_every_conflict(older_export, people):
    result = import_ledger(user=people.office, source=older_export, choice=Choice(all=True))
    assert (result.updated, result.kept, result.taken) == (3, 0, 2)
    assert Reform.objects.get(code="WG-2018-01").measures == "台账里的新举措"


def test_a_choice_made_on_an_older_preview_keeps_a_reform_that_changed_again(older_export, people):
    rows = _rows_by_code(older_export)
    zd_row = rows["ZD-2018-01"][0]
    preview = import_ledger(user=people.office, source=older_export, dry_run=True)
    seen = preview.conflict_versions[zd_row]
    key = Reform.objects.get(code="ZD-2018-01")
    services.update_reform(user=people.office, reform=key, data={"goals": "又改了一次"})
    result = import_ledger(user=people.office, source=older_export, choice=Choice(rows={zd_row: seen}))
    assert result.ok and result.taken == 0
    key.refresh_from_db()
    assert (key.title, key.goals) == ("罗湖医改（页面上改过）", "又改了一次")
    conflict = next(c for c in result.conflicts if c["row"] == zd_row)
    assert "changed again since the preview" in conflict["reasons"][0]["message"]


def test_a_row_without_a_version_is_applied_as_before(catalogue, people, tmp_path):
    path = export(tmp_path / "out.xlsx", people.office)
    services.update_reform(user=people.office, reform=Reform.objects.get(code="ZD-2018-01"), data={"goals": "新"})
    edit(path, {("ZD-2018-01", "版本标识"): "", ("ZD-2018-01", "改革举措"): "外来台账的举措"})
    result = import_ledger(user=people.office, source=path)
    assert (result.ok, result.updated, result.kept) == (True, 1, 0)
    key = Reform.objects.get(code="ZD-2018-01")
    assert (key.goals, key.measures) == ("", "外来台账的举措")  # the outside ledger's values, as written


def test_a_version_this_system_did_not_write_is_a_row_error(catalogue, people, tmp_path):
    path = edit(export(tmp_path / "out.xlsx", people.office), {("ZD-2018-01", "版本标识"): "第三版"})
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(4, "版本标识")]


def _reimported_unchanged(path, people, code):
    """Import the older export again; the reform must come out as it is now."""
    reform = Reform.objects.get(code=code)
    now = services.snapshot(reform)
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert services.snapshot(Reform.objects.get(code=code)) == now
    return result


def test_every_path_that_changes_a_reform_changes_its_version(catalogue, people, district, tmp_path):
    """The pages and the API (update_reform), the lifecycle, an approved change request, the
    roll-up of accepted work: after each, the older export reverts nothing."""
    key = Reform.objects.get(code="ZD-2018-01")
    path = export(tmp_path / "1.xlsx", people.office)
    services.update_reform(user=people.office, reform=key, data={"measures": "页面"})
    assert _reimported_unchanged(path, people, "ZD-2018-01").kept == 1

    path = export(tmp_path / "2.xlsx", people.office)
    services.transition_reform(user=people.office, reform=key, to_status=Status.SUSPENDED)
    assert _reimported_unchanged(path, people, "ZD-2018-01").kept == 1

    path = export(tmp_path / "3.xlsx", people.office)
    services.apply_approved_change(user=people.office, reform=key, changes={"goals": "调整后的目标"}, request_id=1)
    assert _reimported_unchanged(path, people, "ZD-2018-01").kept == 1



def test_the_roll_up_of_accepted_work_changes_the_version_and_the_older_export_reverts_nothing(
    people, reform_factory, tmp_path
):
    today = dt.date.today()
    reform = reform_factory(
        code="RP-1", progress=0, start_date=today - dt.timedelta(days=30), due_date=today + dt.timedelta(days=300)
    )
    task = TaskFactory(reform=reform, start_date=today - dt.timedelta(days=10), due_date=today + dt.timedelta(days=100))
    path = export(tmp_path / "before.xlsx", people.office)
    exported = _rows_by_code(path)["RP-1"][1]["版本标识"]
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=90, text="完成九成")
    report_services.review_report(user=people.office, report=report, accept=True)
    reform.refresh_from_db()
    assert reform.progress == 90
    assert version_of(services.snapshot(reform)) != exported
    result = _reimported_unchanged(path, people, "RP-1")
    assert (result.updated, result.unchanged) == (0, 1)
    assert [(n.column, n.message) for n in result.notices] == [
        (
            "进度(%)",
            "The ledger says 0%, the accepted progress is 90%: progress comes from accepted work, "
            "so the ledger's figure was not applied.",
        )
    ]


def test_the_history_names_the_ledger_file(older_export, people):
    import_ledger(user=people.office, source=older_export, filename="台账2018.xlsx")
    rows = history_rows(Reform.objects.get(code="FR-2018-01"))
    assert rows[0]["action"] == "changed the reform from an Excel ledger"
    assert {"label": "Ledger file", "before": None, "after": "台账2018.xlsx"} in rows[0]["changes"]


# --- the pages: the preview shows each conflict, the office chooses per row ----------------------


@pytest.mark.django_db(transaction=True)
def test_the_preview_shows_conflicts_and_applies_only_the_rows_ticked(older_export, people, client):
    rows = _rows_by_code(older_export)
    zd_row, wg_row = rows["ZD-2018-01"][0], rows["WG-2018-01"][0]
    client.force_login(people.office)
    client.post(reverse("reforms:ledger-import"), {"file": SimpleUploadedFile("台账.xlsx", older_export.read_bytes())})
    run_worker()
    item = LedgerImport.objects.get()
    assert item.status == LedgerImport.ImportStatus.READY, item.errors
    detail = reverse("reforms:ledger-import-detail", args=[item.pk])
    page = client.get(detail).content.decode()
    assert "Changed in Reform Ledger since this export" in page
    assert f'name="take" value="{zd_row}"' in page and f'name="take" value="{wg_row}"' in page
    assert "罗湖医改（页面上改过）" in page and "台账里的新摘要" in page

    # A row that is no conflict is refused, naming the choice; nothing is queued.
    response = client.post(reverse("reforms:ledger-import-confirm", args=[item.pk]), {"take": ["2"]}, follow=True)
    assert "Row 2 is not a conflict of this ledger." in response.content.decode()
    item.refresh_from_db()
    assert item.status == LedgerImport.ImportStatus.READY

    client.post(reverse("reforms:ledger-import-confirm", args=[item.pk]), {"take": [str(zd_row)]})
    run_worker()
    item.refresh_from_db()
    assert item.status == LedgerImport.ImportStatus.APPLIED, item.errors
    assert (item.summary["taken"], item.summary["kept"]) == (1, 1)
    key, micro = Reform.objects.get(code="ZD-2018-01"), Reform.objects.get(code="WG-2018-01")
    assert (key.title, key.public_summary) == ("罗湖医改", "台账里的新摘要")
    assert (micro.title, micro.measures) == ("物业微改革（页面上改过）", "")
    entry = history_of(key).first()
    assert entry.changes["ledger_file"] == "台账.xlsx" and entry.changes["ledger_conflict"] is True
    page = client.get(detail).content.decode()
    assert "Taken from the ledger" in page and "Kept as it is" in page
