"""core.workbooks: an uploaded workbook opens as openpyxl's read-only one, its sheets sized from their heads."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from reformledger.core.workbooks import open_to_read

ROWS = [["编号", "名称", "年度"], ["R-1", "改革一", 2018], ["R-2", "=1+1", 2019], ["R-3", None, 2020]]


def _saved(*, write_only: bool) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("台账") if write_only else workbook.active
    if not write_only:
        sheet.title = "台账"
    for row in ROWS:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _read(workbook) -> tuple:
    try:
        sheet = workbook["台账"]
        rows = [tuple((cell.data_type, cell.value) for cell in row) for row in sheet.iter_rows()]
        return workbook.sheetnames, sheet.max_row, sheet.max_column, rows
    finally:
        workbook.close()


@pytest.mark.parametrize("write_only", [True, False], ids=["no declared size", "declared size"])
def test_it_reads_what_openpyxl_reads(write_only):
    data = _saved(write_only=write_only)
    ours = _read(open_to_read(io.BytesIO(data)))
    assert ours == _read(load_workbook(io.BytesIO(data), read_only=True, data_only=False))
    assert ours[3][2][1] == ("f", "=1+1")  # a formula stays a formula
    assert (ours[1], ours[2]) == ((4, 3) if not write_only else (None, None))


def test_opening_reads_only_the_head_of_a_sheet():
    """Damage after the sheet's first row: openpyxl's own read-only open parses the whole sheet
    to look for its size and fails there; ours opens, and the damage shows when the rows are read."""
    original = _saved(write_only=True)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = body.replace(b"</row>", b"</row><broken", 1)
            target.writestr(item, body)
    with pytest.raises(Exception):  # noqa: B017,PT011 - openpyxl's parse error, whatever its class
        load_workbook(io.BytesIO(damaged.getvalue()), read_only=True)
    workbook = open_to_read(io.BytesIO(damaged.getvalue()))
    try:
        with pytest.raises(Exception):  # noqa: B017,PT011
            list(workbook["台账"].iter_rows())
    finally:
        workbook.close()
