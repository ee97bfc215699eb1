"""Reading and checking a whole ledger file: one reader per column, run over every row.

:func:`read_ledger` opens the file (:mod:`.workbook`), loads what the rows name in a few queries
(:mod:`.lookups`) and runs each row through :data:`READERS`, the table of column readers, in
column order. A reader reads its cell, records the value the row sets (Reform field names,
shaped as :func:`~reformledger.reforms.services.snapshot`) or a problem naming the row and the
column. Every problem is collected; nothing is written.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db.models import CharField
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reformledger.org.models import Unit

from ..models import Reform, Tier
from ..services import ReformSnapshot
from .cells import Formula, as_number, as_text, parse_date
from .files import open_table
from .format import (
    CO_UNIT_SPLIT,
    HEADER,
    SOURCE_LEVEL_LABELS,
    SOURCE_LEVEL_WORDS,
    STATUS_LABELS,
    STATUS_WORDS,
    TIER_LABELS,
    TIER_WORDS,
    LedgerFileError,
    Problem,
    Progress,
    match_key,
)
from .lookups import Lookups
from .versions import is_version
from .workbook import RawRow, Source, check_file, read_rows

logger = logging.getLogger(__name__)


@dataclass
class LedgerRow:
    """One checked row: the fields it sets (Reform attribute names, snapshot shaped) and its district."""

    number: int
    code: str
    district_id: int
    values: ReformSnapshot
    #: The version of the reform the row was exported from (:mod:`.versions`); "" when the row
    #: has none (a ledger kept outside Reform Ledger, a new row added to an export).
    version: str = ""


@dataclass
class ParsedLedger:
    rows: list[LedgerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present: frozenset[str] = frozenset()  # ledger fields whose column is in the file
    lookups: Lookups = field(default_factory=Lookups)
    #: Problems found past ``LEDGER_MAX_PROBLEMS``: counted, not kept.
    problems_not_shown: int = 0

    def add_problems(self, problems: list[Problem]) -> None:
        """Keep problems up to ``LEDGER_MAX_PROBLEMS``; count the rest."""
        room = max(settings.LEDGER_MAX_PROBLEMS - len(self.problems), 0)
        self.problems.extend(problems[:room])
        self.problems_not_shown += max(len(problems) - room, 0)


def read_ledger(source: Source, *, progress: Progress | None = None) -> ParsedLedger:
    """Parse and check a whole ledger file, collecting every problem; write nothing.

    File-level problems (not an xlsx, too large, empty, no header row) end the check with one
    problem whose row is None. Row problems are all collected.
    """
    parsed = ParsedLedger()
    try:
        kind = check_file(source)
        table = open_table(source, kind)
    except LedgerFileError as exc:
        parsed.problems.append(Problem(None, "", exc.message))
        return parsed
    try:
        parsed.present, raw_rows = read_rows(
            table, problems=parsed.problems, warnings=parsed.warnings, progress=progress
        )
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
        table.close()
    if parsed.problems:  # missing or repeated columns: every row would fail the same way
        return parsed
    _check_rows(raw_rows, parsed)
    return parsed


def _load_lookups(raw_rows: list[RawRow], lookups: Lookups) -> None:
    """What the file names, so that units and people are loaded in a few queries."""
    lookups.load_districts_and_domains()
    district_ids: set[int] = set()
    unit_tokens: set[str] = set()
    user_tokens: set[str] = set()
    for _number, cells in raw_rows:
        district, _error = lookups.district(as_text(cells.get("district")))
        if district is not None:
            district_ids.add(district.pk)
        unit_tokens.add(as_text(cells.get("lead_unit")))
        unit_tokens.update(t.strip() for t in CO_UNIT_SPLIT.split(as_text(cells.get("co_units"))))
        user_tokens.add(as_text(cells.get("responsible_leader")))
    unit_tokens.discard("")
    user_tokens.discard("")
    lookups.load_units(district_ids, unit_tokens)
    lookups.load_users(user_tokens)
    lookups.load_plans(district_ids)


def _check_rows(raw_rows: list[RawRow], parsed: ParsedLedger) -> None:
    _load_lookups(raw_rows, parsed.lookups)
    seen_codes: dict[str, int] = {}
    for number, cells in raw_rows:
        row = _check_row(number, cells, parsed, seen_codes)
        if row is not None:
            parsed.rows.append(row)


def _check_row(
    number: int, cells: dict[str, Any], parsed: ParsedLedger, seen_codes: dict[str, int]
) -> LedgerRow | None:
    """Run the row through every column's reader; the row, or None when it has problems."""
    formulas = {key: value for key, value in cells.items() if isinstance(value, Formula)}
    row = _Row(number, {key: None if key in formulas else value for key, value in cells.items()}, parsed.lookups, seen_codes)
    for key, reader in READERS.items():
        if not reader.optional or key in parsed.present:
            reader.read(row, key)
    if formulas:  # the formula is the problem of its cell, not what reading it as blank says
        headers = {HEADER[key] for key in formulas}
        row.problems = [_formula_problem(number, key, formula) for key, formula in formulas.items()] + [
            problem for problem in row.problems if problem.column not in headers
        ]
    if row.problems or row.district is None:
        parsed.add_problems(row.problems)
        return None
    values = cast(ReformSnapshot, row.values)
    return LedgerRow(
        number=number, code=row.code, district_id=row.district.pk, values=values, version=row.version
    )


def _formula_problem(number: int, key: str, formula: Formula) -> Problem:
    return Problem(
        number,
        HEADER[key],
        _("The cell %(cell)s holds a formula (%(formula)s); the ledger takes values only: write the value instead.")
        % {"cell": formula.cell, "formula": formula.text[:60]},
    )


# --- the column readers ---------------------------------------------------------------------------


@dataclass
class _Row:
    """One row being checked: its cells, the values read so far, and what is wrong with it."""

    number: int
    cells: dict[str, Any]
    lookups: Lookups
    seen_codes: dict[str, int]  # code -> the row that has it, across the file
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    code: str = ""
    version: str = ""
    district: Unit | None = None
    lead: Unit | None = None

    def text(self, key: str) -> str:
        return as_text(self.cells.get(key))

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.number, HEADER[key], message))

    def required_text(self, key: str) -> str:
        """The cell's text, which must be there and fit the field."""
        text = self.text(key)
        max_length = cast(int, cast(CharField, Reform._meta.get_field(key)).max_length)
        if not text:
            self.problem(key, _("This cell must not be empty."))
        elif len(text) > max_length:
            self.problem(
                key,
                _("At most %(max)d characters are allowed; this has %(length)d.")
                % {"max": max_length, "length": len(text)},
            )
        return text

    def belongs(self, key: str, unit: Unit, district: Unit) -> bool:
        """Whether ``unit`` is one of ``district``'s; a problem on ``key`` when it is not."""
        if unit.district_id == district.pk:
            return True
        other = self.lookups.districts.get(unit.district_id) if unit.district_id is not None else None
        self.problem(
            key,
            _("The unit %(unit)s belongs to %(other)s, not to %(district)s.")
            % {"unit": unit.name, "other": other.name if other else "—", "district": district.name},
        )
        return False


Reader = Callable[[_Row, str], None]


@dataclass(frozen=True)
class ColumnReader:
    read: Reader
    #: Read only when the file has the column (a missing column leaves the field as it is).
    optional: bool = False


#: Column key -> its reader, in the order the readers run (the order problems are listed in).
READERS: dict[str, ColumnReader] = {}


def reads(*keys: str, optional: bool = False) -> Callable[[Reader], Reader]:
    """Register the decorated function as the reader of the columns ``keys``."""

    def register(read: Reader) -> Reader:
        for key in keys:
            READERS[key] = ColumnReader(read, optional)
        return read

    return register


def _choices(labels: dict[str, str]) -> str:
    return "、".join(labels.values())


@reads("code")
def _read_code(row: _Row, key: str) -> None:
    code = row.required_text(key)
    if code:
        if code in row.seen_codes:
            row.problem(
                key,
                _("The code %(code)s already appears on row %(row)d.") % {"code": code, "row": row.seen_codes[code]},
            )
        else:
            row.seen_codes[code] = row.number
    row.code = row.values[key] = code


@reads("title")
def _read_title(row: _Row, key: str) -> None:
    row.values[key] = row.required_text(key)


@reads("tier")
def _read_tier(row: _Row, key: str) -> None:
    text = row.text(key)
    tier = TIER_WORDS.get(match_key(text)) if text else None
    if not text:
        row.problem(key, _("This cell must not be empty."))
    elif tier is None:
        row.problem(
            key,
            _("Unknown tier %(value)s; write one of %(choices)s.") % {"value": text, "choices": _choices(TIER_LABELS)},
        )
    row.values[key] = tier


@reads("source_level")
def _read_source_level(row: _Row, key: str) -> None:
    """Only upper-level tasks have one (and must); other tiers have none, whatever the cell says."""
    row.values[key] = ""
    if row.values["tier"] != Tier.UPPER:
        return
    text = row.text(key)
    level = SOURCE_LEVEL_WORDS.get(match_key(text)) if text else None
    if not text:
        row.problem(
            key,
            _("An upper-level task needs its source level: %(choices)s.") % {"choices": _choices(SOURCE_LEVEL_LABELS)},
        )
    elif level is None:
        row.problem(
            key,
            _("Unknown source level %(value)s; write one of %(choices)s.")
            % {"value": text, "choices": _choices(SOURCE_LEVEL_LABELS)},
        )
    row.values[key] = level or ""


@reads("year")
def _read_year(row: _Row, key: str) -> None:
    text = unicodedata.normalize("NFKC", row.text(key)).removesuffix("年").strip()
    if not text:
        row.problem(key, _("This cell must not be empty."))
    elif not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        row.problem(key, _("%(value)s is not a year; write four digits such as 2019.") % {"value": row.text(key)})
    else:
        row.values[key] = int(text)


@reads("district")
def _read_district(row: _Row, key: str) -> None:
    """The district sets no field (the lead unit decides it) but names the units of the row."""
    text = row.text(key)
    if not text:
        row.problem(key, _("This cell must not be empty."))
        return
    row.district, error = row.lookups.district(text)
    if error:
        row.problem(key, error)


@reads("domain")
def _read_domain(row: _Row, key: str) -> None:
    text = row.text(key)
    if not text:
        row.problem(key, _("This cell must not be empty."))
        return
    domain, error = row.lookups.domain(text)
    if domain is None:
        row.problem(key, error)
    else:
        row.values[key] = domain.pk


@reads("lead_unit")
def _read_lead_unit(row: _Row, key: str) -> None:
    text = row.text(key)
    if not text:
        row.problem(key, _("This cell must not be empty."))
        return
    district = row.district
    if district is None:  # units are named within their district: no district, no check
        return
    lead, error = row.lookups.unit(text, district)
    if lead is None:
        row.problem(key, error)
    elif row.belongs(key, lead, district):
        row.lead = lead
        row.values[key] = lead.pk


@reads("co_units", optional=True)
def _read_co_units(row: _Row, key: str) -> None:
    district = row.district
    if district is None:
        return
    co_ids: list[int] = []
    for token in CO_UNIT_SPLIT.split(row.text(key)):
        token = token.strip()
        if not token:
            continue
        unit, error = row.lookups.unit(token, district)
        if unit is None:
            row.problem(key, error)
        elif not row.belongs(key, unit, district):
            continue
        elif row.lead is not None and unit.pk == row.lead.pk:
            row.problem(key, _("The lead unit %(unit)s cannot also be a co-unit.") % {"unit": unit.name})
        elif unit.pk not in co_ids:
            co_ids.append(unit.pk)
    row.values[key] = sorted(co_ids)


@reads("responsible_leader", optional=True)
def _read_responsible_leader(row: _Row, key: str) -> None:
    text = row.text(key)
    row.values[key] = None
    if text:
        leader, error = row.lookups.user(text)
        if leader is None:
            row.problem(key, error)
        else:
            row.values[key] = leader.pk


@reads("goals", "measures", "deliverables", "public_summary", optional=True)
def _read_free_text(row: _Row, key: str) -> None:
    row.values[key] = row.text(key)


@reads("start_date", optional=True)
def _read_date(row: _Row, key: str) -> None:
    try:
        row.values[key] = parse_date(row.cells.get(key))
    except ValueError:
        row.problem(
            key,
            _("%(value)s is not a date; write it as YYYY-MM-DD, for example 2019-06-30.") % {"value": row.text(key)},
        )


@reads("due_date", optional=True)
def _read_due_date(row: _Row, key: str) -> None:
    _read_date(row, key)
    start, due = row.values.get("start_date"), row.values.get(key)
    if start and due and due < start:
        row.problem(
            key,
            _("The due date %(due)s is before the start date %(start)s.")
            % {"due": date_format(due, "DATE_FORMAT"), "start": date_format(start, "DATE_FORMAT")},
        )


@reads("status", optional=True)
def _read_status(row: _Row, key: str) -> None:
    """Set as written; a blank cell keeps the status (draft for a new reform)."""
    text = row.text(key)
    if not text:
        return
    status = STATUS_WORDS.get(match_key(text))
    if status is None:
        row.problem(
            key,
            _("Unknown status %(value)s; write one of %(choices)s.")
            % {"value": text, "choices": _choices(STATUS_LABELS)},
        )
    else:
        row.values[key] = status


@reads("progress", optional=True)
def _read_progress(row: _Row, key: str) -> None:
    """A whole percentage, rounded half up; a blank cell keeps the progress (0 for a new reform)."""
    text = row.text(key)
    if not text:
        return
    try:
        number = as_number(row.cells.get(key))
    except ValueError:
        row.problem(
            key,
            _("%(value)s is not a number; write the progress as a whole number from 0 to 100.") % {"value": text},
        )
        return
    if not 0 <= number <= 100:
        row.problem(key, _("The progress must be from 0 to 100; this is %(value)s.") % {"value": text})
    elif 0 < number < 1:
        row.problem(
            key,
            _("Write the progress as a percentage from 0 to 100 (50, not 0.5); this is %(value)s.") % {"value": text},
        )
    else:
        row.values[key] = int(number + 0.5)  # half up, not to even


@reads("version", optional=True)
def _read_version(row: _Row, key: str) -> None:
    """Which state of the reform the row was exported from; blank: none (the rules still apply)."""
    text = row.text(key)
    if text and not is_version(text):
        row.problem(
            key,
            _(
                "%(value)s is not a version this system wrote; leave the cell as the export wrote it, "
                "or empty it."
            )
            % {"value": text},
        )
    row.version = text
