"""Tasks: the ones a person may see, one task by the loading policy, a reform's tree, my tasks.

``visible_tasks`` is the queryset twin of the ``supervision.view_task`` rule: the tasks of every
reform the person may see in full, plus every task given to a unit the person works in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min, Q, QuerySet
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reformledger.core.compiled import compiled, compiled_one
from reformledger.org.selectors import actor_for, has_full_access
from reformledger.reforms.models import Reform
from reformledger.reforms.selectors import visible_reforms

from ..models import SETTLED_STATUSES, Task, TaskQuerySet
from ..rollup import today
from .reforms import may_know

#: What a task's page (and a write's answer) shows with the task.
TASK_RELATED = ("reform", "reform__domain", "reform__lead_unit", "unit", "assignee", "parent")


def visible_tasks(user) -> TaskQuerySet:
    """The province office sees every task; the office and the committee every task of their
    districts (by the task's own district: no subquery); leaders and units the tasks of the
    reforms they see, and units the tasks given to them (ADR 0025)."""
    return Task.objects.filter(task_filter(user))


def task_filter(user, *, via: str = "", district: str | None = None) -> Q:
    """:func:`visible_tasks` as a condition on the task reached by ``via`` (``"task__"`` for the
    reports of visible tasks): a join on the task the query makes anyway, where a subquery of
    visible tasks would read every task of the districts (6,000 for a district office) first.
    ``district``: the field that holds the task's district on the rows filtered, when they carry
    it themselves (a report's ``district_id``), so an office's rows are read by their own index."""
    actor = actor_for(user)
    if actor.reads_every_district:
        return Q()
    q = Q(**{f"{via}pk__in": []})
    if not has_full_access(actor):
        return q
    if actor.sees_whole_districts:
        q |= Q(**{f"{district or via + 'district_id'}__in": sorted(actor.district_ids)})
    if actor.unit_ids or actor.is_leader:
        q |= Q(**{f"{via}reform__in": visible_reforms(user).values("pk")})
    if actor.unit_ids:
        q |= Q(**{f"{via}unit_id__in": actor.unit_ids})
    return q


def may_know_task(user, task: Task) -> bool:
    """The person may see the task, or know of its reform (by its public fields)."""
    return user.has_perm("supervision.view_task", task) or may_know(user, task.reform)


def task_with_reform(pk: int) -> Task | None:
    """The task with its reform (what the rules read), or None: what every write on a task reads
    first, in its transaction too, so its SQL is compiled once per process (core.compiled)."""
    return compiled_one("task-with-reform", lambda task_pk: Task.objects.select_related("reform").filter(pk=task_pk), pk)


def has_subtasks(task: Task) -> bool:
    """Whether the task is split into sub-tasks (then its progress is their roll-up)."""
    return bool(compiled("task-has-subtasks", lambda task_pk: Task.objects.filter(parent_id=task_pk).values_list("pk")[:1], task.pk))


def get_task(user, pk: int, *, for_change: bool = False) -> Task:
    """One task with what its page shows; 404 unless the person may see it.

    ``for_change``: the task a write names; 404 unless the person may know of it
    (:func:`may_know_task`); the service allows the write or refuses it with 403. Loaded with its
    reform only (what the rules read): the service reads the task again under the reform's lock,
    and a seven-table join costs a progress report more to plan than the report costs to store.
    """
    if for_change:
        task = task_with_reform(pk)
        if task is None or not may_know_task(user, task):
            raise Http404
        return task
    task = visible_tasks(user).select_related(*TASK_RELATED).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def my_tasks(user, *, unit_wide: bool = False) -> QuerySet[Task]:
    """The person's open tasks (assigned to them), or every open task of their units, by due date."""
    actor = actor_for(user)
    qs = Task.objects.exclude(status__in=SETTLED_STATUSES)
    if unit_wide:
        qs = qs.filter(unit_id__in=actor.unit_ids)
    else:
        qs = qs.filter(Q(assignee=user) | Q(assignee__isnull=True, unit_id__in=actor.unit_ids))
    return qs.select_related("reform", "unit", "assignee").order_by("due_date", "pk")


def split_by_urgency(tasks, *, on: dt.date | None = None) -> dict[str, list[Task]]:
    """``{"late": [...], "due_soon": [...], "later": [...]}`` for the my-tasks page."""
    on = on or today()
    soon = on + dt.timedelta(days=settings.WARNING_AMBER_DAYS)
    groups: dict[str, list[Task]] = {"late": [], "due_soon": [], "later": []}
    for task in tasks:
        key = "late" if task.due_date < on else "due_soon" if task.due_date <= soon else "later"
        groups[key].append(task)
    return groups


@dataclass
class TreeRow:
    task: Task
    depth: int
    has_children: bool


def task_tree(reform: Reform) -> list[TreeRow]:
    """A reform's tasks in tree order (depth first, siblings by their order), in one query."""
    tasks = list(Task.objects.filter(reform=reform).select_related("unit", "assignee"))
    children: dict[int | None, list[Task]] = {}
    for task in tasks:
        children.setdefault(task.parent_id, []).append(task)
    for siblings in children.values():
        siblings.sort(key=lambda t: (t.sort_order, t.pk))
    rows: list[TreeRow] = []

    def walk(parent_id, depth):
        for task in children.get(parent_id, []):
            rows.append(TreeRow(task, depth, task.pk in children))
            walk(task.pk, depth + 1)

    walk(None, 0)
    return rows


def task_outside_dates(sender=None, *, reform, **kwargs) -> str | None:
    """Receiver of ``reforms.signals.reform_dates_checked``: the message naming the first task of
    ``reform`` that its new dates would leave outside (starting before it or due after it), or None."""
    outside = Q()
    if reform.start_date:
        outside |= Q(start_date__lt=reform.start_date)
    if reform.due_date:
        outside |= Q(due_date__gt=reform.due_date)
    task = Task.objects.filter(outside, reform_id=reform.pk, follow_up=False).order_by("path", "sort_order", "pk").first()
    if task is None:
        return None
    return _outside_message(task)


def _outside_message(task: Task) -> str:
    return _("The task “%(task)s” (%(start)s – %(due)s) would fall outside the reform's dates; move it first.") % {
        "task": task.title, "start": date_format(task.start_date, "SHORT_DATE_FORMAT"),
        "due": date_format(task.due_date, "SHORT_DATE_FORMAT"),
    }


def tasks_outside_dates(
    sender=None, *, dates: dict[int, tuple[dt.date | None, dt.date | None]], **kwargs
) -> dict[int, tuple[str, str]]:
    """Receiver of ``reforms.signals.reforms_dates_checked``: for each reform whose new dates
    (``dates``: reform id -> (start, due)) would leave a task outside, the date that would and the
    message naming the first such task. One grouped query per 900 reforms, then the tasks of the
    reforms refused only."""
    ids = sorted(dates)
    refused: list[int] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        spans = Task.objects.filter(reform_id__in=chunk, follow_up=False).values("reform_id").annotate(
            first=Min("start_date"), last=Max("due_date")
        )
        for span in spans:
            new_start, new_due = dates[span["reform_id"]]
            if (new_start and span["first"] < new_start) or (new_due and span["last"] > new_due):
                refused.append(span["reform_id"])
    found: dict[int, tuple[str, str]] = {}
    for task in Task.objects.filter(reform_id__in=refused, follow_up=False).order_by("reform_id", "path", "sort_order", "pk"):
        if task.reform_id in found:
            continue
        new_start, new_due = dates[task.reform_id]
        if new_start and task.start_date < new_start:
            found[task.reform_id] = ("start_date", _outside_message(task))
        elif new_due and task.due_date > new_due:
            found[task.reform_id] = ("due_date", _outside_message(task))
    return found


@dataclass
class ReportedFigures:
    """A reform's reports awaiting review: how many tasks have one, and the progress the reform
    would show if the office accepted them all (the same roll-up, reported percents in place of
    accepted ones). Shown to the office and the units; never counted (ADR 0022)."""

    pending: int
    progress: int | None


def reported_figures(reform: Reform) -> ReportedFigures:
    """:class:`ReportedFigures` of a reform, in one query."""
    rows = list(Task.objects.filter(reform=reform).values_list("pk", "parent_id", "weight", "progress", "reported_percent"))
    pending = sum(1 for row in rows if row[4] is not None)
    if not pending:
        return ReportedFigures(0, None)
    children: dict[int | None, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)

    def value(row) -> int:
        kids = children.get(row[0])
        if not kids:
            return row[4] if row[4] is not None else row[3]
        return mean(kids)

    def mean(nodes) -> int:
        total = sum(float(n[2]) for n in nodes)
        return round(sum(float(n[2]) * value(n) for n in nodes) / total)

    return ReportedFigures(pending, mean(children.get(None, [])))
