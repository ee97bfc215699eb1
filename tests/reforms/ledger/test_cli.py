"""``reformledger import-ledger`` and ``export-ledger``: summaries, every error, exit codes."""

import pytest
from django.core.management import CommandError, call_command

from reformledger.cli import main
from reformledger.reforms import services
from reformledger.reforms.models import Reform

from .conftest import counts, edit, good_row, read_rows, write

# The console command closes every database connection when it ends (as Django's commands do):
# the tests run on committed data so that the next query simply reconnects.
pytestmark = pytest.mark.django_db(transaction=True)


def run(*args: str) -> int:
    """Run the real console command in-process; its exit status."""
    try:
        main(["reformledger", *args])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_import_prints_a_summary_and_exits_0(catalogue, people, tmp_path, capsys):
    path = write(tmp_path / "new.xlsx", [good_row(), good_row(code="NEW-002")])
    assert run("import-ledger", str(path), "--user", "office") == 0
    assert "Created 2, updated 0, unchanged 0." in capsys.readouterr().out
    assert Reform.objects.filter(code__startswith="NEW-").count() == 2


def test_import_prints_every_error_and_exits_1_writing_nothing(catalogue, tmp_path, capsys):
    path = write(
        tmp_path / "bad.xlsx", [good_row(lead_unit="无此单位"), good_row(code="NEW-002", progress=150)]
    )
    before = counts()
    assert run("import-ledger", str(path)) == 1
    err = capsys.readouterr().err
    assert "Row 2 [牵头单位]: There is no unit 无此单位 in 罗湖区." in err
    assert "Row 3 [进度(%)]: The progress must be from 0 to 100; this is 150." in err
    assert "2 problem(s). Nothing was written." in err
    assert counts() == before


def test_bad_file_exits_1_with_one_message(district, tmp_path, capsys):
    path = tmp_path / "notes.xlsx"
    path.write_text("just some notes")
    assert run("import-ledger", str(path)) == 1
    err = capsys.readouterr().err
    assert "not an Excel workbook (.xlsx or .xls)" in err


def test_dry_run_writes_nothing(catalogue, tmp_path, capsys):
    path = write(tmp_path / "new.xlsx", [good_row()])
    before = counts()
    assert run("import-ledger", str(path), "--dry-run", "-v", "2") == 0
    out = capsys.readouterr().out
    assert "would create 1, update 0, leave 0 unchanged" in out and "Row 2: new NEW-001 新改革" in out
    assert counts() == before


def test_import_as_a_person_who_may_not_is_refused(district, people, tmp_path):
    path = write(tmp_path / "new.xlsx", [good_row()])
    with pytest.raises(CommandError, match="Only the reform office"):
        call_command("import-ledger", str(path), "--user", "unit_head")
    with pytest.raises(CommandError, match="No active person"):
        call_command("import-ledger", str(path), "--user", "nobody")
    assert run("import-ledger", str(tmp_path / "missing.xlsx")) == 1
    assert not Reform.objects.exists()


def test_export_with_filters_and_back(catalogue, district, tmp_path, capsys):
    out = tmp_path / "all.xlsx"
    assert run("export-ledger", str(out)) == 0
    assert "Wrote 3 reforms" in capsys.readouterr().out
    assert [row[0] for row in read_rows(out)[1:]] == ["SJ-2018-01", "WG-2018-01", "ZD-2018-01"]

    assert run("export-ledger", str(tmp_path / "key.xlsx"), "--tier", "重点改革", "--year", "2018") == 0
    assert [row[0] for row in read_rows(tmp_path / "key.xlsx")[1:]] == ["ZD-2018-01"]
    # --unit: reforms the unit leads or co-runs (sub-district B co-runs the upper-level task).
    assert run("export-ledger", str(tmp_path / "b.xlsx"), "--unit", "lh-huangbei") == 0
    assert [row[0] for row in read_rows(tmp_path / "b.xlsx")[1:]] == ["SJ-2018-01"]
    # What a person may see: staff of sub-district A lead the micro-reform and co-run the upper one.
    assert run("export-ledger", str(tmp_path / "a.xlsx"), "--user", "unit_staff") == 0
    assert [row[0] for row in read_rows(tmp_path / "a.xlsx")[1:]] == ["SJ-2018-01", "WG-2018-01"]

    edit(out, {("WG-2018-01", "名称"): "物业管理微改革（二期）"})
    capsys.readouterr()
    assert run("import-ledger", str(out)) == 0
    assert "Created 0, updated 1, unchanged 2." in capsys.readouterr().out


def test_export_refuses_bad_options(district, tmp_path):
    with pytest.raises(CommandError, match="Unknown tier"):
        call_command("export-ledger", str(tmp_path / "x.xlsx"), "--tier", "mega")
    with pytest.raises(CommandError, match="no unit with the code"):
        call_command("export-ledger", str(tmp_path / "x.xlsx"), "--unit", "nope")
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("export-ledger", str(tmp_path / "x.csv"))


def test_conflicts_are_printed_and_kept_unless_taken_with_take_ledger(catalogue, people, tmp_path, capsys):
    out = tmp_path / "old.xlsx"
    assert run("export-ledger", str(out)) == 0
    key = Reform.objects.get(code="ZD-2018-01")
    services.update_reform(user=people.office, reform=key, data={"title": "罗湖医改（页面）"})
    edit(out, {("ZD-2018-01", "改革举措"): "台账举措"})
    capsys.readouterr()
    assert run("import-ledger", str(out)) == 0
    printed = capsys.readouterr().out
    assert "Row 4: ZD-2018-01 罗湖医改（页面） changed since the export; kept as it is (--take-ledger 4" in printed
    assert "名称: ledger 罗湖医改, now 罗湖医改（页面）" in printed
    assert "1 conflicting row(s) kept" in printed and "updated 0" in printed
    assert Reform.objects.get(code="ZD-2018-01").measures == "组建医疗集团；家庭医生签约"

    assert run("import-ledger", str(out), "--take-ledger", "4,9") == 0
    captured = capsys.readouterr()
    assert "taken from the ledger" in captured.out and "updated 1" in captured.out
    assert "row 9 is not a conflict" in captured.err
    key.refresh_from_db()
    assert (key.title, key.measures) == ("罗湖医改", "台账举措")
    assert run("import-ledger", str(out), "--take-ledger", "x") == 1
