"""Planning an import: compare the checked rows with the catalogue — what will be created, what
will change field by field (the preview), which rows conflict with newer edits (their reform
changed since the export they come from), and the problems that only show against stored values
(the pages' rules for reforms already here: :mod:`.existing`). Nothing is written here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reformledger.core.bulk import chunks
from reformledger.org.models import Unit

from .. import services
from ..models import Reform, Status
from . import existing as existing_rules
from .cells import same_text
from .checks import LedgerRow, ParsedLedger
from .existing import DATE_FIELDS
from .format import HEADER, PREVIEW_LIMIT, TEXT_FIELDS, Problem
from .lookups import Lookups
from .versions import version_of

_FK_FIELDS = {"domain", "lead_unit", "responsible_leader", "plan"}


@dataclass
class Planned:
    row: LedgerRow
    reform: Reform
    is_new: bool
    changed: dict[str, list[Any]]  # {field: [old, new]} as the preview shows them
    co_units: list[Unit] | None  # the new co-units when they change (or for a new reform)
    #: For a reform already here: its version now, and what would be wrong with applying the row.
    version_now: str = ""
    problems: list[Problem] = field(default_factory=list)
    #: The reform changed since the export the row comes from (the row's version is not its own).
    conflict: bool = False
    #: A conflict the office chose to take from the ledger (and that may be taken).
    taken: bool = False

    @property
    def stale(self) -> bool:
        return bool(self.row.version) and self.row.version != self.version_now


@dataclass(frozen=True)
class Choice:
    """The conflicts the office takes from the ledger: by row number, each with the version of the
    reform it saw in the preview (None: whatever it is now, as on the command line), or all."""

    rows: Mapping[int, str | None] = field(default_factory=dict)
    all: bool = False

    def wants(self, number: int) -> bool:
        return self.all or number in self.rows

    def saw(self, number: int, version_now: str) -> bool:
        seen = self.rows.get(number)
        return seen is None or seen == version_now


@dataclass
class Plan:
    planned: list[Planned] = field(default_factory=list)  # what to write: creates, updates, taken conflicts
    conflicts: list[Planned] = field(default_factory=list)  # every conflict, taken or kept
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)  # what the import leaves as it is, and why
    unchanged: int = 0


def plan_import(
    parsed: ParsedLedger, *, lock: bool = False, choice: Choice | None = None, districts: Collection[int] | None = None
) -> Plan:
    """Compare checked rows with the catalogue: what to create, what to change (field by field),
    which rows conflict with newer edits, and what the pages' rules refuse.

    Nothing is written; ``lock`` row-locks the matched reforms (call it inside the applying
    transaction). ``choice``: the conflicts to take from the ledger (none by default: a row whose
    reform changed since its export keeps the reform as it is). ``districts``: the only districts
    the importer may create or change reforms in (an office's own; None: any, the command line): a
    row of another district, or naming another district's units, is a row error (ADR 0025).
    """
    choice = choice or Choice()
    lookups = parsed.lookups
    existing = _existing([row.code for row in parsed.rows], lookups, lock=lock)
    plan = Plan()
    items: list[Planned] = []
    named_leaders = {row.values.get("responsible_leader") for row in parsed.rows} - {None}
    responsible = services.responsible_people(named_leaders) if named_leaders else set()
    for row in parsed.rows:
        reform = existing.get(row.code)
        if districts is not None and (problem := _district_problem(row, reform, lookups, districts)):
            plan.problems.append(problem)
            continue
        if reform is None:
            item = _plan_new(row, lookups, responsible, plan.problems)
        else:
            item = _plan_update(row, reform, lookups, responsible, plan.notices)
            if item is None:
                plan.unchanged += 1
        if item is not None:
            items.append(item)
    _check_dates(items)
    for item in items:
        _decide(item, choice, plan)
    plan.problems.sort(key=lambda p: p.row or 0)
    return plan


def _district_problem(row: LedgerRow, reform: Reform | None, lookups: Lookups, districts: Collection[int]) -> Problem | None:
    """A row the importer may not apply: its district, its reform's or one of its units' is not one
    of the importer's districts."""
    unit_ids = [row.values.get("lead_unit"), *(row.values.get("co_units") or [])]
    unit_districts = {lookups.units[pk].district_id for pk in unit_ids if pk in lookups.units}
    named = {row.district_id, *unit_districts} | ({reform.district_id} if reform is not None else set())
    if named <= set(districts):
        return None
    return Problem(row.number, HEADER["district"], _("The reform office imports only its own district's reforms and units."))


def _decide(item: Planned, choice: Choice, plan: Plan) -> None:
    """Apply a row, keep its reform as it is (a conflict not taken), or refuse the file."""
    number = item.row.number
    if item.is_new or not item.stale:
        if item.problems:
            plan.problems.extend(item.problems)
        else:
            plan.planned.append(item)
        return
    item.conflict = True
    plan.conflicts.append(item)
    if not choice.wants(number):
        return
    if not choice.saw(number, item.version_now):
        item.problems.append(
            Problem(number, "", _("The reform changed again since the preview, so it was kept as it is."))
        )
    elif item.problems:
        plan.problems.extend(item.problems)
    else:
        item.taken = True
        plan.planned.append(item)


def _check_dates(items: list[Planned]) -> None:
    """The set-based check that moved dates keep every task of the reform inside them."""
    moved = {
        item.reform.pk: (item.row.number, item.reform.start_date, item.reform.due_date)
        for item in items
        if not item.is_new and set(DATE_FIELDS) & set(item.changed)
    }
    changed = {item.row.number: set(DATE_FIELDS) & set(item.changed) for item in items if not item.is_new}
    found = existing_rules.date_problems(moved, changed)
    for item in items:
        if problem := found.get(item.row.number):
            item.problems.append(problem)


def _plan_new(row: LedgerRow, lookups: Lookups, responsible: set[int], problems: list[Problem]) -> Planned | None:
    """A new reform with the ledger's defaults for what the file leaves out; None with problems."""
    values: dict[str, Any] = {**_defaults(), **row.values}
    values["plan"] = lookups.plans.get((row.district_id, values["year"]))
    new_problems = [
        p
        for p in (
            _completion_problem(row.number, values, values),
            _leader_problem(row, values["responsible_leader"], responsible),
        )
        if p
    ]
    if new_problems:
        problems.extend(new_problems)
        return None
    new = Reform(district_id=row.district_id)
    for name, value in values.items():
        if name != "co_units":
            setattr(new, _attname(name), value)
    co_units = [lookups.units[pk] for pk in values["co_units"]]
    return Planned(row, new, True, {}, co_units)


def _plan_update(
    row: LedgerRow, reform: Reform, lookups: Lookups, responsible: set[int], notices: list[Problem]
) -> Planned | None:
    """The fields of a stored reform the row changes; None when it changes nothing."""
    values: dict[str, Any] = dict(row.values)
    before: dict[str, Any] = dict(services.snapshot(reform))
    version_now = version_of(before)
    for name in TEXT_FIELDS:
        if name in values and same_text(values[name], before[name] or ""):
            values[name] = before[name]
    if values["year"] != before["year"] or row.district_id != reform.district_id:
        values["plan"] = lookups.plans.get((row.district_id, values["year"]))
    ledger_progress = values.pop("progress", before["progress"])
    if ledger_progress != before["progress"]:
        notices.append(existing_rules.progress_notice(row.number, before["progress"], ledger_progress))
    changed = {name: [before[name], value] for name, value in values.items() if before[name] != value}
    if not changed:
        return None
    problems = _update_problems(row, values, {**before, **values}, changed, lookups, responsible)
    if "status" in changed and (problem := existing_rules.status_problem(row.number, *changed["status"])):
        problems.append(problem)
    if problem := existing_rules.locked_problem(row.number, before["status"], changed):
        problems.append(problem)
    for name, (_old, value) in changed.items():
        if name != "co_units":
            setattr(reform, _attname(name), value)
    if "lead_unit" in changed:
        reform.district_id = row.district_id
    co_units = [lookups.units[pk] for pk in changed["co_units"][1]] if "co_units" in changed else None
    return Planned(row, reform, False, changed, co_units, version_now=version_now, problems=problems)


def _update_problems(
    row: LedgerRow,
    values: dict[str, Any],
    merged: dict[str, Any],
    changed: dict[str, list[Any]],
    lookups: Lookups,
    responsible: set[int],
) -> list[Problem]:
    """Checks against the values the file leaves as they are (``merged``: stored, then the row's)."""
    problems = []
    if merged["start_date"] and merged["due_date"] and merged["due_date"] < merged["start_date"]:
        header = HEADER["due_date" if "due_date" in values else "start_date"]
        problems.append(
            Problem(
                row.number,
                header,
                _("The due date %(due)s is before the start date %(start)s.")
                % {
                    "due": date_format(merged["due_date"], "DATE_FORMAT"),
                    "start": date_format(merged["start_date"], "DATE_FORMAT"),
                },
            )
        )
    if "responsible_leader" in changed and (
        problem := _leader_problem(row, changed["responsible_leader"][1], responsible)
    ):
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
    return problems


def _completion_problem(number: int, merged: dict[str, Any], values: dict[str, Any]) -> Problem | None:
    """A completed reform is at 100%: the same rule as the services'."""
    if not services.progress_fits_status(merged["status"], merged["progress"]):
        header = HEADER["progress" if "progress" in values else "status"]
        return Problem(
            number, header, _("A completed reform is at 100%%; this row says %(progress)s%%.") % {"progress": merged["progress"]}
        )
    return None


def _leader_problem(row: LedgerRow, leader_id: int | None, responsible: set[int]) -> Problem | None:
    """The services' rule, for a leader the row sets (a leader already on the reform stays)."""
    if leader_id is None or leader_id in responsible:
        return None
    return Problem(
        row.number,
        HEADER["responsible_leader"],
        _("The responsible leader must be an active district leader or unit head."),
    )


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


def _existing(codes: list[str], lookups: Lookups, *, lock: bool) -> dict[str, Reform]:
    found: dict[str, Reform] = {}
    for chunk in chunks(codes):
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
            reform._prefetched_objects_cache = {"co_units": co_units.get(reform.pk, [])}  # type: ignore[attr-defined]
            lookups.add_unit(reform.lead_unit)
            if reform.responsible_leader is not None:
                lookups.add_user(reform.responsible_leader)
            if reform.plan is not None:
                lookups.plan_titles[reform.plan.pk] = reform.plan.title
            found[reform.code] = reform
    return found


def preview(planned: Iterable[Planned], lookups: Lookups, limit: int = PREVIEW_LIMIT) -> list[dict[str, Any]]:
    """The planned creates and changes as the office reads them: headers, old and new values shown."""
    out: list[dict[str, Any]] = []
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
                "conflict": item.conflict,
            }
        )
    return out


def conflict_preview(conflicts: Iterable[Planned], lookups: Lookups, limit: int = PREVIEW_LIMIT) -> list[dict[str, Any]]:
    """The conflicts as the office decides them: per differing column, the ledger's value and the
    current one; whether the row was taken; why it may not be (the rules it would break)."""
    out: list[dict[str, Any]] = []
    for item in conflicts:
        if len(out) >= limit:
            break
        title = item.changed["title"][0] if "title" in item.changed else item.reform.title
        out.append(
            {
                "row": item.row.number,
                "code": item.row.code,
                "title": title,
                "version": item.version_now,
                "taken": item.taken,
                "fields": [
                    {
                        "field": name,
                        "header": HEADER[name],
                        "current": lookups.show(name, old),
                        "ledger": lookups.show(name, new),
                    }
                    for name, (old, new) in item.changed.items()
                    if name in HEADER
                ],
                "reasons": [{"column": problem.column, "message": problem.message} for problem in item.problems],
            }
        )
    return out
