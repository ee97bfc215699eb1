"""Issue 8: old ledgers kept as .xls and CSV from other systems (UTF-8, with or without BOM, or
GBK) import exactly as the same .xlsx does, with the same checks; other files get a clear error.

The .xls files are written by xlwt (a dev-only writer, in the ``dev`` extra); the LibreOffice
round trips run LibreOffice (``soffice``, installed by ``make system-deps``)."""

import csv
import datetime as dt
import io
import shutil
import subprocess

import pytest
import xlwt

from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.format import COLUMNS
from reformledger.reforms.ledger.workbook import check_file
from reformledger.reforms.models import Reform

from .conftest import counts, edit, export, good_row, write

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in COLUMNS]
ROWS = [
    good_row(),
    good_row(code="NEW-002", title="第二项", tier="上级任务", source_level="省级", status="草稿", progress=0,
             start_date=dt.date(2019, 3, 5), due_date=None, co_units=""),
]


def write_xls(path, rows, header=HEADER):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("改革台账")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, value in enumerate(header):
        sheet.write(0, c, value)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def _text(value):
    return value.isoformat() if isinstance(value, dt.date) else ("" if value is None else str(value))


def write_csv(path, rows, *, encoding="utf-8", header=HEADER, delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(v) for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


KINDS = {
    "xlsx": lambda p, rows: write(p.with_suffix(".xlsx"), rows),
    "xls": lambda p, rows: write_xls(p.with_suffix(".xls"), rows),
    "csv utf-8": lambda p, rows: write_csv(p.with_suffix(".csv"), rows),
    "csv utf-8 with bom": lambda p, rows: write_csv(p.with_suffix(".csv"), rows, encoding="utf-8-sig"),
    "csv gbk": lambda p, rows: write_csv(p.with_suffix(".csv"), rows, encoding="gbk"),
    "csv gb18030, tab-separated": lambda p, rows: write_csv(
        p.with_suffix(".csv"), rows, encoding="gb18030", delimiter="\t"
    ),
    "utf-16 text (Excel's unicode text)": lambda p, rows: write_csv(
        p.with_suffix(".txt"), rows, encoding="utf-16", delimiter="\t"
    ),
}


def _imported():
    return {
        r.code: (r.title, r.tier, r.source_level, r.start_date, r.due_date, r.status, r.progress,
                 sorted(r.co_units.values_list("code", flat=True)), r.responsible_leader_id)
        for r in Reform.objects.prefetch_related("co_units")
    }


@pytest.fixture
def as_xlsx(people, district, tmp_path):
    """What the .xlsx ledger imports as (imported, read, then removed)."""
    result = import_ledger(user=people.office, source=KINDS["xlsx"](tmp_path / "ref", ROWS))
    assert result.ok, [str(p) for p in result.problems]
    expected = _imported()
    Reform.objects.all().delete()
    return expected


@pytest.mark.parametrize("kind", list(KINDS), ids=list(KINDS))
def test_every_kind_imports_as_the_xlsx_does(kind, as_xlsx, people, tmp_path):
    path = KINDS[kind](tmp_path / "ledger", ROWS)
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created == 2
    assert _imported() == as_xlsx


BAD = [good_row(lead_unit="无此单位"), good_row(code="NEW-002", due_date="明天", progress=150)]
EXPECTED_PROBLEMS = [(2, "牵头单位"), (3, "完成时限"), (3, "进度(%)")]


@pytest.mark.parametrize("kind", ["xls", "csv utf-8", "csv gbk"])
def test_bad_rows_of_every_kind_are_reported_by_row_and_column(kind, people, district, tmp_path):
    path = KINDS[kind](tmp_path / "bad", BAD)
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == EXPECTED_PROBLEMS
    assert counts() == before


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("neither UTF-8 nor GB18030", "编号,名称\n".encode() + b"\x80\xff\xfe\x81,x\n"),
        ("latin-1 text", "Numéro,Titre\nA,B\n".encode("latin-1")),
        ("binary", bytes(range(256)) * 8),
        ("text without the ledger's headers", "会议纪要\n第一条\n".encode()),
    ],
)
def test_files_that_are_no_ledger_get_one_clear_error(what, data, people, district, tmp_path):
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    result = import_ledger(user=people.office, source=path)
    assert len(result.problems) == 1 and result.problems[0].row is None
    assert "nor a CSV file in UTF-8 or GBK" in result.problems[0].message


def test_the_kind_is_judged_by_content_not_by_name(people, district, tmp_path):
    xls_named_xlsx = write_xls(tmp_path / "old.xlsx", ROWS)
    assert check_file(xls_named_xlsx) == "xls"
    assert check_file(write_csv(tmp_path / "export.xls", ROWS, encoding="gbk")) == "csv"
    assert import_ledger(user=people.office, source=xls_named_xlsx).created == 2


# --- LibreOffice: a ledger re-saved keeps its meaning --------------------------------------------

soffice = shutil.which("soffice") or shutil.which("libreoffice")


def resave(path, out_dir, target: str):
    """Open ``path`` in LibreOffice and save it as ``target`` (a --convert-to argument). LibreOffice
    is a test dependency (``make system-deps`` installs it): missing, the test fails, not skips."""
    assert soffice, "LibreOffice (soffice) is not installed: run `make system-deps`"
    out_dir.mkdir()
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{out_dir}/profile", "--headless", "--convert-to", target,
         "--outdir", str(out_dir), str(path)],
        check=True, capture_output=True, timeout=120,
    )
    return next(p for p in out_dir.iterdir() if p.is_file())


@pytest.mark.parametrize(
    "target",
    ["xlsx", "xls", 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false'],
    ids=["xlsx", "xls", "csv utf-8"],
)
def test_an_export_re_saved_by_libreoffice_imports_unchanged(target, catalogue, people, tmp_path):
    path = export(tmp_path / "台账.xlsx", people.office)
    edit(path, {("ZD-2018-01", "改革举措"): "组建医疗集团；家庭医生签约"})  # as it is: no change
    resaved = resave(path, tmp_path / "out", target)
    before = counts()
    result = import_ledger(user=people.office, source=resaved)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated, result.unchanged, result.kept) == (0, 0, 3, 0)
    assert not result.notices
    assert counts() == before
