"""A file that is not a ledger at all gets one clear message; nothing is written."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.format import COLUMNS, LedgerFileError
from reformledger.reforms.ledger.workbook import check_file

from .conftest import counts, good_row, write


def _raw(path, data: bytes):
    path.write_bytes(data)
    return path


def _zip_without_workbook(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def _damaged(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")
        archive.writestr("[Content_Types].xml", "nor this")
    return path


def _empty_workbook(path):
    Workbook().save(path)
    return path


def _header_only(path):
    return write(path, [])


def _header_then_blank_rows(path):
    return write(path, [[None] * len(COLUMNS), ["", "  "]])


def _no_header(path):
    return write(path, [good_row()], header=good_row(code="X"))


def _blank_first_row(path):
    return write(path, [[c.header for c in COLUMNS], good_row()], header=[None, None])


BAD_FILES = [
    ("plain text", lambda p: _raw(p, "会议纪要\n第一条\n".encode()), "not an Excel workbook (.xlsx or .xls)"),
    (
        "damaged xls",
        lambda p: _raw(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "could not be read as an Excel workbook",
    ),
    ("a zip that is no workbook", _zip_without_workbook, "not an Excel workbook (.xlsx or .xls)"),
    ("binary", lambda p: _raw(p, bytes(range(256)) * 4), "nor a CSV file in UTF-8 or GBK"),
    ("damaged workbook", _damaged, "could not be read as an Excel workbook"),
    ("empty file", lambda p: _raw(p, b""), "The file is empty."),
    ("workbook without rows", _empty_workbook, "has no rows"),
    ("header but no data rows", _header_only, "no data rows"),
    ("header and blank rows only", _header_then_blank_rows, "no data rows"),
    ("no header row", _no_header, "none of the ledger's column headers"),
    ("blank first row", _blank_first_row, "none of the ledger's column headers"),
]


@pytest.mark.parametrize(("what", "make", "message"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_bad_file_gets_one_clear_message(what, make, message, catalogue, people, tmp_path):
    path = make(tmp_path / "file.xlsx")
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    problem = result.problems[0]
    assert problem.row is None and message in problem.message
    assert str(problem) == problem.message
    assert counts() == before


def test_too_large_a_file_is_refused_before_it_is_read(settings, catalogue, people, tmp_path):
    path = write(tmp_path / "big.xlsx", [good_row()])
    settings.LEDGER_MAX_UPLOAD_MB = 0.001
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert len(result.problems) == 1
    assert "the largest ledger accepted is 0.001 MB" in result.problems[0].message
    assert counts() == before


def test_file_like_objects_are_checked_too(people, district):
    buffer = io.BytesIO(b"%PDF-1.4 not a workbook")
    with pytest.raises(LedgerFileError, match="not an Excel workbook"):
        check_file(buffer)
    assert buffer.tell() == 0


def test_missing_required_column_is_named(people, district, tmp_path):
    keep = [c for c in COLUMNS if c.key not in ("lead_unit", "domain")]
    rows = [[dict(zip([c.key for c in COLUMNS], good_row(), strict=True))[c.key] for c in keep]]
    path = write(tmp_path / "cols.xlsx", rows, header=[c.header for c in keep])
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(1, "改革领域"), (1, "牵头单位")]
    assert all(p.message == "This required column is missing." for p in result.problems)
    assert counts() == before


def test_a_column_twice_is_refused(people, district, tmp_path):
    header = [c.header for c in COLUMNS] + ["名称"]
    path = write(tmp_path / "twice.xlsx", [good_row() + ["别名"]], header=header)
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(1, "名称")]
    assert "appears twice (columns B and T)" in result.problems[0].message
