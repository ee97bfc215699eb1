"""Overdue spells (lateness is history): kept up to date by :func:`track`, which only
:func:`.rollup.store` calls, so every write (``refresh_reform``) and the daily scan keep them alike.

* A leaf task that is overdue (level red for the reason ``overdue``: its reform under way, not
  done, past its due date) has one open spell. It starts on the day after its due date (or, when
  the task was overdue before, the day after its last spell ended), whenever the scan or a write
  first sees it: a scan that did not run for days still opens it on the right day.
* The spell closes on the day the task stops being overdue, saying how: done (``completed``), due
  date moved (``extended``), its reform completed (``closed``) or no longer under way
  (``stopped``), or split into sub-tasks (``split``: from then on its leaves are counted). It is
  never removed.
* A task done late that no scan ever saw overdue (overdue since yesterday, done before tonight's
  scan) gets its spell, closed on the day it was done.

Days overdue count both ends (:func:`.models.spell_days`): ``(ended_on or today) - started_on + 1``,
so a task due on the 10th and done on the 11th was 1 day overdue, as the board said on the 11th.
Set-based: at most three queries for any number of reforms, and none when nothing is or was overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Max

from . import levels
from .models import Level, OverdueSpell, SpellEnd, Task

ONE_DAY = dt.timedelta(days=1)


class SpellNode(Protocol):
    """What :func:`track` reads of a computed task (a :class:`.rollup.Node`)."""

    pk: int
    due_date: dt.date
    level: str
    level_reason: str
    completed_on: dt.date | None
    watched: bool  # the task's dates are watched (its reform under way, or a follow-up task)
    children: list[Any]
    changed: set[str]


@dataclass
class Tree:
    """One reform's computed tree: ``watched`` (under way) and ``completed`` (办结) from its status."""

    reform_id: int
    district_id: int
    watched: bool
    completed: bool
    nodes: Sequence[SpellNode]


def overdue(node: SpellNode, on: dt.date) -> bool:
    """Overdue by its own dates: open, watched, past due (for a leaf, level red for ``overdue``)."""
    return node.level not in (Level.DONE, Level.PAUSED) and on > node.due_date


def ending(node: SpellNode, tree: Tree) -> str:
    """How a spell ends once its task is no longer overdue."""
    if not node.watched:
        return SpellEnd.CLOSED if tree.completed else SpellEnd.STOPPED
    if node.level == Level.DONE:
        return SpellEnd.COMPLETED
    return SpellEnd.EXTENDED


def track(trees: Sequence[Tree], *, on: dt.date) -> tuple[int, int]:
    """Open and close the spells of these computed trees. Returns ``(opened, closed)``."""
    relevant = [t for t in trees if any(_concerns(n, on) for n in t.nodes)]
    if not relevant:
        return 0, 0
    open_spells = dict(
        OverdueSpell.objects.filter(reform_id__in=[t.reform_id for t in relevant], ended_on__isnull=True).values_list(
            "task_id", "started_on"
        )
    )
    closing: dict[tuple[dt.date, str], list[int]] = defaultdict(list)
    to_open: list[tuple[Tree, SpellNode, dt.date | None]] = []  # (tree, node, ended_on) ended_on set: done late
    for tree in relevant:
        for node in tree.nodes:
            started = open_spells.get(node.pk)
            if started is not None:
                if node.children or not overdue(node, on):
                    closing[(max(on, started), SpellEnd.SPLIT if node.children else ending(node, tree))].append(node.pk)
            elif not node.children and node.level_reason == levels.OVERDUE and node.level == Level.RED:
                to_open.append((tree, node, None))
            elif _done_late_unseen(node, tree):
                to_open.append((tree, node, node.completed_on))
    for (ended_on, ended_by), task_ids in closing.items():
        OverdueSpell.objects.filter(task_id__in=task_ids, ended_on__isnull=True).update(ended_on=ended_on, ended_by=ended_by)
    opened = _open(to_open, on=on)
    return opened, sum(len(ids) for ids in closing.values())


def _concerns(node: SpellNode, on: dt.date) -> bool:
    """Whether a node may open or close a spell: overdue now, or its level just moved."""
    return overdue(node, on) or bool(node.changed & {"level", "level_reason"})


def _done_late_unseen(node: SpellNode, tree: Tree) -> bool:
    return (
        not node.children and node.level == Level.DONE and "level" in node.changed and (node.watched or tree.completed)
        and node.completed_on is not None and node.completed_on > node.due_date
    )


def _open(to_open: list[tuple[Tree, SpellNode, dt.date | None]], *, on: dt.date) -> int:
    """New spells, each from the day after the due date or after the task's last spell (one query)."""
    if not to_open:
        return 0
    facts = {
        pk: (unit_id, last_end)
        for pk, unit_id, last_end in Task.objects.filter(pk__in=[n.pk for _t, n, _e in to_open])
        .annotate(last_end=Max("overdue_spells__ended_on"))
        .values_list("pk", "unit_id", "last_end")
    }
    spells = []
    for tree, node, ended_on in to_open:
        unit_id, last_end = facts[node.pk]
        started = node.due_date + ONE_DAY
        if last_end is not None:
            started = max(started, last_end + ONE_DAY)
        if started > (ended_on or on):
            continue  # already on record up to then (a spell ended today); tomorrow's pass goes on
        spells.append(
            OverdueSpell(
                task_id=node.pk, reform_id=tree.reform_id, district_id=tree.district_id, unit_id=unit_id,
                due_date=node.due_date, started_on=started, ended_on=ended_on,
                ended_by=(ending(node, tree) if ended_on else ""),
            )
        )
    OverdueSpell.objects.bulk_create(spells)
    return len(spells)
