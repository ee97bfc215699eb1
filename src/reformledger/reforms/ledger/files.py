"""The kinds of file a ledger comes in, each opened as a :class:`Table` of raw rows.

- ``.xlsx`` (Excel 2007 and later, WPS, LibreOffice): openpyxl, read-only and streaming;
- ``.xls`` (Excel 97–2003, the offices' older ledgers): xlrd, which reads only .xls (ADR 0023);
- CSV from other systems: UTF-8 with or without a byte-order mark, or GBK/GB18030 (what Excel
  and WPS save as "CSV" on a Chinese Windows); UTF-16 with its byte-order mark ("Unicode text").

The kind is judged by content, not by name. Every kind gives the same rows (cells as Python
values, dates as dates where the file has them), so the header mapping and the checks are the
same for all; what goes wrong with the file as a whole raises :class:`~.format.LedgerFileError`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, cast

import xlrd
from django.conf import settings
from django.utils.translation import gettext as _

from reformledger.core.workbooks import open_to_read

from .cells import Formula
from .format import HEADER_WORDS, SHEET_TITLE, LedgerFileError, match_key

#: What a file is read from: a path, or an open binary file (an upload, a stored file).
Source = str | os.PathLike | IO[bytes]

XLSX, XLS, CSV = "xlsx", "xls", "csv"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_DELIMITERS = (",", "\t", ";", "|")


@dataclass
class Table:
    """A sheet as rows of cell values; ``estimate`` is the row count for the progress bar."""

    rows: Iterator[Sequence[Any]]
    estimate: Callable[[], int]
    close: Callable[[], None]


def not_a_ledger() -> LedgerFileError:
    return LedgerFileError(
        _(
            "The file is not a ledger: it is not an Excel workbook (.xlsx or .xls), nor a CSV file "
            "in UTF-8 or GBK whose first row holds the ledger's column headers."
        )
    )


def damaged() -> LedgerFileError:
    return LedgerFileError(_("The file could not be read as an Excel workbook; it may be damaged."))


def read_bytes(source: Source) -> bytes:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            return file.read()
    source.seek(0)
    try:
        return source.read()
    finally:
        source.seek(0)


def kind_of(source: Source) -> str:
    """xlsx, xls or csv, judged by content; :func:`not_a_ledger` for anything else, and
    :class:`~.format.LedgerFileError` for an .xlsx that would unpack to more than
    ``LEDGER_MAX_UNCOMPRESSED_MB`` (a zip bomb: ADR 0031)."""
    head = _head(source)
    if head.startswith(OLE2_MAGIC):
        return XLS
    if head.startswith(b"PK"):
        unpacked = _xlsx_unpacked_size(source)
        if unpacked is None:
            raise not_a_ledger()
        if unpacked > max_unpacked_bytes():
            raise LedgerFileError(
                _(
                    "The workbook unpacks to %(size)s MB; the largest accepted is %(limit)s MB. "
                    "Split the ledger into smaller files."
                )
                % {"size": f"{unpacked / 1024 / 1024:,.0f}", "limit": f"{settings.LEDGER_MAX_UNCOMPRESSED_MB:g}"}
            )
        return XLSX
    csv_header(decode_text(read_bytes(source)))  # text with the ledger's headers in its first row
    return CSV


def _head(source: Source) -> bytes:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            return file.read(8)
    source.seek(0)
    try:
        return source.read(8)
    finally:
        source.seek(0)


def max_unpacked_bytes() -> int:
    return int(settings.LEDGER_MAX_UNCOMPRESSED_MB * 1024 * 1024)


def _xlsx_unpacked_size(source: Source) -> int | None:
    """The sizes of an xlsx's members added up, as its directory declares them (read before
    anything is unpacked; a member never unpacks to more than it declares: zipfile stops there
    and checks the CRC); None when it is no xlsx (a zip archive holding ``xl/workbook.xml``)."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if not any(member.filename == "xl/workbook.xml" for member in members):
                return None
            return sum(member.file_size for member in members)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        if not isinstance(source, str | os.PathLike):
            source.seek(0)


def open_table(source: Source, kind: str) -> Table:
    if kind == XLSX:
        return _xlsx_table(source)
    if kind == XLS:
        return _xls_table(read_bytes(source))
    return _csv_table(decode_text(read_bytes(source)))


# --- xlsx --------------------------------------------------------------------------------------


def _xlsx_table(source: Source) -> Table:
    """The sheet's rows; a formula cell comes as :class:`~.cells.Formula` (loaded with
    ``data_only=False`` to tell one: a formula is no value the ledger takes, and its cached result
    may be missing, which read as a blank cell would clear the field)."""
    try:
        workbook = open_to_read(source)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged file
        raise damaged() from exc
    sheets = workbook.worksheets
    if not sheets:
        workbook.close()
        raise LedgerFileError(_("The workbook is empty: it has no worksheet."))
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else sheets[0]
    rows = (tuple(_xlsx_value(cell) for cell in row) for row in sheet.iter_rows())
    return Table(rows, lambda: _estimate_xlsx_rows(sheet), workbook.close)


def _xlsx_value(cell) -> Any:
    if cell.data_type == "f":
        return Formula(str(getattr(cell.value, "text", cell.value) or ""))  # an ArrayFormula has .text
    return cell.value


def _estimate_xlsx_rows(sheet) -> int:
    """Rows in the sheet: the declared dimension, else a fast count of ``<row>`` tags."""
    if sheet.max_row:
        return int(sheet.max_row)
    try:
        source = sheet._get_source()  # read-only worksheets stream their XML from the archive
    except (AttributeError, KeyError, OSError):
        return 0
    pattern, count, tail = re.compile(rb"<(?:\w+:)?row[\s>/]"), 0, b""
    with source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            count += len(pattern.findall(data))
            tail = data[-16:]
            count -= len(pattern.findall(tail))  # counted again with the next chunk
    return count


# --- xls ---------------------------------------------------------------------------------------


def _xls_table(data: bytes) -> Table:
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        names = book.sheet_names()
        if not names:
            raise LedgerFileError(_("The workbook is empty: it has no worksheet."))
        sheet = book.sheet_by_name(SHEET_TITLE) if SHEET_TITLE in names else book.sheet_by_index(0)
    except LedgerFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - xlrd raises XLRDError, struct and index errors alike
        raise damaged() from exc

    def rows() -> Iterator[list[Any]]:
        for index in range(sheet.nrows):
            yield [_xls_value(cell, book.datemode) for cell in sheet.row(index)]

    return Table(rows(), lambda: sheet.nrows, book.release_resources)


def _xls_value(cell, datemode: int) -> Any:
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, cast(Literal[0, 1], datemode))
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value


# --- csv ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The file as text: UTF-16 by its byte-order mark, else UTF-8 (strictly), else GB18030 (a
    superset of GBK); anything else, or text holding NUL characters (a binary file), is no CSV."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise not_a_ledger()


def csv_header(text: str) -> tuple[list[str], str]:
    """The first record and the delimiter that gives it the most ledger headers; none: not a ledger."""
    first = next(iter(text.splitlines()), "")
    best, best_count = ",", 0
    for delimiter in CSV_DELIMITERS:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        found = sum(1 for cell in cells if match_key(cell) in HEADER_WORDS)
        if found > best_count:
            best, best_count = delimiter, found
    if not best_count:
        raise not_a_ledger()
    return next(csv.reader([first], delimiter=best)), best


def _csv_table(text: str) -> Table:
    _header, delimiter = csv_header(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return Table(reader, lambda: text.count("\n") + 1, lambda: None)
