"""Limits of a ledger (issue 9, findings 8 and 10; ADR 0031): the unpacked size of an .xlsx, the
rows of every kind of file, the problems kept; a formula cell is a row error, and text that
looks like a formula is exported with Excel's quote prefix and comes back unchanged."""

from __future__ import annotations

import csv
import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.checks import read_ledger
from reformledger.reforms.ledger.format import COLUMN_BY_KEY, COLUMNS, HEADER, LedgerFileError
from reformledger.reforms.ledger.workbook import check_file
from reformledger.reforms.models import LedgerImport, Reform

from .conftest import counts, export, good_row, write
from .test_pages import run_worker, upload

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
GOALS = COLUMN_BY_KEY["goals"]
GOALS_LETTER = "K"  # the goals column, as Excel names it
assert [c.key for c in COLUMNS].index("goals") == 10


def zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """An .xlsx-shaped zip: a real workbook part and a worksheet that unpacks to ``unpacked_mb`` MB."""
    chunk = b"<row>" + b" " * (MB - 11) + b"</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    return path


def csv_ledger(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, people):
    path = zip_bomb(tmp_path / "bomb.xlsx", 200)
    assert path.stat().st_size < 1 * MB  # small on disk, 200 MB unpacked
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(LedgerFileError, match=r"unpacks to 200 MB; the largest accepted is 50 MB"):
            check_file(path)
        result = import_ledger(user=people.office, source=path, dry_run=True)
        elapsed = time.monotonic() - started
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(p.row, p.message) for p in result.problems] == [
        (None, "The workbook unpacks to 200 MB; the largest accepted is 50 MB. Split the ledger into smaller files.")
    ]
    assert elapsed < 5
    assert peak < 5 * MB


def test_a_zip_bomb_is_refused_on_the_upload_form(tmp_path, people, client):
    client.force_login(people.office)
    response = upload(client, "bomb.xlsx", zip_bomb(tmp_path / "bomb.xlsx", 60).read_bytes())
    assert response.status_code == 400
    assert "The workbook unpacks to 60 MB; the largest accepted is 50 MB." in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_20001_rows_are_refused(district, people):
    rows = [good_row(code=f"N-{i:05d}") for i in range(20_001)]
    result = read_ledger(io.BytesIO(csv_ledger(rows)))
    assert [(p.row, p.message) for p in result.problems] == [
        (None, "The ledger has more than 20,000 rows; the most accepted is 20,000. Split it into smaller files.")
    ]
    assert result.rows == []


def test_the_row_limit_holds_for_xlsx_and_counts_only_rows_with_content(settings, district, people, tmp_path):
    settings.LEDGER_MAX_ROWS = 50
    at_limit = [good_row(code=f"N-{i:03d}") for i in range(50)]
    blank = [[None] * len(COLUMNS)] * 30
    assert read_ledger(write(tmp_path / "ok.xlsx", at_limit + blank)).problems == []
    over = read_ledger(write(tmp_path / "over.xlsx", [*at_limit, good_row(code="N-050")]))
    assert [p.message for p in over.problems] == [
        "The ledger has more than 50 rows; the most accepted is 50. Split it into smaller files."
    ]


@pytest.mark.django_db(transaction=True)  # the upload queues its check on commit
def test_1000_bad_rows_give_200_problems_and_a_count_of_the_rest(district, people, client):
    rows = [good_row(code=f"B-{i:04d}", tier="超级改革") for i in range(1000)]
    result = import_ledger(user=people.office, source=io.BytesIO(csv_ledger(rows)), dry_run=True)
    assert (len(result.problems), result.problems_not_shown) == (200, 800)
    assert result.summary()["problems_not_shown"] == 800

    client.force_login(people.office)
    response = upload(client, "bad.csv", csv_ledger(rows))
    assert response.status_code == 302
    run_worker()
    item = LedgerImport.objects.get()
    assert item.status == LedgerImport.ImportStatus.REJECTED
    assert len(item.errors) == 200
    html = client.get(reverse("reforms:ledger-import-detail", args=[item.pk])).content.decode()
    table = html[html.index('id="ledger-errors"'):]
    assert table[: table.index("</tbody>")].count("<tr>") == 201  # the header row and 200 problems
    assert "…and 800 more problems not shown." in html
    assert "Correct these 1000 problems" in html


def test_a_formula_cell_is_a_row_error_naming_the_cell(district, people, tmp_path):
    path = write(tmp_path / "formula.xlsx", [good_row(), good_row(code="NEW-002", goals="=1+1")])
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(3, GOALS.header)]
    message = result.problems[0].message
    assert f"{GOALS_LETTER}3" in message and "=1+1" in message and "formula" in message
    assert counts() == before  # nothing written


def test_a_formula_over_a_stored_text_does_not_clear_it(catalogue, people, tmp_path):
    """Read as blank (today's cached value of a file never calculated), the update would clear the goals."""
    path = export(tmp_path / "out.xlsx", people.office)
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "SJ-2018-01")
    sheet[f"{GOALS_LETTER}{row}"] = '=CONCATENATE("a","b")'
    workbook.save(path)
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(row, GOALS.header)]
    assert Reform.objects.get(code="SJ-2018-01").goals == "建立现代医院管理制度\n推行医疗集团"


@pytest.mark.parametrize("text", ["=1+1", "+86 755 1234", "-5%", "@SUM(A1)", "=HYPERLINK(\"http://x\")"])
def test_formula_looking_text_is_exported_as_text_and_round_trips(catalogue, people, tmp_path, text):
    Reform.objects.filter(code="ZD-2018-01").update(goals=text)
    path = export(tmp_path / "out.xlsx", people.office)
    sheet = load_workbook(path).worksheets[0]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "ZD-2018-01")
    cell = sheet[f"{GOALS_LETTER}{row}"]
    # Opens as text: a string cell with Excel's leading apostrophe (quotePrefix), the value as stored.
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert sheet[f"B{row}"].quotePrefix is False  # ordinary text is left alone
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    result = import_ledger(user=people.office, source=path)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Reform.objects.get(code="ZD-2018-01").goals == text  # no apostrophe came back


def test_the_limits_are_in_the_ledger_format_document():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "ledger-format.md").read_text()
    for words in ("LEDGER_MAX_ROWS", "LEDGER_MAX_UNCOMPRESSED_MB", "LEDGER_MAX_PROBLEMS", "formula"):
        assert re.search(re.escape(words), doc), words
    assert HEADER["goals"] in doc
