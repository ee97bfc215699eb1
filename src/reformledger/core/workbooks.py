"""Opening an uploaded Excel workbook to read it once, row by row (openpyxl's read-only mode).

openpyxl's ``load_workbook(read_only=True)`` looks for every sheet's declared size (``<dimension>``)
as it opens the file, parsing until it finds it. A file without one — what openpyxl's own
write-only mode writes, and so many systems' exports — is parsed whole, every sheet of it, before
the import reads it again: for 10,000 ledger rows about 1 s of 7 (ADR 0061). The format puts the
size before the sheet's data (ECMA-376 Part 1, §18.3.1.99: ``dimension`` precedes ``sheetData``),
so here it is looked for there only. Everything else is openpyxl's ``load_workbook`` as it is.
"""

from __future__ import annotations

import os
from typing import IO, Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's when it is installed, as openpyxl's own

_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"


class _SizedFromHead(ReadOnlyWorksheet):
    """A read-only sheet whose declared size is read from the XML before its data, never after."""

    def _get_size(self) -> None:
        sheet: Any = self  # openpyxl's private attributes, which its type stubs leave out
        source = sheet._get_source()
        try:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == _DIMENSION:  # at its start an element's attributes are all there
                    dimension = SheetDimension.from_tree(element)
                    bounds = dimension.boundaries if dimension is not None else None
                    if bounds is not None:
                        sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = bounds
                    return
                if element.tag == _SHEET_DATA:
                    return  # no declared size: as openpyxl leaves it
        finally:
            source.close()


class _Reader(ExcelReader):
    """openpyxl's reader in read-only mode, with its sheets sized from their heads."""

    def read_worksheets(self) -> None:
        reader: Any = self  # openpyxl's private attributes, which its type stubs leave out
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files:
                continue
            if "chartsheet" in rel.Type:
                reader.read_chartsheet(sheet, rel)
                continue
            worksheet: Any = _SizedFromHead(reader.wb, sheet.name, rel.target, reader.shared_strings)
            worksheet.sheet_state = sheet.state
            reader.wb._sheets.append(worksheet)


def open_to_read(source: str | os.PathLike[str] | IO[bytes]) -> Workbook:
    """The workbook in ``source`` (a path or a binary file), opened read-only with formulas as
    formulas (``data_only=False``), as ``load_workbook(source, read_only=True)`` opens it. Close
    it when done (``workbook.close()``): the sheets stream from the open archive."""
    reader = _Reader(source, read_only=True, data_only=False)
    reader.read()
    return reader.wb
