"""Keep a reform's task tree consistent: parents' progress and status, every level, the reform's
progress and its warning. One pure computation (:func:`compute`) serves every write
(:func:`refresh_reform`, in the write's transaction) and the daily scan (:mod:`.scan`).

* a leaf's progress is its latest report's percent (the office can return a report);
* a parent's progress is the weighted mean of its children's, so the reform's progress is the
  weighted roll-up of its leaves, layer by layer;
* a parent is done when every child is, in progress when any child has started;
* a parent's level is the worse of its own dates' level and its children's levels;
* the reform takes the worst level of its open tasks; without tasks, its own dates decide;
* only reforms under way (approved, in progress) are watched: the open tasks of a draft, proposed,
  suspended or terminated reform are ``paused`` (not on the board, no reminders).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from reformledger.reforms.models import LOCKED_STATUSES, Reform, Status

from . import levels
from .models import Level, ReformWarning, Task, TaskStatus

#: The columns the computation reads, in this order (a ``values_list`` of them makes a :class:`Node`).
NODE_FIELDS = (
    "pk",
    "parent_id",
    "start_date",
    "due_date",
    "weight",
    "status",
    "progress",
    "last_report_on",
    "level",
    "level_reason",
    "completed_on",
)
REFORM_FIELDS = ("pk", "district_id", "status", "start_date", "due_date", "progress")

#: A row of :data:`NODE_FIELDS` and one of :data:`REFORM_FIELDS`.
TaskRow = tuple[
    int, int | None, dt.date, dt.date, Decimal | float, str, int, dt.date | None, str, str, dt.date | None
]
ReformRow = tuple[int, int | None, str, dt.date | None, dt.date | None, int]

#: Reforms under way: their work is watched (levels, the board, reminders); the rest is paused.
WATCHED_STATUSES = (Status.APPROVED, Status.IN_PROGRESS)


@dataclass(eq=False)
class Node:
    pk: int
    parent_id: int | None
    start_date: dt.date
    due_date: dt.date
    weight: float
    status: str
    progress: int
    last_report_on: dt.date | None
    level: str
    level_reason: str
    completed_on: dt.date | None
    children: list[Node] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)

    @classmethod
    def from_row(cls, row: TaskRow) -> Node:
        pk, parent_id, start, due, weight, status, progress, last_report_on, level, reason, completed_on = row
        return cls(
            pk, parent_id, start, due, float(weight), status, progress, last_report_on, level, reason, completed_on
        )

    def set(self, name: str, value: object) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)
            self.changed.add(name)


@dataclass
class ReformResult:
    progress: int | None  # None: no tasks, the reform's own progress stands
    level: str
    reason: str
    open_tasks: int
    red_tasks: int
    amber_tasks: int


def today() -> dt.date:
    return timezone.localdate()


def compute(
    reform: ReformRow, rows: Sequence[TaskRow], *, on: dt.date, limits: levels.Thresholds
) -> tuple[list[Node], ReformResult]:
    """Compute a reform's tree. ``reform`` is a row of :data:`REFORM_FIELDS`, ``rows`` the tasks as
    rows of :data:`NODE_FIELDS`. Returns every node (``node.changed`` names what moved) and the
    reform's result."""
    _pk, _district, status, r_start, r_due, r_progress = reform
    watched = status in WATCHED_STATUSES
    nodes = [Node.from_row(row) for row in rows]
    by_pk = {n.pk: n for n in nodes}
    roots: list[Node] = []
    for n in nodes:
        parent = by_pk.get(n.parent_id) if n.parent_id is not None else None
        (parent.children if parent else roots).append(n)

    def visit(n: Node) -> None:
        if n.children:
            for child in n.children:
                visit(child)
            total = sum(c.weight for c in n.children)
            n.set("progress", round(sum(c.weight * c.progress for c in n.children) / total))
            if all(c.status == TaskStatus.DONE for c in n.children):
                n.set("status", TaskStatus.DONE)
                n.set("completed_on", max((c.completed_on for c in n.children if c.completed_on), default=on))
            else:
                started = any(c.status != TaskStatus.NOT_STARTED for c in n.children)
                n.set("status", TaskStatus.IN_PROGRESS if started else TaskStatus.NOT_STARTED)
                n.set("completed_on", None)
            own = levels.task_level(
                done=n.status == TaskStatus.DONE, start=n.start_date, due=n.due_date, progress=n.progress,
                last_report=None, today=on, limits=limits, check_reports=False, watched=watched,
            )
            worst_child = levels.worst(c.level for c in n.children)
            if levels.rank(worst_child) < levels.rank(own[0]):
                own = (worst_child, levels.CHILD)
            n.set("level", own[0])
            n.set("level_reason", own[1])
        else:
            level, reason = levels.task_level(
                done=n.status == TaskStatus.DONE, start=n.start_date, due=n.due_date, progress=n.progress,
                last_report=n.last_report_on, today=on, limits=limits, watched=watched,
            )
            n.set("level", level)
            n.set("level_reason", reason)

    for root in roots:
        visit(root)

    level: str
    reason: str
    if not nodes:
        if status in LOCKED_STATUSES:
            level, reason = Level.DONE, ""
        elif status in WATCHED_STATUSES and r_start and r_due:
            level, reason = levels.task_level(
                done=False, start=r_start, due=r_due, progress=r_progress, last_report=None, today=on,
                limits=limits, check_reports=False,
            )
        else:
            level, reason = Level.PAUSED, ""
        return nodes, ReformResult(None, level, reason, 0, 0, 0)

    leaves = [n for n in nodes if not n.children and n.status != TaskStatus.DONE]
    red = sum(1 for n in leaves if n.level == Level.RED)
    amber = sum(1 for n in leaves if n.level == Level.AMBER)
    total = sum(r.weight for r in roots)
    progress = round(sum(r.weight * r.progress for r in roots) / total)
    if status in LOCKED_STATUSES:
        level, reason = Level.DONE, ""
    else:
        level = levels.worst(n.level for n in roots)
        reason = levels.TASKS if level in (Level.RED, Level.AMBER) else ""
    return nodes, ReformResult(progress, level, reason, len(leaves), red, amber)


def refresh_reform(reform_id: int, *, on: dt.date | None = None) -> ReformResult:
    """Recompute one reform's tree and warning and write what changed (call inside the write's
    transaction, after locking the reform row). A few queries, whatever the tree's size."""
    on = on or today()
    reform = Reform.objects.filter(pk=reform_id).values_list(*REFORM_FIELDS).get()
    rows = list(Task.objects.filter(reform_id=reform_id).values_list(*NODE_FIELDS))
    nodes, result = compute(reform, rows, on=on, limits=levels.Thresholds.from_settings())
    changed = [n for n in nodes if n.changed]
    if changed:
        names = sorted(set().union(*(n.changed for n in changed)))
        Task.objects.bulk_update(
            [Task(pk=n.pk, **{name: getattr(n, name) for name in names}) for n in changed], names, batch_size=500
        )
    if result.progress is not None and result.progress != reform[5] and reform[2] not in LOCKED_STATUSES:
        Reform.objects.filter(pk=reform_id).update(progress=result.progress, updated_at=timezone.now())
    ReformWarning.objects.update_or_create(
        reform_id=reform_id,
        defaults={
            "district_id": reform[1],
            "level": result.level,
            "reason": result.reason,
            "open_tasks": result.open_tasks,
            "red_tasks": result.red_tasks,
            "amber_tasks": result.amber_tasks,
            "computed_on": on,
        },
    )
    return result

