"""Lateness in a period (a calendar month): which leaf tasks were overdue at some time in it, and
for how many days, read from their overdue spells (:mod:`.spells`), so a task overdue earlier in
the month and done or extended since still counts.

* A spell overlaps the period when it started on or before the period's last day and ended (or is
  still open) on or after its first day.
* **Overdue days in the period**: the spell's days that fall in the period, both ends counted, up to
  the day the figures are made for a spell still open: from ``max(started_on, first)`` to
  ``min(ended_on or made_on, last)``. A task with two spells in the month counts once, with the
  days of both.

One query (the overlapping spells' rows), whatever the size.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import OverdueSpell

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(code: str | None) -> tuple[dt.date, dt.date] | None:
    """``"2026-11"`` -> (its first day, its last day); None for anything else (as the bulletin's
    ``--period``, a month ``YYYY-MM``)."""
    match = MONTH_RE.match((code or "").strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def overlapping(first: dt.date, last: dt.date) -> Q:
    """Spells overlapping the days ``first`` to ``last``."""
    return Q(started_on__lte=last) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))


def days_within(started_on: dt.date, ended_on: dt.date | None, *, first: dt.date, last: dt.date, made_on: dt.date) -> int:
    """A spell's overdue days that fall between ``first`` and ``last`` (an open one up to ``made_on``)."""
    start = max(started_on, first)
    end = min(ended_on or made_on, last)
    return max(0, (end - start).days + 1)


@dataclass
class LateUnit:
    unit_id: int
    name: str
    tasks: int  # leaf tasks overdue at some time in the period
    days: int  # their overdue days in the period


@dataclass
class Lateness:
    """The period's lateness: leaf tasks overdue at some time in it, their overdue days in it, by unit."""

    tasks: int = 0
    days: int = 0
    still_overdue: int = 0  # of those tasks, still overdue on the day the figures are made
    units: list[LateUnit] = field(default_factory=list)


def lateness(spells: QuerySet[OverdueSpell], *, first: dt.date, last: dt.date, made_on: dt.date) -> Lateness:
    """The figures of these spells (already scoped: a district, what a person may see) in the
    period, units with the most overdue days first."""
    rows = spells.filter(overlapping(first, last)).values_list("task_id", "unit_id", "unit__name", "started_on", "ended_on")
    tasks: dict[int, int] = {}
    open_tasks: set[int] = set()
    names: dict[int, str] = {}
    unit_tasks: dict[int, set[int]] = defaultdict(set)
    unit_days: dict[int, int] = defaultdict(int)
    total = 0
    for task_id, unit_id, name, started_on, ended_on in rows:
        days = days_within(started_on, ended_on, first=first, last=last, made_on=made_on)
        tasks[task_id] = unit_id
        if ended_on is None:
            open_tasks.add(task_id)
        names[unit_id] = name
        unit_tasks[unit_id].add(task_id)
        unit_days[unit_id] += days
        total += days
    units = sorted(
        (LateUnit(unit_id, names[unit_id], len(ids), unit_days[unit_id]) for unit_id, ids in unit_tasks.items()),
        key=lambda u: (-u.days, -u.tasks, u.name),
    )
    return Lateness(tasks=len(tasks), days=total, still_overdue=len(open_tasks), units=units)
