"""The Excel ledger (改革台账): one column definition, used by the export and by the import.

The file format
---------------
The first row holds the column headers of :data:`COLUMNS`; every later non-blank row is one
reform. Headers and the vocabulary written into cells (tiers, statuses, source levels) are fixed
Chinese text held in the dicts below, deliberately **not** gettext: the ledger is a data-exchange
format, so a file exported by someone using the English pages imports unchanged for someone using
the Chinese pages, and a file keeps its meaning when the translations are edited. Only the
messages *about* a file (errors, warnings, summaries) go through gettext.

Cells are written as people read them (unit, domain and district names, the leader's full name,
labels, real Excel dates) and read back leniently (names or codes, labels or codes, several date
spellings). Where a name would not identify its object on the way back in (two units of a district
with one name, two people with one full name, a name containing a list separator), the export
writes the code or username instead, so that **an unchanged export always imports as "no change"**.

The import is all-or-nothing. :func:`read_ledger` parses and checks the whole file and collects
every problem as (row as Excel numbers it, column header, message); only a clean file is applied,
by :func:`import_ledger`, in one transaction, with bulk writes and one audit entry per created or
changed reform.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from reformledger.core.audit import Change, diff, log_actions
from reformledger.org.models import Domain, Unit, UnitKind, User

from . import services
from .models import LedgerImport, Plan, Reform, Status, Tier
from .signals import reforms_changed

logger = logging.getLogger(__name__)

# --- the format ---------------------------------------------------------------------------------

#: Name of the worksheet the export writes and the import prefers (else the first sheet).
SHEET_TITLE = "改革台账"
#: Rows between two progress reports.
PROGRESS_EVERY = 500
#: How many changed rows a preview lists.
PREVIEW_LIMIT = 500


@dataclass(frozen=True)
class Column:
    key: str  # the Reform field (``district`` is derived from the lead unit on save)
    header: str  # fixed Chinese header: part of the file format, not translated
    required: bool = False
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("code", "编号", True, 14),
    Column("title", "名称", True, 36),
    Column("tier", "层级", True, 10),
    Column("source_level", "上级任务来源", False, 12),
    Column("year", "年度", True, 7),
    Column("district", "所属区", True, 10),
    Column("domain", "改革领域", True, 14),
    Column("lead_unit", "牵头单位", True, 18),
    Column("co_units", "配合单位", False, 28),
    Column("responsible_leader", "责任领导", False, 10),
    Column("goals", "改革目标", False, 40),
    Column("measures", "改革举措", False, 40),
    Column("deliverables", "成果形式", False, 24),
    Column("start_date", "开始日期", False, 12),
    Column("due_date", "完成时限", False, 12),
    Column("status", "状态", False, 9),
    Column("progress", "进度(%)", False, 8),
    Column("public_summary", "公开摘要", False, 40),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADER = {c.key: c.header for c in COLUMNS}

#: The ledger's vocabulary: value -> the label written in the file (fixed, see the module doc).
TIER_LABELS = {"upper": "上级任务", "key": "重点改革", "micro": "微改革"}
STATUS_LABELS = {
    "draft": "草稿",
    "proposed": "已提出",
    "approved": "已批准",
    "in_progress": "推进中",
    "completed": "已完成",
    "suspended": "已暂停",
    "terminated": "已终止",
}
SOURCE_LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}

#: Separators accepted between co-units (the export writes 、).
CO_UNIT_SPLIT = re.compile(r"[、,，;；\n\r]+")
CO_UNIT_JOIN = "、"
TEXT_FIELDS = ("title", "goals", "measures", "deliverables", "public_summary")
#: Fields a ledger row sets, in column order (``district`` is implied by the lead unit).
LEDGER_FIELDS = tuple(c.key for c in COLUMNS if c.key != "district")
_FK_FIELDS = {"domain", "lead_unit", "responsible_leader", "plan"}


def _key(text: str) -> str:
    """How vocabulary and headers are compared: NFKC (full-width to half-width), no spaces, casefolded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _vocabulary(labels: dict[str, str]) -> dict[str, str]:
    out = {_key(code): code for code in labels}
    out.update({_key(label): code for code, label in labels.items()})
    return out


TIER_WORDS = _vocabulary(TIER_LABELS)
STATUS_WORDS = _vocabulary(STATUS_LABELS)
SOURCE_LEVEL_WORDS = _vocabulary(SOURCE_LEVEL_LABELS)
HEADER_WORDS = {_key(c.header): c.key for c in COLUMNS}


# --- problems and results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: ``row`` as Excel numbers it (None for the whole file)."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s [%(column)s]: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class LedgerFileError(Exception):
    """The file as a whole cannot be read as a ledger; the message says why, in one sentence."""

    @property
    def message(self) -> str:
        return str(self.args[0])


@dataclass
class ImportResult:
    """What an import found and (unless it was a dry run or had problems) did."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, Any]:
        """JSON for :class:`~reformledger.reforms.models.LedgerImport` ``summary``."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "warnings": self.warnings,
            "changes": self.changes[:PREVIEW_LIMIT],
            "changes_truncated": self.created + self.updated > PREVIEW_LIMIT,
            "applied": self.applied,
        }


Progress = Callable[[int, int], None]


# --- reading cells ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as trimmed text (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _same_text(a: str, b: str) -> bool:
    """Equal once line endings and surrounding spaces are set aside (Excel and browsers differ there)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),
)
#: Plain numbers read as Excel date serials only within 1950-01-01 .. 2099-12-31.
_SERIAL_RANGE = (18264, 73050)


def parse_date(value: Any) -> dt.date | None:
    """A date cell, a date serial, or text as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日.

    Returns None for a blank cell; raises ValueError for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return from_excel(value).date()
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(text):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    raise ValueError(value)


def _number(value: Any) -> float:
    """A numeric cell or text such as ``50``, ``50.0``, ``50%``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("%").strip()
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
        raise ValueError(value)
    return number


def _safe(text: str) -> str:
    """Text a worksheet can hold (XML forbids most control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# --- file checks --------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(settings.LEDGER_MAX_UPLOAD_MB * 1024 * 1024)


def _size_of(source: str | os.PathLike | IO[bytes]) -> int:
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


def check_file(source: str | os.PathLike | IO[bytes]) -> None:
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


def _open_sheet(source: str | os.PathLike | IO[bytes]):
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


# --- lookups ------------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Lookups:
    """Everything a file refers to, loaded once in a few queries (never one per row)."""

    def __init__(self) -> None:
        self.districts: dict[int, Unit] = {}
        self.district_by_code: dict[str, Unit] = {}
        self.districts_by_name: dict[str, list[Unit]] = defaultdict(list)
        self.domains: dict[int, Domain] = {}
        self.domain_by_key: dict[str, Domain] = {}
        self.domains_by_name: dict[str, list[Domain]] = defaultdict(list)
        self.units: dict[int, Unit] = {}
        self.unit_by_code: dict[str, Unit] = {}
        self.units_by_name: dict[tuple[int, str], list[Unit]] = defaultdict(list)
        self.users: dict[int, User] = {}
        self.user_by_username: dict[str, User] = {}
        self.users_by_full_name: dict[str, list[User]] = defaultdict(list)
        self.plans: dict[tuple[int, int], int] = {}
        self.plan_titles: dict[int, str] = {}

    def load_districts_and_domains(self) -> None:
        for unit in Unit.objects.filter(kind=UnitKind.DISTRICT):
            self.districts[unit.pk] = unit
            self.district_by_code[unit.code] = unit
            self.districts_by_name[unit.name.strip()].append(unit)
        for domain in Domain.objects.all():
            self.domains[domain.pk] = domain
            self.domain_by_key[_key(domain.code)] = domain
            self.domains_by_name[_key(domain.name)].append(domain)

    def add_unit(self, unit: Unit) -> None:
        if unit.pk in self.units:
            return
        self.units[unit.pk] = unit
        self.unit_by_code[unit.code] = unit
        district_id = unit.district_id
        if district_id is not None:
            self.units_by_name[(district_id, unit.name.strip())].append(unit)

    def load_units(self, district_ids: set[int], codes: set[str]) -> None:
        """Every unit of the districts named in the file, plus any unit named by code elsewhere."""
        for unit in Unit.objects.filter(district_id__in=district_ids):
            self.add_unit(unit)
        missing = sorted(code for code in codes if code not in self.unit_by_code)
        for chunk in _chunks(missing):
            for unit in Unit.objects.filter(code__in=chunk):
                self.add_unit(unit)

    def add_user(self, user: User) -> None:
        if user.pk in self.users:
            return
        self.users[user.pk] = user
        self.user_by_username[user.username] = user
        if user.full_name.strip():
            self.users_by_full_name[user.full_name.strip()].append(user)

    def load_users(self, names: set[str]) -> None:
        for chunk in _chunks(sorted(names), 450):
            for user in User.objects.filter(Q(username__in=chunk) | Q(full_name__in=chunk)):
                self.add_user(user)

    def load_plans(self, district_ids: set[int]) -> None:
        for plan in Plan.objects.filter(district_id__in=district_ids).only(
            "pk", "district_id", "year", "title"
        ):
            self.plans[(plan.district_id, plan.year)] = plan.pk
            self.plan_titles[plan.pk] = plan.title

    # -- resolution; each returns (object, error message or "") --

    def district(self, token: str) -> tuple[Unit | None, str]:
        if unit := self.district_by_code.get(token):
            return unit, ""
        found = self.districts_by_name.get(token, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Several districts are called %(name)s; write the district's code instead.") % {
                "name": token
            }
        return None, _("There is no district %(name)s.") % {"name": token}

    def domain(self, token: str) -> tuple[Domain | None, str]:
        if domain := self.domain_by_key.get(_key(token)):
            return domain, ""
        found = self.domains_by_name.get(_key(token), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Several domains are called %(name)s; write the domain's code instead.") % {
                "name": token
            }
        return None, _("There is no domain %(name)s.") % {"name": token}

    def unit(self, token: str, district: Unit | None) -> tuple[Unit | None, str]:
        """By code within the district, by name within the district, then by code anywhere."""
        by_code = self.unit_by_code.get(token)
        if district is not None:
            if by_code is not None and by_code.district_id == district.pk:
                return by_code, ""
            found = self.units_by_name.get((district.pk, token), [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, _(
                    "Several units of %(district)s are called %(name)s; write the unit's code instead."
                ) % {
                    "district": district.name,
                    "name": token,
                }
        if by_code is not None:
            return by_code, ""
        if district is None:
            return None, _("There is no unit with the code %(name)s.") % {"name": token}
        return None, _("There is no unit %(name)s in %(district)s.") % {
            "name": token,
            "district": district.name,
        }

    def user(self, token: str) -> tuple[User | None, str]:
        if user := self.user_by_username.get(token):
            return user, ""
        found = self.users_by_full_name.get(token, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _(
                "Several people are called %(name)s; write the username instead (%(usernames)s)."
            ) % {
                "name": token,
                "usernames": ", ".join(sorted(u.username for u in found)),
            }
        return None, _("There is no person with the username or full name %(name)s.") % {"name": token}

    # -- display, for previews --

    def show(self, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return ""
        if name == "tier":
            return TIER_LABELS.get(value, value)
        if name == "status":
            return STATUS_LABELS.get(value, value)
        if name == "source_level":
            return SOURCE_LEVEL_LABELS.get(value, value)
        if name == "domain":
            return str(self.domains.get(value, value))
        if name == "lead_unit":
            return str(self.units.get(value, value))
        if name == "co_units":
            return CO_UNIT_JOIN.join(str(self.units.get(pk, pk)) for pk in value)
        if name == "responsible_leader":
            return str(self.users.get(value, value))
        if name == "plan":
            return self.plan_titles.get(value, str(value))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


# --- reading and checking a file ----------------------------------------------------------------


@dataclass
class LedgerRow:
    """One checked row: the fields it sets (Reform attribute names, snapshot shaped) and its district."""

    number: int
    code: str
    district_id: int
    values: dict[str, Any]


@dataclass
class ParsedLedger:
    rows: list[LedgerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present: frozenset[str] = frozenset()  # ledger fields whose column is in the file
    lookups: _Lookups = field(default_factory=_Lookups)


def _header_map(header: Sequence[Any], parsed: ParsedLedger) -> dict[str, int]:
    """Column key -> index in the row; reports unknown, duplicated and missing columns."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        key = HEADER_WORDS.get(_key(text))
        if key is None:
            unknown.append(text)
        elif key in positions:
            parsed.problems.append(
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
            parsed.problems.append(Problem(1, column.header, _("This required column is missing.")))
    for text in unknown:
        parsed.warnings.append(
            _("The column %(header)s is not part of the ledger and was ignored.") % {"header": text}
        )
    return positions


def read_ledger(source: str | os.PathLike | IO[bytes], *, progress: Progress | None = None) -> ParsedLedger:
    """Parse and check a whole ledger file, collecting every problem; write nothing.

    File-level problems (not an xlsx, too large, empty, no header row) end the check with one
    problem whose row is None. Row problems are all collected.
    """
    parsed = ParsedLedger()
    try:
        check_file(source)
        workbook, sheet = _open_sheet(source)
    except LedgerFileError as exc:
        parsed.problems.append(Problem(None, "", exc.message))
        return parsed
    try:
        raw_rows = _read_rows(sheet, parsed, progress)
    except LedgerFileError as exc:
        parsed.problems = [Problem(None, "", exc.message)]
        return parsed
    except Exception:  # noqa: BLE001 - a damaged sheet fails while streaming
        logger.warning("Ledger sheet could not be read", exc_info=True)
        parsed.problems = [
            Problem(None, "", _("The file could not be read as an Excel workbook; it may be damaged."))
        ]
        return parsed
    finally:
        workbook.close()
    if parsed.problems:  # missing or repeated columns: every row would fail the same way
        return parsed
    _check_rows(raw_rows, parsed)
    return parsed


def _read_rows(sheet, parsed: ParsedLedger, progress: Progress | None) -> list[tuple[int, dict[str, Any]]]:
    total = max(_estimate_rows(sheet) - 1, 0)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or not any(_text(cell) for cell in header):
        if header is None:
            raise LedgerFileError(_("The workbook is empty: its first sheet has no rows."))
        raise LedgerFileError(
            _(
                "The first row holds none of the ledger's column headers (%(headers)s); it must be the header row."
            )
            % {"headers": "、".join(c.header for c in COLUMNS if c.required)}
        )
    positions = _header_map(header, parsed)
    parsed.present = frozenset(key for key in positions if key != "district")
    if progress:
        progress(0, total)
    out: list[tuple[int, dict[str, Any]]] = []
    number = 1
    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] if index < len(values) else None for key, index in positions.items()}
        if any(_text(value) for value in cells.values()):
            out.append((number, cells))
        if progress and (number - 1) % PROGRESS_EVERY == 0:
            progress(number - 1, max(total, number - 1))
    if progress:
        progress(number - 1, number - 1)
    if not out:
        raise LedgerFileError(_("The ledger has no data rows below its header row."))
    return out


def _check_rows(raw_rows: list[tuple[int, dict[str, Any]]], parsed: ParsedLedger) -> None:
    lookups = parsed.lookups
    lookups.load_districts_and_domains()
    # What the file names, so that units and people are loaded in a few queries.
    district_ids: set[int] = set()
    unit_tokens: set[str] = set()
    user_tokens: set[str] = set()
    for _number, cells in raw_rows:
        district, _error = lookups.district(_text(cells.get("district")))
        if district is not None:
            district_ids.add(district.pk)
        unit_tokens.add(_text(cells.get("lead_unit")))
        unit_tokens.update(t.strip() for t in CO_UNIT_SPLIT.split(_text(cells.get("co_units"))))
        user_tokens.add(_text(cells.get("responsible_leader")))
    unit_tokens.discard("")
    user_tokens.discard("")
    lookups.load_units(district_ids, unit_tokens)
    lookups.load_users(user_tokens)
    lookups.load_plans(district_ids)

    seen_codes: dict[str, int] = {}
    for number, cells in raw_rows:
        row = _check_row(number, cells, parsed, seen_codes)
        if row is not None:
            parsed.rows.append(row)


def _check_row(
    number: int, cells: dict[str, Any], parsed: ParsedLedger, seen_codes: dict[str, int]
) -> LedgerRow | None:
    lookups, present = parsed.lookups, parsed.present
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        problems.append(Problem(number, HEADER[key], message))

    def required_text(key: str, max_length: int) -> str:
        text = _text(cells.get(key))
        if not text:
            problem(key, _("This cell must not be empty."))
        elif len(text) > max_length:
            problem(
                key,
                _("At most %(max)d characters are allowed; this has %(length)d.")
                % {"max": max_length, "length": len(text)},
            )
        return text

    code = required_text("code", Reform._meta.get_field("code").max_length)
    if code:
        if code in seen_codes:
            problem(
                "code",
                _("The code %(code)s already appears on row %(row)d.")
                % {"code": code, "row": seen_codes[code]},
            )
        else:
            seen_codes[code] = number
    values["code"] = code
    values["title"] = required_text("title", Reform._meta.get_field("title").max_length)

    tier_text = _text(cells.get("tier"))
    tier = TIER_WORDS.get(_key(tier_text)) if tier_text else None
    if not tier_text:
        problem("tier", _("This cell must not be empty."))
    elif tier is None:
        problem(
            "tier",
            _("Unknown tier %(value)s; write one of %(choices)s.")
            % {"value": tier_text, "choices": "、".join(TIER_LABELS.values())},
        )
    values["tier"] = tier

    level_text = _text(cells.get("source_level"))
    values["source_level"] = ""
    if tier == Tier.UPPER:
        level = SOURCE_LEVEL_WORDS.get(_key(level_text)) if level_text else None
        if not level_text:
            problem(
                "source_level",
                _("An upper-level task needs its source level: %(choices)s.")
                % {"choices": "、".join(SOURCE_LEVEL_LABELS.values())},
            )
        elif level is None:
            problem(
                "source_level",
                _("Unknown source level %(value)s; write one of %(choices)s.")
                % {"value": level_text, "choices": "、".join(SOURCE_LEVEL_LABELS.values())},
            )
        values["source_level"] = level or ""

    year_text = unicodedata.normalize("NFKC", _text(cells.get("year"))).removesuffix("年").strip()
    if not year_text:
        problem("year", _("This cell must not be empty."))
    elif not re.fullmatch(r"\d{4}", year_text) or not 1900 <= int(year_text) <= 2100:
        problem(
            "year",
            _("%(value)s is not a year; write four digits such as 2019.")
            % {"value": _text(cells.get("year"))},
        )
    else:
        values["year"] = int(year_text)

    district = None
    district_text = _text(cells.get("district"))
    if not district_text:
        problem("district", _("This cell must not be empty."))
    else:
        district, error = lookups.district(district_text)
        if error:
            problem("district", error)

    domain_text = _text(cells.get("domain"))
    if not domain_text:
        problem("domain", _("This cell must not be empty."))
    else:
        domain, error = lookups.domain(domain_text)
        if error:
            problem("domain", error)
        else:
            values["domain"] = domain.pk

    lead_text = _text(cells.get("lead_unit"))
    lead = None
    if not lead_text:
        problem("lead_unit", _("This cell must not be empty."))
    elif district is not None:  # units are named within their district: no district, no check
        lead, error = lookups.unit(lead_text, district)
        if error:
            problem("lead_unit", error)
        elif lead.district_id != district.pk:
            other = lookups.districts.get(lead.district_id)
            problem(
                "lead_unit",
                _("The unit %(unit)s belongs to %(other)s, not to %(district)s.")
                % {"unit": lead.name, "other": other.name if other else "—", "district": district.name},
            )
            lead = None
        if lead is not None:
            values["lead_unit"] = lead.pk

    if "co_units" in present and district is not None:
        co_ids: list[int] = []
        for token in CO_UNIT_SPLIT.split(_text(cells.get("co_units"))):
            token = token.strip()
            if not token:
                continue
            unit, error = lookups.unit(token, district)
            if error:
                problem("co_units", error)
            elif unit.district_id != district.pk:
                other = lookups.districts.get(unit.district_id)
                problem(
                    "co_units",
                    _("The unit %(unit)s belongs to %(other)s, not to %(district)s.")
                    % {"unit": unit.name, "other": other.name if other else "—", "district": district.name},
                )
            elif lead is not None and unit.pk == lead.pk:
                problem(
                    "co_units", _("The lead unit %(unit)s cannot also be a co-unit.") % {"unit": unit.name}
                )
            elif unit.pk not in co_ids:
                co_ids.append(unit.pk)
        values["co_units"] = sorted(co_ids)

    if "responsible_leader" in present:
        leader_text = _text(cells.get("responsible_leader"))
        values["responsible_leader"] = None
        if leader_text:
            leader, error = lookups.user(leader_text)
            if error:
                problem("responsible_leader", error)
            else:
                values["responsible_leader"] = leader.pk

    for key in ("goals", "measures", "deliverables", "public_summary"):
        if key in present:
            values[key] = _text(cells.get(key))

    for key in ("start_date", "due_date"):
        if key in present:
            try:
                values[key] = parse_date(cells.get(key))
            except ValueError:
                problem(
                    key,
                    _("%(value)s is not a date; write it as YYYY-MM-DD, for example 2019-06-30.")
                    % {"value": _text(cells.get(key))},
                )
    start, due = values.get("start_date"), values.get("due_date")
    if start and due and due < start:
        problem(
            "due_date",
            _("The due date %(due)s is before the start date %(start)s.")
            % {"due": due.isoformat(), "start": start.isoformat()},
        )

    if "status" in present and (status_text := _text(cells.get("status"))):
        status = STATUS_WORDS.get(_key(status_text))
        if status is None:
            problem(
                "status",
                _("Unknown status %(value)s; write one of %(choices)s.")
                % {"value": status_text, "choices": "、".join(STATUS_LABELS.values())},
            )
        else:
            values["status"] = status

    if "progress" in present and (progress_text := _text(cells.get("progress"))):
        try:
            number_value = _number(cells.get("progress"))
        except ValueError:
            problem(
                "progress",
                _("%(value)s is not a number; write the progress as a whole number from 0 to 100.")
                % {"value": progress_text},
            )
        else:
            if not 0 <= number_value <= 100:
                problem(
                    "progress",
                    _("The progress must be from 0 to 100; this is %(value)s.") % {"value": progress_text},
                )
            elif 0 < number_value < 1:
                problem(
                    "progress",
                    _("Write the progress as a percentage from 0 to 100 (50, not 0.5); this is %(value)s.")
                    % {"value": progress_text},
                )
            else:
                values["progress"] = int(number_value + 0.5)  # half up, not to even

    if problems:
        parsed.problems.extend(problems)
        return None
    return LedgerRow(number=number, code=code, district_id=district.pk, values=values)


# --- planning and applying ----------------------------------------------------------------------


@dataclass
class _Planned:
    row: LedgerRow
    reform: Reform
    is_new: bool
    changed: dict[str, list[Any]]  # {field: [old, new]} as the preview shows them
    co_units: list[Unit] | None  # the new co-units when they change (or for a new reform)


def _completion_problem(number: int, merged: dict[str, Any], values: dict[str, Any]) -> Problem | None:
    """A completed reform is at 100%: the same rule as the services'."""
    if not services.progress_fits_status(merged["status"], merged["progress"]):
        header = HEADER["progress" if "progress" in values else "status"]
        return Problem(
            number, header, _("A completed reform is at 100%%; this row says %(progress)s%%.") % {"progress": merged["progress"]}
        )
    return None


def _defaults() -> dict[str, Any]:
    return {
        "source_level": "",
        "co_units": [],
        "responsible_leader": None,
        "goals": "",
        "measures": "",
        "deliverables": "",
        "start_date": None,
        "due_date": None,
        "status": Status.DRAFT,
        "progress": 0,
        "public_summary": "",
    }


def _attname(name: str) -> str:
    return f"{name}_id" if name in _FK_FIELDS else name


def _existing(codes: list[str], lookups: _Lookups, *, lock: bool) -> dict[str, Reform]:
    found: dict[str, Reform] = {}
    for chunk in _chunks(codes):
        qs = Reform.objects.filter(code__in=chunk).select_related("lead_unit", "responsible_leader", "plan")
        if lock:
            qs = qs.select_for_update(of=("self",))
        reforms = list(qs)
        through = Reform.co_units.through.objects.filter(
            reform_id__in=[r.pk for r in reforms]
        ).select_related("unit")
        co_units: dict[int, list[Unit]] = defaultdict(list)
        for link in through:
            co_units[link.reform_id].append(link.unit)
            lookups.add_unit(link.unit)
        for reform in reforms:
            reform._prefetched_objects_cache = {"co_units": co_units.get(reform.pk, [])}
            lookups.add_unit(reform.lead_unit)
            if reform.responsible_leader is not None:
                lookups.add_user(reform.responsible_leader)
            if reform.plan is not None:
                lookups.plan_titles[reform.plan.pk] = reform.plan.title
            found[reform.code] = reform
    return found


def plan_import(parsed: ParsedLedger, *, lock: bool = False) -> tuple[list[_Planned], list[Problem], int]:
    """Compare checked rows with the catalogue: what to create, what to change (field by field).

    Returns (planned creates and updates in row order, problems that only show against the
    stored values, number of unchanged rows). Nothing is written; ``lock`` row-locks the matched
    reforms (call it inside the applying transaction).
    """
    lookups = parsed.lookups
    existing = _existing([row.code for row in parsed.rows], lookups, lock=lock)
    planned: list[_Planned] = []
    problems: list[Problem] = []
    unchanged = 0
    named_leaders = {row.values.get("responsible_leader") for row in parsed.rows} - {None}
    may_be_responsible = services.responsible_people(named_leaders) if named_leaders else set()

    def leader_problem(row: LedgerRow, leader_id: int | None) -> Problem | None:
        """The services' rule, for a leader the row sets (a leader already on the reform stays)."""
        if leader_id is None or leader_id in may_be_responsible:
            return None
        return Problem(
            row.number,
            HEADER["responsible_leader"],
            _("The responsible leader must be an active district leader or unit head."),
        )

    for row in parsed.rows:
        reform = existing.get(row.code)
        values = dict(row.values)
        if reform is None:
            values = {**_defaults(), **values}
            values["plan"] = lookups.plans.get((row.district_id, values["year"]))
            new_problems = [
                p
                for p in (_completion_problem(row.number, values, values), leader_problem(row, values["responsible_leader"]))
                if p
            ]
            if new_problems:
                problems.extend(new_problems)
                continue
            new = Reform(district_id=row.district_id)
            for name, value in values.items():
                if name != "co_units":
                    setattr(new, _attname(name), value)
            co_units = [lookups.units[pk] for pk in values["co_units"]]
            planned.append(_Planned(row, new, True, {}, co_units))
            continue
        before = services.snapshot(reform)
        for name in TEXT_FIELDS:
            if name in values and _same_text(values[name], before[name] or ""):
                values[name] = before[name]
        if values["year"] != before["year"] or row.district_id != reform.district_id:
            values["plan"] = lookups.plans.get((row.district_id, values["year"]))
        changed = {name: [before[name], value] for name, value in values.items() if before[name] != value}
        # Checks against the values the file leaves as they are.
        merged = {**before, **values}
        if merged["start_date"] and merged["due_date"] and merged["due_date"] < merged["start_date"]:
            header = HEADER["due_date" if "due_date" in values else "start_date"]
            problems.append(
                Problem(
                    row.number,
                    header,
                    _("The due date %(due)s is before the start date %(start)s.")
                    % {"due": merged["due_date"].isoformat(), "start": merged["start_date"].isoformat()},
                )
            )
        if problem := _completion_problem(row.number, merged, values):
            problems.append(problem)
        if "responsible_leader" in changed and (problem := leader_problem(row, changed["responsible_leader"][1])):
            problems.append(problem)
        if merged["lead_unit"] in merged["co_units"]:
            problems.append(
                Problem(
                    row.number,
                    HEADER["lead_unit"],
                    _("The lead unit %(unit)s cannot also be a co-unit.")
                    % {"unit": lookups.show("lead_unit", merged["lead_unit"])},
                )
            )
        if not changed:
            unchanged += 1
            continue
        for name, (_old, value) in changed.items():
            if name != "co_units":
                setattr(reform, _attname(name), value)
        if "lead_unit" in changed:
            reform.district_id = row.district_id
        co_units = [lookups.units[pk] for pk in changed["co_units"][1]] if "co_units" in changed else None
        planned.append(_Planned(row, reform, False, changed, co_units))
    return planned, problems, unchanged


def _preview(
    planned: Iterable[_Planned], lookups: _Lookups, limit: int = PREVIEW_LIMIT
) -> list[dict[str, Any]]:
    out = []
    for item in planned:
        if len(out) >= limit:
            break
        fields = [
            {"field": name, "header": HEADER[name], "old": lookups.show(name, old), "new": lookups.show(name, new)}
            for name, (old, new) in item.changed.items()
            if name in HEADER
        ]
        out.append(
            {
                "row": item.row.number,
                "code": item.row.code,
                "title": item.reform.title,
                "action": "create" if item.is_new else "update",
                "fields": fields,
            }
        )
    return out


def _apply(planned: list[_Planned], actor) -> None:
    """Write the plan with bulk queries and record one audit entry per reform."""
    now = timezone.now()
    through = Reform.co_units.through
    new_items = [item for item in planned if item.is_new]
    Reform.objects.bulk_create([item.reform for item in new_items], batch_size=500)

    # Only the fields that differ are written: rows are grouped by the set of fields they change.
    by_fields: dict[tuple[str, ...], list[Reform]] = defaultdict(list)
    befores: dict[int, dict[str, Any]] = {}
    for item in planned:
        if item.is_new:
            continue
        reform = item.reform
        names = {name for name in item.changed if name != "co_units"}
        if "lead_unit" in item.changed:
            names.add("district")
        reform.updated_at = now
        by_fields[(*sorted(names), "updated_at")].append(reform)
        befores[reform.pk] = {name: old for name, (old, _new) in item.changed.items()}
    for names, reforms in by_fields.items():
        Reform.objects.bulk_update(reforms, names, batch_size=200)

    relinked = [item.reform.pk for item in planned if not item.is_new and item.co_units is not None]
    for chunk in _chunks(relinked):
        through.objects.filter(reform_id__in=chunk).delete()
    links = [
        through(reform_id=item.reform.pk, unit_id=unit.pk)
        for item in planned
        if item.co_units is not None
        for unit in item.co_units
    ]
    through.objects.bulk_create(links, batch_size=1000)

    changes = []
    for item in planned:
        reform = item.reform
        if item.co_units is not None:
            reform._prefetched_objects_cache = {"co_units": item.co_units}
        after = services.snapshot(reform)
        if item.is_new:
            changes.append(Change("reform.import.create", reform, diff({}, after)))
        else:
            before = {**after, **befores[reform.pk]}
            changes.append(Change("reform.import.update", reform, diff(before, after)))
    log_actions(actor, changes)
    # After the import's own entries: what others do about the moved reforms follows them.
    watched = {"status", "start_date", "due_date", "lead_unit"}
    moved = [item.reform.pk for item in planned if not item.is_new and watched & set(item.changed)]
    if moved:
        reforms_changed.send(sender=Reform, reform_ids=moved)


def may_import(user) -> bool:
    return user is not None and user.has_perm("reforms.import_ledger")


def import_ledger(
    *,
    user,
    source: str | os.PathLike | IO[bytes],
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check a ledger file and, unless ``dry_run``, apply it in one transaction.

    ``user`` is the person importing (who needs ``reforms.import_ledger``), or None for the
    operator of the command line, who is trusted like any ``manage.py`` user and recorded in the
    audit trail as the system. Any problem means nothing is written.

    The status column is applied as written, not walked through the lifecycle's transitions: the
    office's ledger is the authoritative record it keeps, and only the office may import it.
    """
    if user is not None and not may_import(user):
        raise PermissionDenied(_("Only the reform office may import the ledger."))
    parsed = read_ledger(source, progress=progress)
    result = ImportResult(
        problems=list(parsed.problems), warnings=list(parsed.warnings), rows=len(parsed.rows)
    )
    if result.problems:
        return result
    # A dry run only reads: no transaction, so that on SQLite (BEGIN IMMEDIATE) it takes no write lock.
    with contextlib.nullcontext() if dry_run else transaction.atomic():
        planned, problems, unchanged = plan_import(parsed, lock=not dry_run)
        if problems:
            result.problems = problems
            return result
        result.created = sum(1 for item in planned if item.is_new)
        result.updated = len(planned) - result.created
        result.unchanged = unchanged
        result.changes = _preview(planned, parsed.lookups)
        if not dry_run and planned:
            _apply(planned, user)
            result.applied = True
    return result


# --- the office's pages: upload, check in the background, confirm, apply -------------------------


@transaction.atomic
def start_import(*, user, uploaded_file, language: str) -> LedgerImport:
    """Keep an uploaded ledger and queue its check; the file's form is checked at once.

    Raises :class:`LedgerFileError` (one clear message) for a file that is empty, too large or
    not an xlsx workbook, so that the upload form can say so straight away.
    """
    from .tasks import check_ledger_import

    if not may_import(user):
        raise PermissionDenied(_("Only the reform office may import the ledger."))
    check_file(uploaded_file)
    name = os.path.basename(uploaded_file.name or "ledger.xlsx")[:255]
    item = LedgerImport.objects.create(uploaded_by=user, file=uploaded_file, filename=name)
    transaction.on_commit(lambda: check_ledger_import.enqueue(item.pk, language))
    return item


@transaction.atomic
def confirm_import(*, user, ledger_import: LedgerImport, language: str) -> LedgerImport:
    """Queue the apply of a checked ledger; the apply checks the file again against the catalogue
    as it is then, and writes nothing if anything has become wrong in between."""
    from .tasks import apply_ledger_import

    if not may_import(user):
        raise PermissionDenied(_("Only the reform office may import the ledger."))
    item = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    if item.status != LedgerImport.ImportStatus.READY:
        raise ValidationError(
            _("This ledger is not ready to apply (it is %(status)s).") % {"status": item.get_status_display()}
        )
    item.status = LedgerImport.ImportStatus.APPLYING
    item.rows_done = 0
    item.save(update_fields=["status", "rows_done", "updated_at"])
    transaction.on_commit(lambda: apply_ledger_import.enqueue(item.pk, user.pk, language))
    return item


# --- export -------------------------------------------------------------------------------------


class _ExportNames:
    """How each object is written so that the import finds it again: a name, or the code where
    a name would be ambiguous."""

    def __init__(self, reforms: QuerySet[Reform]) -> None:
        district_ids = reforms.order_by().values("district_id")
        rows = list(
            Unit.objects.filter(district_id__in=district_ids).values_list("pk", "code", "name", "district_id")
        )
        names: dict[tuple[int, str], int] = defaultdict(int)
        codes: dict[int, set[str]] = defaultdict(set)
        for _pk, code, name, district_id in rows:
            names[(district_id, name.strip())] += 1
            codes[district_id].add(code)
        # Units written by name: the name is unique in its district, is no unit's code there, and
        # survives the trip (no surrounding spaces, no list separator inside).
        self.unit_by_name = {
            pk
            for pk, _code, name, district_id in rows
            if name
            and name == name.strip()
            and names[(district_id, name)] == 1
            and name not in codes[district_id]
            and not CO_UNIT_SPLIT.search(name)
        }
        districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("pk", "code", "name"))
        district_names = defaultdict(int)
        for _pk, _code, name in districts:
            district_names[name.strip()] += 1
        district_codes = {code for _pk, code, _name in districts}
        self.districts = {
            pk: name
            if name and name == name.strip() and district_names[name] == 1 and name not in district_codes
            else code
            for pk, code, name in districts
        }
        domains = list(Domain.objects.values_list("pk", "code", "name"))
        domain_names = defaultdict(int)
        for _pk, _code, name in domains:
            domain_names[_key(name)] += 1
        domain_codes = {_key(code) for _pk, code, _name in domains}
        self.domains = {
            pk: name if name and domain_names[_key(name)] == 1 and _key(name) not in domain_codes else code
            for pk, code, name in domains
        }
        leader_ids = reforms.order_by().exclude(responsible_leader=None).values("responsible_leader_id")
        leader_names = User.objects.filter(pk__in=leader_ids).exclude(full_name="").values("full_name")
        people = list(
            User.objects.filter(
                Q(pk__in=leader_ids) | Q(full_name__in=leader_names) | Q(username__in=leader_names)
            ).values_list("pk", "username", "full_name")
        )
        full_names = defaultdict(int)
        for _pk, _username, full_name in people:
            full_names[full_name] += 1
        usernames = {username: pk for pk, username, _full in people}
        self.leaders = {
            pk: full_name
            if full_name
            and full_name == full_name.strip()
            and full_names[full_name] == 1
            and usernames.get(full_name, pk) == pk
            else username
            for pk, username, full_name in people
        }

    def unit(self, unit: Unit, district_id: int) -> str:
        in_district = unit.district_id == district_id
        return unit.name if in_district and unit.pk in self.unit_by_name else unit.code


def ledger_cells(reform: Reform, names: _ExportNames) -> list[Any]:
    """One reform as the ledger writes it, in column order."""
    values = {
        "code": reform.code,
        "title": reform.title,
        "tier": TIER_LABELS.get(reform.tier, reform.tier),
        "source_level": SOURCE_LEVEL_LABELS.get(reform.source_level, reform.source_level),
        "year": reform.year,
        "district": names.districts.get(reform.district_id, ""),
        "domain": names.domains.get(reform.domain_id, ""),
        "lead_unit": names.unit(reform.lead_unit, reform.district_id),
        "co_units": CO_UNIT_JOIN.join(names.unit(u, reform.district_id) for u in reform.co_units.all()),
        "responsible_leader": names.leaders.get(reform.responsible_leader_id, "")
        if reform.responsible_leader_id
        else "",
        "goals": reform.goals,
        "measures": reform.measures,
        "deliverables": reform.deliverables,
        "start_date": reform.start_date,
        "due_date": reform.due_date,
        "status": STATUS_LABELS.get(reform.status, reform.status),
        "progress": reform.progress,
        "public_summary": reform.public_summary,
    }
    return [values[column.key] for column in COLUMNS]


def ledger_queryset(reforms: QuerySet[Reform]) -> QuerySet[Reform]:
    """What the export reads, joined and prefetched: a fixed number of queries per 2,000 rows."""
    return reforms.select_related("lead_unit").prefetch_related("co_units")


def write_ledger(reforms: QuerySet[Reform], out: str | os.PathLike | IO[bytes]) -> int:
    """Write ``reforms`` (any queryset) as a ledger workbook to ``out``; returns the row count.

    Write-only mode keeps memory flat; rows are read 2,000 at a time.
    """
    names = _ExportNames(reforms)
    workbook = Workbook(write_only=True)
    workbook.properties.title = SHEET_TITLE
    workbook.properties.creator = "Reform Ledger"
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        header.append(cell)
    sheet.append(header)
    count = 0
    for reform in ledger_queryset(reforms).iterator(chunk_size=2000):
        row = []
        for value in ledger_cells(reform, names):
            cell = WriteOnlyCell(sheet, _safe(value) if isinstance(value, str) else value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            row.append(cell)
        sheet.append(row)
        count += 1
    workbook.save(out)
    return count


def export_filename(today: dt.date | None = None) -> str:
    return f"{SHEET_TITLE}-{(today or timezone.localdate()).strftime('%Y%m%d')}.xlsx"


# --- a large sample ledger, for the speed test and bench/ ---------------------------------------


def write_sample_ledger(
    out: str | os.PathLike | IO[bytes], *, district: Unit, rows: int = 10_000, code_prefix: str = "LG"
) -> int:
    """Write a realistic ledger of ``rows`` new reforms for ``district`` (deterministic).

    Units and the leader are written by code and username, mixed with names, dates as real
    dates and as text, as offices' own spreadsheets do.
    """
    units = list(Unit.objects.filter(district=district).exclude(kind=UnitKind.DISTRICT).order_by("pk"))
    if len(units) < 3:
        raise ValueError("the district needs at least three units")
    domains = list(Domain.objects.order_by("sort_order"))
    leader = User.objects.filter(memberships__role="leader").order_by("pk").first()
    tiers = ["micro"] * 8 + ["key", "upper"]
    statuses = list(STATUS_LABELS.values())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([c.header for c in COLUMNS])
    for i in range(rows):
        tier = tiers[i % len(tiers)]
        lead = units[i % len(units)]
        co = [units[(i + 1) % len(units)], units[(i + 2) % len(units)]]
        year = 2014 + i % 5
        start = dt.date(year, 1 + i % 12, 1)
        due = dt.date(year + 1, 1 + i % 12, 1)
        status = statuses[i % len(statuses)]
        sheet.append(
            [
                f"{code_prefix}-{i:06d}",
                f"第{i}项改革：{domains[i % len(domains)].name}",
                TIER_LABELS[tier],
                "省级" if tier == "upper" else "",
                year,
                district.name if i % 2 else district.code,
                domains[i % len(domains)].name,
                lead.name if i % 3 and len(units) == len({u.name for u in units}) else lead.code,
                CO_UNIT_JOIN.join(u.code for u in co if u.pk != lead.pk),
                (leader.username if leader else ""),
                "目标：" + "提升服务效率，" * 5,
                "举措：" + "简化流程，" * 5,
                "制度文件",
                start if i % 2 else start.strftime("%Y/%m/%d").replace("/0", "/"),
                due if i % 2 else f"{due.year}年{due.month}月{due.day}日",
                status,
                100 if status == "已完成" else i % 100,
                "公开摘要" * 3,
            ]
        )
    workbook.save(out)
    return rows


__all__ = [
    "COLUMNS",
    "HEADER",
    "SHEET_TITLE",
    "SOURCE_LEVEL_LABELS",
    "STATUS_LABELS",
    "TIER_LABELS",
    "Column",
    "ImportResult",
    "LedgerFileError",
    "Problem",
    "check_file",
    "confirm_import",
    "export_filename",
    "import_ledger",
    "ledger_cells",
    "may_import",
    "parse_date",
    "plan_import",
    "read_ledger",
    "start_import",
    "write_ledger",
    "write_sample_ledger",
]
