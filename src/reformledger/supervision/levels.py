"""Red / amber / green: the rules, as pure functions of a task's facts and today's date.

* ``done`` — the task is completed;
* ``red`` — overdue, or started and without a report for ``WARNING_STALE_DAYS`` days (default 30);
* ``amber`` — due within ``WARNING_AMBER_DAYS`` days (default 7) and behind the straight line
  from 0% at the start date to 100% at the due date;
* ``green`` — otherwise (not started yet, or on track);
* ``paused`` — open, but the reform is not under way (draft, proposed, suspended, terminated).

A reform takes the worst level of its open tasks; a reform without tasks is judged by its own dates.
The same functions serve every write (:mod:`.rollup`) and the daily scan (:mod:`.scan`), so the
board never disagrees with the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import LEVEL_RANK, Level


@dataclass(frozen=True)
class Thresholds:
    amber_days: int
    stale_days: int
    escalate_days: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            amber_days=settings.WARNING_AMBER_DAYS,
            stale_days=settings.WARNING_STALE_DAYS,
            escalate_days=settings.WARNING_ESCALATE_DAYS,
        )


def expected_percent(start: dt.date, due: dt.date, today: dt.date) -> float:
    """Where the straight-line trajectory from start (0%) to due date (100%) stands today."""
    # The due date first: a task that starts and ends on one day is expected done on that day.
    if today >= due:
        return 100.0
    if today <= start:
        return 0.0
    return 100.0 * (today - start).days / (due - start).days


#: Why a level is what it is. Only the kind is stored: the numbers (days overdue, days silent,
#: percent expected) follow from the dates and today, and :func:`describe` works them out when shown,
#: so a level's row changes only when the level does, not every day.
OVERDUE, SILENT, BEHIND, TASKS, CHILD = "overdue", "silent", "behind", "tasks", "child"


def task_level(
    *,
    done: bool,
    start: dt.date,
    due: dt.date,
    progress: int,
    last_report: dt.date | None,
    today: dt.date,
    limits: Thresholds,
    check_reports: bool = True,
    watched: bool = True,
) -> tuple[str, str]:
    """The level of one task and the kind of reason, as ``(level, reason)``. ``watched`` is false
    for the tasks of a reform that is not under way: they are ``paused`` until it is."""
    if done:
        return Level.DONE, ""
    if not watched:
        return Level.PAUSED, ""
    if today > due:
        return Level.RED, OVERDUE
    if check_reports and today >= start and (today - (last_report or start)).days >= limits.stale_days:
        return Level.RED, SILENT
    if (due - today).days <= limits.amber_days and progress < expected_percent(start, due, today):
        return Level.AMBER, BEHIND
    return Level.GREEN, ""


def describe(
    reason: str,
    *,
    start: dt.date | None,
    due: dt.date | None,
    progress: int = 0,
    last_report: dt.date | None = None,
    today: dt.date,
    red: int = 0,
    amber: int = 0,
) -> str:
    """A reason in words, in the active language, with today's numbers."""
    if reason == OVERDUE and due:
        days = (today - due).days
        return ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", days) % {"days": days}
    if reason == SILENT and start:
        days = (today - (last_report or start)).days
        return ngettext(
            "No progress report for %(days)d day", "No progress report for %(days)d days", days
        ) % {"days": days}
    if reason == BEHIND and start and due:
        return _("Due in %(days)d days: %(progress)d%% done, %(expected)d%% expected by now") % {
            "days": (due - today).days,
            "progress": progress,
            "expected": int(expected_percent(start, due, today)),
        }
    if reason == CHILD:
        return _("A sub-task needs attention")
    if reason == TASKS:
        return _("%(red)d red and %(amber)d amber tasks") % {"red": red, "amber": amber}
    return ""


class TaskFacts(Protocol):
    """What :func:`describe_task` reads: a task, or any row with the task's fields."""

    @property
    def level_reason(self) -> str: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def due_date(self) -> dt.date | None: ...
    @property
    def progress(self) -> int: ...
    @property
    def last_report_on(self) -> dt.date | None: ...


def describe_task(task: TaskFacts, today: dt.date) -> str:
    """:func:`describe` for a task, or any row with the task's fields (``level_reason``,
    ``start_date``, ``due_date``, ``progress``, ``last_report_on``)."""
    return describe(
        task.level_reason,
        start=task.start_date,
        due=task.due_date,
        progress=task.progress,
        last_report=task.last_report_on,
        today=today,
    )


def rank(level: str) -> int:
    """Where a level stands, from worst (``red``, 0) to best (``done``)."""
    return LEVEL_RANK[Level(level)]


def worst(levels: Iterable[str]) -> str:
    """The worst of some levels; ``done`` when there are none (nothing open)."""
    best: str = Level.DONE
    for level in levels:
        if rank(level) < rank(best):
            best = level
    return best
