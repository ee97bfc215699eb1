"""The file as a whole: is it a workbook of a size we take, which sheet, the header row, the rows.

Judged by content, not by name. What goes wrong with the whole file raises
:class:`~.format.LedgerFileError` (one sentence); problems of the header row (a column twice, a
required column missing) are collected like row problems.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .cells import as_text
from .format import (
    COLUMNS,
    HEADER,
    HEADER_WORDS,
    PROGRESS_EVERY,
    SHEET_TITLE,
    LedgerFileError,
    Problem,
    Progress,
    match_key,
)

#: What a file is read from: a path, or an open binary file (an upload, a stored file).
Source = str | os.PathLike | IO[bytes]
#: One non-blank row: its number as Excel shows it, and its cells by column key.
RawRow = tuple[int, dict[str, Any]]


def max_upload_bytes() -> int:
    return int(settings.LEDGER_MAX_UPLOAD_MB * 1024 * 1024)


def _size_of(source: Source) -> int:
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, os.SEEK_END)
    end = source.tell()
    source.seek(position)
    return end


def check_file(source: Source) -> None:
    """Raise :class:`LedgerFileError` if the file is empty, too large, or not an xlsx workbook.

    Judged by content, not by name: an xlsx is a zip archive holding ``xl/workbook.xml``.
    """
    size = _size_of(source)
    if size == 0:
        raise LedgerFileError(_("The file is empty."))
    if size > max_upload_bytes():
        raise LedgerFileError(
            _("The file is %(size).1f MB; the largest ledger accepted is %(limit)s MB.")
            % {"size": size / 1024 / 1024, "limit": f"{settings.LEDGER_MAX_UPLOAD_MB:g}"}
        )
    if not isinstance(source, str | os.PathLike):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            is_xlsx = "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        is_xlsx = False
    finally:
        if not isinstance(source, str | os.PathLike):
            source.seek(0)
    if not is_xlsx:
        raise LedgerFileError(
            _(
                "The file is not an Excel workbook (.xlsx). An older .xls file must first be saved "
                "as .xlsx (Excel Workbook) in Excel or WPS."
            )
        )


def open_sheet(source: Source):
    """The open workbook (close it when done) and the sheet to read: the ledger's, else the first."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged file
        raise LedgerFileError(
            _("The file could not be read as an Excel workbook; it may be damaged.")
        ) from exc
    sheets = workbook.worksheets
    if not sheets:
        workbook.close()
        raise LedgerFileError(_("The workbook is empty: it has no worksheet."))
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else sheets[0]
    return workbook, sheet


def _estimate_rows(sheet) -> int:
    """Rows in the sheet, for the progress bar: the declared dimension, else a fast count of ``<row>`` tags."""
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


def _header_map(header: Sequence[Any], problems: list[Problem], warnings: list[str]) -> dict[str, int]:
    """Column key -> index in the row; reports unknown, duplicated and missing columns."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        text = as_text(cell)
        if not text:
            continue
        key = HEADER_WORDS.get(match_key(text))
        if key is None:
            unknown.append(text)
        elif key in positions:
            problems.append(
                Problem(
                    1,
                    HEADER[key],
                    _("This column appears twice (columns %(first)s and %(second)s).")
                    % {
                        "first": get_column_letter(positions[key] + 1),
                        "second": get_column_letter(index + 1),
                    },
                )
            )
        else:
            positions[key] = index
    if not positions:
        raise LedgerFileError(
            _(
                "The first row holds none of the ledger's column headers (%(headers)s); it must be the header row."
            )
            % {"headers": "、".join(c.header for c in COLUMNS if c.required)}
        )
    for column in COLUMNS:
        if column.required and column.key not in positions:
            problems.append(Problem(1, column.header, _("This required column is missing.")))
    for text in unknown:
        warnings.append(
            _("The column %(header)s is not part of the ledger and was ignored.") % {"header": text}
        )
    return positions


def read_rows(
    sheet, *, problems: list[Problem], warnings: list[str], progress: Progress | None = None
) -> tuple[frozenset[str], list[RawRow]]:
    """The ledger fields whose column is in the file, and every non-blank row below the header.

    Problems and warnings of the header row are added to ``problems`` and ``warnings``; a sheet
    without a header row or without data rows raises :class:`LedgerFileError`.
    """
    total = max(_estimate_rows(sheet) - 1, 0)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(as_text(cell) for cell in header):
        if header is None:
            raise LedgerFileError(_("The workbook is empty: its first sheet has no rows."))
        raise LedgerFileError(
            _(
                "The first row holds none of the ledger's column headers (%(headers)s); it must be the header row."
            )
            % {"headers": "、".join(c.header for c in COLUMNS if c.required)}
        )
    positions = _header_map(header, problems, warnings)
    present = frozenset(key for key in positions if key != "district")
    if progress:
        progress(0, total)
    out: list[RawRow] = []
    number = 1
    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        if any(as_text(value) for value in cells.values()):
            out.append((number, cells))
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress(number - 1, max(total, number - 1))
    if progress:
        progress(number - 1, number - 1)
    if not out:
        raise LedgerFileError(_("The ledger has no data rows below its header row."))
    return present, out
