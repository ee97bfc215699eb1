"""The file as a whole: is it a ledger file of a size we take, the header row, the rows.

The kinds of file (xlsx, xls, CSV) are opened by :mod:`.files`, judged by content, not by name. What goes wrong with the whole file raises
:class:`~.format.LedgerFileError` (one sentence); problems of the header row (a column twice, a
required column missing) are collected like row problems.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .cells import Formula, as_text
from .files import Source, Table, kind_of
from .format import (
    COLUMNS,
    HEADER,
    HEADER_WORDS,
    PROGRESS_EVERY,
    LedgerFileError,
    Problem,
    Progress,
    match_key,
)

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


def check_file(source: Source) -> str:
    """The file's kind (xlsx, xls or csv); :class:`LedgerFileError` if the file is empty, too large,
    or none of these (judged by content, not by name: see :mod:`.files`)."""
    size = _size_of(source)
    if size == 0:
        raise LedgerFileError(_("The file is empty."))
    if size > max_upload_bytes():
        raise LedgerFileError(
            _("The file is %(size).1f MB; the largest ledger accepted is %(limit)s MB.")
            % {"size": size / 1024 / 1024, "limit": f"{settings.LEDGER_MAX_UPLOAD_MB:g}"}
        )
    return kind_of(source)


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


def _cell(values: Sequence[Any], index: int, number: int) -> Any:
    """The cell of a row at ``index``; a formula learns its reference (``K5``) for the message."""
    value = values[index] if index < len(values) else None
    if isinstance(value, Formula):
        return Formula(value.text, f"{get_column_letter(index + 1)}{number}")
    return value


def read_rows(
    table: Table, *, problems: list[Problem], warnings: list[str], progress: Progress | None = None
) -> tuple[frozenset[str], list[RawRow]]:
    """The ledger fields whose column is in the file, and every non-blank row below the header.

    Problems and warnings of the header row are added to ``problems`` and ``warnings``; a sheet
    without a header row, without data rows or with more than ``LEDGER_MAX_ROWS`` of them raises
    :class:`LedgerFileError` (reading stops at the first row past the limit).
    """
    total = max(table.estimate() - 1, 0)
    rows = table.rows
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
    limit = settings.LEDGER_MAX_ROWS
    for number, values in enumerate(rows, start=2):
        cells = {key: _cell(values, index, number) for key, index in positions.items()}
        if any(as_text(value) for value in cells.values()):
            if len(out) >= limit:  # stop reading here: the rest is not even counted
                raise LedgerFileError(
                    _("The ledger has more than %(limit)s rows; the most accepted is %(limit)s. Split it into smaller files.")
                    % {"limit": f"{limit:,}"}
                )
            out.append((number, cells))
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress(number - 1, max(total, number - 1))
    if progress:
        progress(number - 1, number - 1)
    if not out:
        raise LedgerFileError(_("The ledger has no data rows below its header row."))
    return present, out
