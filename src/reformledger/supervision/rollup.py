"""Keep a reform's task tree consistent: parents' progress and status, every level, the reform's
progress and its warning. One pure computation (:func:`compute`) and one writer of what it derives
(:func:`store`) serve every write (:func:`refresh_reform`, in the write's transaction) and the
daily scan (:mod:`.scan`).

* a leaf's progress is what the office accepted (its latest accepted report, or the office's
  correction); a report awaiting review does not count (ADR 0022);
* a parent's progress is the weighted mean of its children's, so the reform's progress is the
  weighted roll-up of its leaves, layer by layer;
* a parent is done when every child is, closed at completion when every child is settled (done or
  closed) and one is closed, in progress when any child has started;
* settled tasks (done, closed at completion) are not open work: level done, no reminders;
* a parent's level is the worse of its own dates' level and its children's levels;
* the reform takes the worst level of its open tasks; without tasks, its own dates decide;
* only reforms under way (approved, in progress) are watched: the open tasks of a draft, proposed,
  suspended or terminated reform are ``paused`` (not on the board, no reminders);
* but a follow-up task (整改任务, filed on a completed or terminated reform for a problem found
  later, e.g. by a look-back review) is watched like any work under way: its level, the board, its
  overdue spells and reminders. The locked reform's progress stays as it was (100% when completed);
  its warning is the worst level of its open follow-up tasks (done when none is open).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

from reformledger.core.compiled import compiled
from reformledger.reforms.models import LOCKED_STATUSES, Reform, Status

from . import levels, spells
from .models import SETTLED_STATUSES, Level, ReformWarning, Task, TaskStatus

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
    "follow_up",
)
REFORM_FIELDS = ("pk", "district_id", "status", "start_date", "due_date", "progress")
#: The columns of a task that :func:`compute` derives (and :func:`store` writes).
COMPUTED_FIELDS = ("status", "progress", "level", "level_reason", "completed_on")
#: The columns of a reform's warning, named as in :class:`ReformResult`.
WARNING_FIELDS = ("level", "reason", "open_tasks", "red_tasks", "amber_tasks")

#: A row of :data:`NODE_FIELDS` and one of :data:`REFORM_FIELDS`.
TaskRow = tuple[
    int, int | None, dt.date, dt.date, Decimal | float, str, int, dt.date | None, str, str, dt.date | None, bool
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
    follow_up: bool = False
    #: Whether the task's dates are watched (see the module's text): set by :func:`compute`.
    watched: bool = False
    children: list[Node] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    #: The stored value of each changed column.
    before: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: TaskRow) -> Node:
        pk, parent_id, start, due, weight, status, progress, last_report_on, level, reason, completed_on, follow_up = row
        return cls(
            pk, parent_id, start, due, float(weight), status, progress, last_report_on, level, reason, completed_on,
            bool(follow_up),
        )

    def set(self, name: str, value: object) -> None:
        if getattr(self, name) != value:
            self.before.setdefault(name, getattr(self, name))
            setattr(self, name, value)
            self.changed.add(name)

    def moves_board(self) -> bool:
        """Whether what changed is what the warning board, the workbench and the API lists read of
        tasks (a level, its reason, progress, whether the task is settled): a parent merely
        starting (not started → in progress) is not."""
        if self.changed - {"status"}:
            return True
        return "status" in self.changed and (self.before["status"] in SETTLED_STATUSES) != (self.status in SETTLED_STATUSES)


@dataclass
class ReformResult:
    progress: int | None  # None: no tasks, the reform's own progress stands
    level: str
    reason: str
    open_tasks: int
    red_tasks: int
    amber_tasks: int
    #: Set by :func:`refresh_reform`: whether the write moved what the board reads (a task's level,
    #: its reason, progress or settling; the reform's progress; its warning), see :func:`moves_board`.
    moved: bool = False


def today() -> dt.date:
    return timezone.localdate()


def compute(
    reform: ReformRow, rows: Sequence[TaskRow], *, on: dt.date, limits: levels.Thresholds
) -> tuple[list[Node], ReformResult]:
    """Compute a reform's tree. ``reform`` is a row of :data:`REFORM_FIELDS`, ``rows`` the tasks as
    rows of :data:`NODE_FIELDS`. Returns every node (``node.changed`` names what moved) and the
    reform's result."""
    _pk, _district, status, r_start, r_due, r_progress = reform
    under_way = status in WATCHED_STATUSES
    nodes = [Node.from_row(row) for row in rows]
    by_pk = {n.pk: n for n in nodes}
    roots: list[Node] = []
    for n in nodes:
        parent = by_pk.get(n.parent_id) if n.parent_id is not None else None
        (parent.children if parent else roots).append(n)

    def visit(n: Node, follow_up: bool) -> None:
        n.watched = under_way or (follow_up and status in LOCKED_STATUSES)
        watched = n.watched
        if n.children:
            for child in n.children:
                visit(child, follow_up)
            total = sum(c.weight for c in n.children)
            n.set("progress", round(sum(c.weight * c.progress for c in n.children) / total))
            if all(c.status == TaskStatus.DONE for c in n.children):
                n.set("status", TaskStatus.DONE)
                n.set("completed_on", max((c.completed_on for c in n.children if c.completed_on), default=on))
            elif all(c.status in SETTLED_STATUSES for c in n.children):
                n.set("status", TaskStatus.CLOSED)
                n.set("completed_on", None)
            else:
                started = any(c.status != TaskStatus.NOT_STARTED for c in n.children)
                n.set("status", TaskStatus.IN_PROGRESS if started else TaskStatus.NOT_STARTED)
                n.set("completed_on", None)
            own = levels.task_level(
                done=n.status in SETTLED_STATUSES, start=n.start_date, due=n.due_date, progress=n.progress,
                last_report=None, today=on, limits=limits, check_reports=False, watched=watched,
            )
            worst_child = levels.worst(c.level for c in n.children)
            if levels.rank(worst_child) < levels.rank(own[0]):
                own = (worst_child, levels.CHILD)
            n.set("level", own[0])
            n.set("level_reason", own[1])
        else:
            level, reason = levels.task_level(
                done=n.status in SETTLED_STATUSES, start=n.start_date, due=n.due_date, progress=n.progress,
                last_report=n.last_report_on, today=on, limits=limits, watched=watched,
            )
            n.set("level", level)
            n.set("level_reason", reason)

    for root in roots:
        visit(root, root.follow_up)

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

    leaves = [n for n in nodes if not n.children and n.status not in SETTLED_STATUSES]
    red = sum(1 for n in leaves if n.level == Level.RED)
    amber = sum(1 for n in leaves if n.level == Level.AMBER)
    total = sum(r.weight for r in roots)
    progress = round(sum(r.weight * r.progress for r in roots) / total)
    if status in LOCKED_STATUSES:  # done, unless a follow-up task is open
        level = levels.worst(n.level for n in roots if n.watched and n.status not in SETTLED_STATUSES)
    else:
        level = levels.worst(n.level for n in roots)
    reason = levels.TASKS if level in (Level.RED, Level.AMBER) else ""
    return nodes, ReformResult(progress, level, reason, len(leaves), red, amber)


@dataclass
class Outcome:
    """One reform's computation: its row (:data:`REFORM_FIELDS`), its nodes and its result."""

    reform: tuple[Any, ...]  # a row of REFORM_FIELDS (the scan's rows carry more after them)
    nodes: list[Node]
    result: ReformResult


def refresh_reform(reform_id: int, *, on: dt.date | None = None) -> ReformResult:
    """Recompute one reform's tree and warning and write what changed (call inside the write's
    transaction, after locking the reform row). A few queries, whatever the tree's size."""
    on = on or today()
    # Every write on a reform's work asks these three: compiled once per process (core.compiled).
    (reform,) = compiled("rollup-reform", lambda pk: Reform.objects.filter(pk=pk).values_list(*REFORM_FIELDS), reform_id)
    rows = compiled("rollup-tasks", lambda pk: Task.objects.filter(reform_id=pk).values_list(*NODE_FIELDS), reform_id)
    nodes, result = compute(reform, rows, on=on, limits=levels.Thresholds.from_settings())
    warnings = {w.pk: w for w in compiled("rollup-warning", lambda pk: ReformWarning.objects.filter(pk=pk), reform_id)}
    outcome = Outcome(reform, nodes, result)
    result.moved = moves_board(outcome, warnings.get(reform_id))
    store([outcome], on=on, warnings=warnings, by_person=True)
    return result


def moves_board(outcome: Outcome, warning: ReformWarning | None) -> bool:
    """Whether storing ``outcome`` changes what the warning board, the workbench and the API lists
    read (the ``levels`` family, ADR 0052): a task's level, reason, progress or settling, the
    reform's progress, or its warning's values. ``warning``: the stored one, before :func:`store`."""
    if any(node.moves_board() for node in outcome.nodes):
        return True
    _pk, district, status, _start, _due, progress = outcome.reform[: len(REFORM_FIELDS)]
    result = outcome.result
    if result.progress is not None and result.progress != progress and status not in LOCKED_STATUSES:
        return True
    if warning is None:
        return True
    return warning.district_id != district or any(getattr(warning, k) != getattr(result, k) for k in WARNING_FIELDS)


def store(
    outcomes: Sequence[Outcome], *, on: dt.date, warnings: Mapping[int, ReformWarning], by_person: bool = False
) -> tuple[int, int]:
    """The one writer of what :func:`compute` derives: the tasks' computed columns, the reforms'
    progress, their warnings (``warnings``: the stored ones, by reform id) and the tasks' overdue
    spells (:func:`.spells.track`). Returns how many tasks and how many warnings it wrote.

    A write ``by_person`` (a service, in its transaction) stamps a reform whose progress moved as
    changed (``updated_at``) and records its warning as computed today even when it stands; the
    daily scan writes only what the calendar moved.
    """
    rows = [(n.pk, *(getattr(n, name) for name in COMPUTED_FIELDS)) for o in outcomes for n in o.nodes if n.changed]
    if rows:
        # Each row carries every computed value (read under the reform's lock), so writing all of
        # them writes unchanged values back as they are.
        write_computed(rows)
    _store_progress(outcomes, by_person=by_person)
    spells.track(
        [
            spells.Tree(o.reform[0], o.reform[1], o.reform[2] in WATCHED_STATUSES, o.reform[2] == Status.COMPLETED, o.nodes)
            for o in outcomes
        ],
        on=on,
    )
    return len(rows), _store_warnings(outcomes, on=on, warnings=warnings, rewrite=by_person)


def _store_progress(outcomes: Sequence[Outcome], *, by_person: bool) -> None:
    """A reform's progress is its tasks' roll-up, unless it is locked or has no tasks."""
    by_value: dict[int, list[int]] = defaultdict(list)
    for o in outcomes:
        pk, _district, status, _start, _due, progress = o.reform[: len(REFORM_FIELDS)]
        if o.result.progress is not None and o.result.progress != progress and status not in LOCKED_STATUSES:
            by_value[o.result.progress].append(pk)
    stamp = {"updated_at": timezone.now()} if by_person else {}
    for value, ids in by_value.items():
        Reform.objects.filter(pk__in=ids).update(progress=value, **stamp)


def _store_warnings(outcomes: Sequence[Outcome], *, on: dt.date, warnings: Mapping[int, ReformWarning], rewrite: bool) -> int:
    new, changed = [], []
    for o in outcomes:
        values = {"district_id": o.reform[1], **{name: getattr(o.result, name) for name in WARNING_FIELDS}}
        warning = warnings.get(o.reform[0])
        if warning is None:
            new.append(ReformWarning(reform_id=o.reform[0], computed_on=on, **values))
        elif rewrite or any(getattr(warning, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(warning, k, v)
            warning.computed_on = on
            changed.append(warning)
    if new:
        ReformWarning.objects.bulk_create(new, batch_size=1000)
    fields = [*WARNING_FIELDS, "district", "computed_on"]
    if len(changed) == 1:
        # A write's one reform (every progress report): a plain UPDATE; bulk_update builds a CASE
        # per column, which cost a report more than storing the report.
        changed[0].save(update_fields=fields)
    elif changed:
        ReformWarning.objects.bulk_update(changed, fields, batch_size=1000)
    return len(new) + len(changed)


def write_computed(rows: list[tuple[Any, ...]]) -> None:
    """Write the computed columns of tasks, given as rows ``(pk, *COMPUTED_FIELDS)``: one
    ``UPDATE ... FROM (VALUES ...)`` per batch.

    Django's ``bulk_update`` builds a ``CASE WHEN id = ...`` per row and column, which grows with
    the square of the batch: a first scan of 540,000 tasks took minutes in it, and this seconds.
    """
    table = connection.ops.quote_name(Task._meta.db_table)
    columns = ("id", *COMPUTED_FIELDS)
    fields = [cast("models.Field[Any, Any]", Task._meta.get_field(name)) for name in COMPUTED_FIELDS]
    postgres = connection.vendor == "postgresql"
    sets = ", ".join(
        f"{connection.ops.quote_name(str(f.column))} = "
        + (f"CAST(v.{f.column} AS {str(f.db_type(connection)).split('(')[0]})" if postgres else f"v.{f.column}")
        for f in fields
    )
    limit = connection.features.max_query_params or 10000
    batch = max(1, min(1000, limit // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(part))
            params = [value for row in part for value in row]
            cursor.execute(
                f"WITH v ({', '.join(columns)}) AS (VALUES {values}) "  # noqa: S608 - names from the model, values as parameters
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.id = v.id",
                params,
            )
