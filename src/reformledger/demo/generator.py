"""The pure, deterministic pieces the demo and the benchmark (``bench/generate.py``) share.

* the planner: a reform's ten tasks in two or three layers (:func:`plan_tree`), made amber or red
  by moving a leaf or two (:func:`apply_mood`), each leaf's state around today (:func:`leaf_facts`);
* which unit carries each task (:func:`grassroots`, :class:`UnitChooser`): the lead unit, its
  co-units, and the communities or sub-districts that carry the work out;
* a planned task as the :class:`~reformledger.supervision.models.Task` fields it gives
  (:func:`task_fields`) and as a row of ``rollup.NODE_FIELDS`` for ``rollup.compute`` (:func:`node_row`).

No database here: the same random generator and arguments always give the same tree. Units are
whatever the caller uses for them (``Unit`` rows in the demo, ids in the benchmark).
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from reformledger.org.models import UnitKind
from reformledger.supervision import levels
from reformledger.supervision.models import Level, TaskStatus
from reformledger.supervision.rollup import NODE_FIELDS, REFORM_FIELDS

#: A reform as the benchmark reads it: ``rollup.REFORM_FIELDS`` (what ``compute`` takes) and its lead unit.
REFORM_ROW = (*REFORM_FIELDS, "lead_unit_id")

#: Tree shapes of ten tasks each: children per root, and grandchildren under (root, child).
SHAPES: tuple[tuple[tuple[int, ...], dict[tuple[int, int], int]], ...] = (
    ((2, 2, 3), {}),  # 3 + 7
    ((3, 2), {(0, 1): 3}),  # 2 + 5 + 3
    ((2, 2, 1), {(1, 0): 2}),  # 3 + 5 + 2
    ((2, 2), {(0, 0): 2, (1, 1): 2}),  # 2 + 4 + 4
)
WEIGHTS = (Decimal(1), Decimal(1), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(2), Decimal(3))

# Moods of a reform, and of a leaf task.
GREEN, AMBER, RED, DONE = "green", "amber", "red", "done"
OK, BEHIND, LATE, SILENT, STOPPED = "ok", "behind", "late", "silent", "stopped"


@dataclass
class Planned:
    """One task of a planned tree. ``key`` is its position in the list; parents come first."""

    key: int
    parent: int | None
    depth: int
    order: int  # 1-based among its siblings
    index: tuple[int, ...]  # (root, child, grandchild) positions
    start: dt.date
    due: dt.date
    weight: Decimal
    leaf: bool = True
    mood: str = OK
    status: str = TaskStatus.NOT_STARTED
    progress: int = 0
    last_report: dt.date | None = None
    completed_on: dt.date | None = None


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _split(rng: random.Random, start: dt.date, due: dt.date, k: int) -> list[tuple[dt.date, dt.date]]:
    """``k`` consecutive, slightly overlapping spans covering ``start``..``due``."""
    days = (due - start).days
    cuts = [round(days * i / k) for i in range(k + 1)]
    spans = []
    for i in range(k):
        lead = rng.randint(0, days // (3 * k)) if i else 0
        lag = rng.randint(0, days // (4 * k)) if i < k - 1 else 0
        s = start + _days(max(0, cuts[i] - lead))
        e = start + _days(min(days, cuts[i + 1] + lag))
        spans.append((s, max(s, e)))
    return spans


def plan_tree(rng: random.Random, *, start: dt.date, due: dt.date, shape: int | None = None) -> list[Planned]:
    """Ten tasks in two or three layers spanning ``start``..``due``: the roots are consecutive
    phases, each child a step of its parent's span, each grandchild a share of its parent's."""
    roots, grand = SHAPES[rng.randrange(len(SHAPES)) if shape is None else shape]
    nodes: list[Planned] = []

    def add(parent: Planned | None, index: tuple[int, ...], span: tuple[dt.date, dt.date]) -> Planned:
        node = Planned(
            key=len(nodes), parent=parent.key if parent else None, depth=len(index) - 1, order=index[-1] + 1,
            index=index, start=span[0], due=span[1], weight=rng.choice(WEIGHTS),
        )
        if parent is not None:
            parent.leaf = False
        nodes.append(node)
        return node

    for i, (root_span, n_children) in enumerate(zip(_split(rng, start, due, len(roots)), roots, strict=True)):
        root = add(None, (i,), root_span)
        for j, child_span in enumerate(_split(rng, root.start, root.due, n_children)):
            child = add(root, (i, j), child_span)
            n_grand = grand.get((i, j), 0)
            if n_grand:
                for k, grand_span in enumerate(_split(rng, child.start, child.due, n_grand)):
                    add(child, (i, j, k), grand_span)
    return nodes


def _round5(value: float) -> int:
    return max(0, min(100, int(round(value / 5.0)) * 5))


def leaf_facts(
    rng: random.Random, node: Planned, *, today: dt.date, stopped_on: dt.date | None = None
) -> None:
    """Fill a leaf's status, progress, last report and completion from its dates and mood:

    * ``ok`` — done when its due date has passed, else on or ahead of the straight line, reported
      within the last three weeks; not started before its start date;
    * ``behind`` — reported lately but well behind the line (amber when due within days);
    * ``late`` — past its due date and still open (red);
    * ``silent`` — under way, last report over a month ago (red);
    * ``stopped`` — the reform stopped on ``stopped_on``: done before it, open after it.
    """
    start, due = node.start, node.due
    mood = node.mood
    if mood == STOPPED:
        stop = stopped_on or today
        if due <= stop:
            mood = DONE
        elif start > stop:
            node.status, node.progress, node.last_report, node.completed_on = TaskStatus.NOT_STARTED, 0, None, None
            return
        else:
            node.status = TaskStatus.IN_PROGRESS
            node.progress = max(5, _round5(100 * levels.expected_percent(start, due, stop) * rng.uniform(0.5, 0.9)))
            node.last_report, node.completed_on = stop, None
            return
    if mood == DONE or (mood == OK and due < today):
        finished = min(due, today - _days(1))
        slack = max(0, min(7, (finished - start).days))
        node.completed_on = max(start, finished - _days(rng.randint(0, slack)))
        node.status, node.progress, node.last_report = TaskStatus.DONE, 100, node.completed_on
        return
    node.completed_on = None
    if start > today:
        node.status, node.progress, node.last_report = TaskStatus.NOT_STARTED, 0, None
        return
    age = (today - start).days
    expected = levels.expected_percent(start, due, today)
    last: dt.date | None
    if mood == LATE:
        progress = _round5(rng.uniform(35, 85))
        last = today - _days(rng.randint(2, min(25, age))) if age >= 2 else None
    elif mood == SILENT:
        progress = _round5(expected * rng.uniform(0.3, 0.7))
        last = today - _days(rng.randint(31, min(75, age))) if age >= 31 else None
    elif mood == BEHIND:
        progress = 5 * int(max(0.0, expected - rng.uniform(15, 35)) // 5)
        last = today - _days(rng.randint(1, min(12, age))) if age >= 1 else None
    elif age < 3:
        progress, last = 0, None
    else:
        progress = min(100, 5 * -(-int(expected + rng.uniform(0, 12)) // 5))
        last = today - _days(rng.randint(1, min(20, age)))
    if last is not None:
        progress = max(progress, 5)
    node.progress, node.last_report = (progress, last) if last else (0, None)
    node.status = TaskStatus.IN_PROGRESS if last else TaskStatus.NOT_STARTED


def apply_mood(rng: random.Random, nodes: list[Planned], mood: str, *, today: dt.date, escalate: bool = False) -> list[Planned]:
    """Make a tree amber or red by moving one or two leaves' dates inside their parents' spans
    (``done``: every leaf finished). Returns the leaves that carry the mood."""
    by_key = {n.key: n for n in nodes}
    leaves = [n for n in nodes if n.leaf]
    rng.shuffle(leaves)
    chosen: list[Planned] = []
    if mood == DONE:
        for leaf in leaves:
            leaf.mood = DONE
        return leaves
    wanted = 2 if rng.random() < 0.3 else 1
    for leaf in leaves:
        if len(chosen) == wanted:
            break
        parent = by_key[leaf.parent] if leaf.parent is not None else leaf
        ps, pd = parent.start, parent.due
        if mood == AMBER:
            if pd < today + _days(1) or ps > today - _days(14):
                continue
            leaf.due = today + _days(rng.randint(1, min(6, (pd - today).days)))
            leaf.start = ps + _days(rng.randint(0, (today - _days(14) - ps).days))
            leaf.mood = BEHIND
        elif mood == RED:
            silent = not escalate and not chosen and rng.random() < 0.3
            if silent:
                if ps > today - _days(40) or pd < today + _days(8):
                    continue
                leaf.start = ps + _days(rng.randint(0, (today - _days(40) - ps).days))
                leaf.due = today + _days(rng.randint(8, (pd - today).days))
                leaf.mood = SILENT
            else:
                earliest = max(ps + _days(7), today - _days(25))
                latest = min(pd, today - _days(8 if escalate else 2))
                if earliest > latest:
                    continue
                leaf.due = earliest + _days(rng.randint(0, (latest - earliest).days))
                leaf.start = ps + _days(rng.randint(0, max(0, (leaf.due - ps).days - 5)))
                leaf.mood = LATE
        else:
            return []
        chosen.append(leaf)
    return chosen


def month_end(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``day``'s."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def report_points(rng: random.Random, node: Planned) -> list[tuple[dt.date, int]]:
    """The reports a leaf had: roughly monthly from its start to its last report, rising to its progress."""
    last = node.last_report
    assert last is not None
    span = max(0, (last - node.start).days)
    count = max(1, min(5, span // 30 + 1))
    points = []
    for i in range(1, count + 1):
        day = node.start + _days(round(span * i / count)) if i < count else last
        percent = node.progress if i == count else max(5, _round5(node.progress * i / count - rng.uniform(0, 5)))
        points.append((day, percent))
    return points


def draw_mood(rng: random.Random) -> str:
    """Most reforms on track, a fifth amber, a fifth red."""
    return rng.choices((GREEN, AMBER, RED), weights=(60, 20, 20))[0]


# ----------------------------------------------------------------------------------------------
# Who carries each task
# ----------------------------------------------------------------------------------------------

U = TypeVar("U", bound=Hashable)


def grassroots(
    rng: random.Random,
    *,
    lead: U,
    kind: str,
    co: Sequence[U],
    communities: Sequence[U],
    sub_districts: Sequence[U],
    kind_of: Callable[[U], str],
) -> list[U]:
    """The units that carry a reform's work out on the ground (the third layer's): a sub-district's
    communities (its co-units first), a community itself, or for a department the sub-districts
    among its co-units (else three of the district's). ``kind`` is the lead unit's kind."""
    if kind == UnitKind.SUB_DISTRICT:
        units = [u for u in co if u in communities] + [u for u in communities if u not in co]
    elif kind == UnitKind.COMMUNITY:
        units = [lead]
    else:
        units = [u for u in co if kind_of(u) == UnitKind.SUB_DISTRICT] or rng.sample(list(sub_districts), 3)
    return units or [lead]


class UnitChooser(Generic[U]):
    """The unit of each task of a planned tree, called once per task in the plan's order: a phase
    (root) is the lead unit's, now and then a co-unit's; a step's first child stays with its parent's
    unit, the others go to the lead, a co-unit or the grassroots; the third layer goes round the
    grassroots from a random start."""

    def __init__(self, rng: random.Random, *, lead: U, co: Sequence[U], grassroots: Sequence[U]):
        self.rng, self.lead, self.co, self.grassroots = rng, lead, list(co), list(grassroots)
        self.chosen: dict[int, U] = {}
        self._offsets: dict[int, int] = {}

    def __call__(self, node: Planned, *, pinned: U | None = None) -> U:
        """The unit of ``node``; ``pinned`` gives it one without drawing (the demo's showcase work)."""
        rng, lead, co, grassroots = self.rng, self.lead, self.co, self.grassroots
        if pinned is not None:
            unit = pinned
        elif node.depth == 0:
            unit = rng.choice(co) if co and node.index[0] and rng.random() < 0.35 else lead
        elif node.depth == 1:
            assert node.parent is not None
            unit = self.chosen[node.parent] if node.index[1] == 0 else rng.choice([lead, *co, *grassroots[:3]])
        else:
            assert node.parent is not None
            offset = self._offsets.setdefault(node.parent, rng.randrange(len(grassroots)))
            unit = grassroots[(offset + node.index[2]) % len(grassroots)]
        self.chosen[node.key] = unit
        return unit


# ----------------------------------------------------------------------------------------------
# A planned task as the database and the roll-up see it
# ----------------------------------------------------------------------------------------------


def task_fields(node: Planned) -> dict[str, Any]:
    """The ``Task`` fields a planned task fixes (not its reform, parent, unit, title or people)."""
    return {
        "depth": node.depth, "sort_order": node.order, "start_date": node.start, "due_date": node.due,
        "weight": node.weight, "status": node.status, "progress": node.progress,
        "last_report_on": node.last_report, "completed_on": node.completed_on,
    }


def node_row(node: Planned, *, first_id: int) -> tuple:
    """A planned task as a row of ``rollup.NODE_FIELDS`` (what ``rollup.compute`` reads), its id
    ``first_id + node.key``, its level not computed yet."""
    values = {
        "pk": first_id + node.key,
        "parent_id": first_id + node.parent if node.parent is not None else None,
        "start_date": node.start,
        "due_date": node.due,
        "weight": node.weight,
        "status": node.status,
        "progress": node.progress,
        "last_report_on": node.last_report,
        "level": Level.GREEN,
        "level_reason": "",
        "completed_on": node.completed_on,
        "follow_up": False,
    }
    return tuple(values[name] for name in NODE_FIELDS)
