"""Applying an import, all or nothing: check the file, plan it against the catalogue and — when
nothing is wrong — write it in one transaction with bulk queries and one audit entry per reform.
Conflicts the office did not take are not problems: their reforms are kept as they are.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from reformledger.core.audit import Change, diff, log_actions
from reformledger.core.bulk import chunks, custom_plans, insert_new
from reformledger.core.permissions import require
from reformledger.org.selectors import actor_for

from .. import services
from ..models import Reform
from ..signals import reforms_changed
from .checks import read_ledger
from .format import PREVIEW_LIMIT, Problem, Progress
from .planning import Choice, Planned, conflict_preview, plan_import, preview
from .workbook import Source

#: Why someone else is refused an import (the pages, the command line and the jobs say the same).
IMPORT_REFUSED = gettext_lazy("Only the reform office may import the ledger.")


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
    #: Rows whose reform changed since their export: the preview of each, and every one's row
    #: number -> the reform's version now (what the office saw when it chose).
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    conflict_versions: dict[int, str] = field(default_factory=dict)
    taken: int = 0
    kept: int = 0
    notices: list[Problem] = field(default_factory=list)
    applied: bool = False
    #: Problems past ``LEDGER_MAX_PROBLEMS``: counted, not kept (a line says how many).
    problems_not_shown: int = 0

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
            "conflicts": self.conflicts[:PREVIEW_LIMIT],
            "conflict_versions": {str(row): version for row, version in self.conflict_versions.items()},
            "taken": self.taken,
            "kept": self.kept,
            "notices": [notice.as_dict() for notice in self.notices[:PREVIEW_LIMIT]],
            "notices_total": len(self.notices),
            "applied": self.applied,
            "problems_not_shown": self.problems_not_shown,
        }


def import_ledger(
    *,
    user,
    source: Source,
    dry_run: bool = False,
    progress: Progress | None = None,
    choice: Choice | None = None,
    filename: str = "",
) -> ImportResult:
    """Check a ledger file and, unless ``dry_run``, apply it in one transaction.

    ``user`` is the person importing (who needs ``reforms.import_ledger``), or None for the
    operator of the command line, who is trusted like any ``manage.py`` user and recorded in the
    audit trail as the system. Any problem means nothing is written.

    Reforms new to Reform Ledger are created as the ledger records them (status, dates, progress);
    reforms already here change as the pages change them (:mod:`.existing`). A row whose reform
    changed since the export it comes from is a conflict: it keeps the reform as it is unless
    ``choice`` takes it from the ledger. ``filename`` is recorded in each reform's history.
    """
    districts = None  # the operator of the command line: every district
    if user is not None:
        require(user, "reforms.import_ledger", message=IMPORT_REFUSED)
        districts = actor_for(user).district_ids  # an office: its own district only (ADR 0025)
    parsed = read_ledger(source, progress=progress)
    result = ImportResult(
        problems=list(parsed.problems),
        warnings=list(parsed.warnings),
        rows=len(parsed.rows),
        problems_not_shown=parsed.problems_not_shown,
    )
    if result.problems:
        return result
    # A dry run only reads: no transaction, so that on SQLite (BEGIN IMMEDIATE) it takes no write lock.
    with contextlib.nullcontext() if dry_run else transaction.atomic(), custom_plans():
        plan = plan_import(parsed, lock=not dry_run, choice=choice, districts=districts)
        if plan.problems:
            limit = settings.LEDGER_MAX_PROBLEMS
            result.problems = plan.problems[:limit]
            result.problems_not_shown = max(len(plan.problems) - limit, 0)
            return result
        planned = plan.planned
        result.created = sum(1 for item in planned if item.is_new)
        result.updated = len(planned) - result.created
        result.unchanged = plan.unchanged
        result.changes = preview(planned, parsed.lookups)
        result.conflicts = conflict_preview(plan.conflicts, parsed.lookups)
        result.conflict_versions = {item.row.number: item.version_now for item in plan.conflicts}
        result.taken = sum(1 for item in plan.conflicts if item.taken)
        result.kept = len(plan.conflicts) - result.taken
        result.notices = plan.notices
        if not dry_run and planned:
            _apply(planned, user, filename)
            result.applied = True
    return result


def _apply(planned: list[Planned], actor, filename: str) -> None:
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
    for fields, reforms in by_fields.items():
        Reform.objects.bulk_update(reforms, fields, batch_size=200)

    relinked = [item.reform.pk for item in planned if not item.is_new and item.co_units is not None]
    for chunk in chunks(relinked):
        through.objects.filter(reform_id__in=chunk).delete()
    links = [
        through(reform_id=item.reform.pk, unit_id=unit.pk)
        for item in planned
        if item.co_units is not None
        for unit in item.co_units
    ]
    insert_new(through, links)

    changes = []
    about: dict[str, Any] = {"ledger_file": filename} if filename else {}
    for item in planned:
        reform = item.reform
        if item.co_units is not None:
            reform._prefetched_objects_cache = {"co_units": item.co_units}  # type: ignore[attr-defined]
        after = services.snapshot(reform)
        if item.is_new:
            changes.append(Change("reform.import.create", reform, {**diff({}, after), **about}))
        else:
            before = {**after, **befores[reform.pk]}
            taken = {"ledger_conflict": True} if item.taken else {}
            changes.append(Change("reform.import.update", reform, {**diff(before, after), **about, **taken}))
    log_actions(actor, changes)
    # After the import's own entries: what others do about the moved reforms follows them.
    watched = {"status", "start_date", "due_date", "lead_unit"}
    moved = [item.reform.pk for item in planned if not item.is_new and watched & set(item.changed)]
    if moved:
        reforms_changed.send(sender=Reform, reform_ids=moved)
