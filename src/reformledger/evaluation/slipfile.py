"""Reading a workbook of paper slips (纸质评议票): one row per slip and reform. No database: the
service hands in what the rows are checked against (the round's reforms and communities).

Conventions of the reform ledger's import (``reforms.ledger``): only .xlsx, judged by content; the
file's size and what it would unpack to are limited before anything is unpacked (a zip bomb); read
with ``data_only=False`` so a formula cell is told apart and refused (its cached result may be
missing or stale: a slip's score is what the person ticked, typed as a number); every problem names
its row as Excel numbers it and its column by its header; problems past :data:`MAX_PROBLEMS` are
counted, not kept.

Columns (headers in Chinese or English, in any order): slip number (票号), reform code (改革编号),
community (社区, its code or its name), one column per dimension of the round (its label or its key),
and an optional comment (意见).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from reformledger.core import limits
from reformledger.core.workbooks import open_to_read

from .models.ratings import SCORE_FIELDS, SCORE_MAX, SCORE_MIN

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: Rows of one file (slips × the reforms each rates): 10,000 slips rating five reforms fit.
MAX_ROWS = 60_000
MAX_PROBLEMS = 200

SLIP, REFORM, COMMUNITY, COMMENT = "slip", "reform", "community", "comment"
#: Header words by column (matched without case, spaces and brackets).
HEADERS = {
    SLIP: ("票号", "评议票编号", "slip", "slipnumber", "slipno"),
    REFORM: ("改革编号", "改革项目编号", "项目编号", "reform", "reformcode"),
    COMMUNITY: ("社区", "社区（街道）", "街道", "community"),
    COMMENT: ("意见", "意见建议", "备注", "comment", "comments"),
}
TEMPLATE_HEADERS = {SLIP: "票号", REFORM: "改革编号", COMMUNITY: "社区", COMMENT: "意见建议"}


class SlipFileError(Exception):
    """The file as a whole cannot be read (one sentence)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class SlipRow:
    row: int
    slip: str
    reform_id: int
    community_id: int
    scores: dict[str, int]
    comment: str


@dataclass
class Reading:
    rows: list[SlipRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))
        else:
            self.more_problems += 1


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if not ch.isspace() and ch not in "()（）[]【】:：*")


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def open_rows(data: bytes) -> Iterator[tuple[int, Sequence[Any]]]:
    """(row number, cell values) of the first sheet; a formula cell comes as ``("=", text)``."""
    if not data:
        raise SlipFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise SlipFileError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 1024 // 1024})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if not any(m.filename == "xl/workbook.xml" for m in members):
                raise SlipFileError(_("The file is not an Excel workbook (.xlsx)."))
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise SlipFileError(_("The workbook unpacks to more than %(mb)d MB; split it into smaller files.")
                                    % {"mb": MAX_UNPACKED_BYTES // 1024 // 1024})
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SlipFileError(_("The file is not an Excel workbook (.xlsx).")) from exc
    try:
        workbook = open_to_read(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged file
        raise SlipFileError(_("The file could not be read as an Excel workbook; it may be damaged.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, tuple(("=", str(c.value)) if c.data_type == "f" else c.value for c in row)
    finally:
        workbook.close()


def header_map(header: Sequence[Any], dimensions: Sequence[Mapping[str, str]]) -> tuple[dict[str, int], list[str]]:
    """Column → index, and the problems of the header row (unknown, twice, missing)."""
    words = {_key(w): name for name, options in HEADERS.items() for w in options}
    for i, dimension in enumerate(dimensions):
        words[_key(dimension["key"])] = SCORE_FIELDS[i]
        words[_key(str(dimension.get("label") or dimension["key"]))] = SCORE_FIELDS[i]
    positions: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(header):
        text = text_of(cell)
        if not text:
            continue
        name = words.get(_key(text))
        if name is None:
            problems.append(_("Column %(col)s “%(text)s” is not a column of this round's slips.")
                            % {"col": get_column_letter(index + 1), "text": text[:40]})
        elif name in positions:
            problems.append(_("Column “%(text)s” appears twice.") % {"text": text[:40]})
        else:
            positions[name] = index
    for name in (SLIP, REFORM, COMMUNITY, *SCORE_FIELDS[: len(dimensions)]):
        if name not in positions:
            problems.append(_("The column “%(name)s” is missing.") % {"name": column_title(name, dimensions)})
    return positions, problems


def column_title(name: str, dimensions: Sequence[Mapping[str, str]]) -> str:
    if name in SCORE_FIELDS:
        dimension = dimensions[SCORE_FIELDS.index(name)]
        return str(dimension.get("label") or dimension["key"])
    return TEMPLATE_HEADERS[name]


@dataclass(frozen=True)
class Lookups:
    dimensions: Sequence[Mapping[str, str]]
    #: reform code → id (the round's reforms)
    reforms: Mapping[str, int]
    #: community code or name → id (the district's communities and sub-districts)
    communities: Mapping[str, int]


def _score(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = text_of(value)
    return int(text) if text.isdigit() else None


def read_row(number: int, cells: Sequence[Any], positions: Mapping[str, int], lookups: Lookups, reading: Reading) -> None:
    """Check one row; add it to ``reading.rows`` or its problems to ``reading.problems``."""
    before = len(reading.problems) + reading.more_problems

    def cell(name: str) -> Any:
        index = positions.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    values: dict[str, Any] = {}
    for name in (SLIP, REFORM, COMMUNITY, COMMENT, *SCORE_FIELDS[: len(lookups.dimensions)]):
        value = cell(name)
        if isinstance(value, tuple) and value[:1] == ("=",):
            reading.add(number, column_title(name, lookups.dimensions),
                        _("A formula (%(text)s) is not a value: type what the slip says.") % {"text": value[1][:40]})
            value = None
            continue
        values[name] = value
    slip = text_of(values.get(SLIP))
    if SLIP in values and not slip:
        reading.add(number, column_title(SLIP, lookups.dimensions), _("The slip number is missing."))
    elif len(slip) > limits.CODE:
        reading.add(number, column_title(SLIP, lookups.dimensions), _("A slip number has at most %(max)d characters.") % {"max": limits.CODE})
    reform_id = lookups.reforms.get(text_of(values.get(REFORM)))
    if REFORM in values and reform_id is None:
        reading.add(number, column_title(REFORM, lookups.dimensions),
                    _("“%(code)s” is not the code of a reform of this round.") % {"code": text_of(values.get(REFORM))[:40]})
    community_id = lookups.communities.get(text_of(values.get(COMMUNITY)))
    if COMMUNITY in values and community_id is None:
        reading.add(number, column_title(COMMUNITY, lookups.dimensions),
                    _("“%(text)s” is not a community or sub-district of the round's district (its code or its name).")
                    % {"text": text_of(values.get(COMMUNITY))[:40]})
    scores: dict[str, int] = {}
    for name in SCORE_FIELDS[: len(lookups.dimensions)]:
        if name not in values:
            continue
        score = _score(values[name])
        if score is None or not SCORE_MIN <= score <= SCORE_MAX:
            shown = text_of(values[name])
            reading.add(number, column_title(name, lookups.dimensions),
                        _("“%(value)s” is not a score: give a whole number from 1 to 5.") % {"value": shown[:20]}
                        if shown else _("The score is missing: give a whole number from 1 to 5."))
        else:
            scores[name] = score
    comment = text_of(values.get(COMMENT))
    if len(comment) > limits.MESSAGE or "\x00" in comment:
        reading.add(number, column_title(COMMENT, lookups.dimensions),
                    _("A comment has at most %(max)s characters of text.") % {"max": f"{limits.MESSAGE:,}"})
    if len(reading.problems) + reading.more_problems == before and reform_id is not None and community_id is not None:
        reading.rows.append(SlipRow(number, slip, reform_id, community_id, scores, comment))


def read_slips(data: bytes, lookups: Lookups) -> Reading:
    """Every row of the file checked; :class:`SlipFileError` when the file as a whole is unreadable."""
    reading = Reading()
    rows = open_rows(data)
    positions: dict[str, int] | None = None
    seen: dict[tuple[str, int], int] = {}
    for number, cells in rows:
        if not any(text_of(c) for c in cells if not isinstance(c, tuple)) and not any(isinstance(c, tuple) for c in cells):
            continue
        if positions is None:
            positions, header_problems = header_map(cells, lookups.dimensions)
            for message in header_problems:
                reading.add(number, "", message)
            if header_problems:
                return reading
            continue
        if number > MAX_ROWS + 1:
            raise SlipFileError(_("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{MAX_ROWS:,}"})
        count = len(reading.rows)
        read_row(number, cells, positions, lookups, reading)
        if len(reading.rows) > count:
            row = reading.rows[-1]
            earlier = seen.setdefault((row.slip, row.reform_id), number)
            if earlier != number:
                reading.rows.pop()
                reading.add(number, column_title(SLIP, lookups.dimensions),
                            _("Slip %(slip)s rates this reform already in row %(row)d.") % {"slip": row.slip, "row": earlier})
    if positions is None:
        reading.add(1, "", _("The file has no header row: use the template."))
    elif not reading.rows and not reading.problems:
        reading.add(2, "", _("The file has no slips."))
    return reading
