"""Reads of supervision, scoped to what the person may see.

``visible_tasks`` is the queryset twin of the ``supervision.view_task`` rule: the tasks of every
reform the person may see in full, plus every task given to a unit the person works in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform
from reformledger.reforms.selectors import has_full_access, visible_reforms

from .models import Channel, Delivery, Level, Order, OrderTarget, ProgressReport, Task, TaskStatus
from .rollup import today

WARNING_LEVELS = (Level.RED, Level.AMBER)


def visible_tasks(user) -> QuerySet[Task]:
    actor = actor_for(user)
    if actor.sees_everything:
        return Task.objects.all()
    if not has_full_access(actor):
        return Task.objects.none()
    q = Q(reform__in=visible_reforms(user).values("pk"))
    if actor.unit_ids:
        q |= Q(unit_id__in=actor.unit_ids)
    return Task.objects.filter(q)


def get_visible_task(user, pk: int) -> Task:
    """One task the person may see, with what its page shows; ``Task.DoesNotExist`` otherwise."""
    return visible_tasks(user).select_related("reform", "reform__domain", "reform__lead_unit", "unit", "assignee", "parent").get(pk=pk)


@dataclass(frozen=True)
class TaskFilters:
    unit: str | None = None  # unit code: tasks the unit is responsible for
    domain: str | None = None  # domain code of the task's reform
    tier: str | None = None  # tier of the task's reform
    level: str | None = None  # red / amber (the board shows both when empty)
    district: int | None = None
    q: str | None = None  # words in the task's or the reform's title, or the reform's code


def apply_task_filters(qs: QuerySet[Task], filters: TaskFilters) -> QuerySet[Task]:
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.domain:
        qs = qs.filter(reform__domain__code=filters.domain)
    if filters.tier:
        qs = qs.filter(reform__tier=filters.tier)
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(Q(title__icontains=text) | Q(reform__title__icontains=text) | Q(reform__code__iexact=text))
    return qs


def warning_list(user, filters: TaskFilters = TaskFilters()) -> QuerySet[Task]:
    """Open tasks at red or amber, red first, then by due date: the warning board."""
    levels = (filters.level,) if filters.level in WARNING_LEVELS else WARNING_LEVELS
    qs = apply_task_filters(visible_tasks(user).filter(level__in=levels), filters)
    # "red" sorts after "amber", so a descending level puts red first.
    return qs.select_related("reform", "reform__domain", "unit", "assignee").order_by("-level", "due_date", "pk")


def my_tasks(user, *, unit_wide: bool = False) -> QuerySet[Task]:
    """The person's open tasks (assigned to them), or every open task of their units, by due date."""
    actor = actor_for(user)
    qs = Task.objects.exclude(status=TaskStatus.DONE)
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


def task_reports(task: Task) -> QuerySet[ProgressReport]:
    return task.reports.select_related("reporter", "reviewed_by").prefetch_related("evidence")


def pending_reports(user) -> QuerySet[ProgressReport]:
    """Reports awaiting the office's review, oldest first."""
    return (
        ProgressReport.objects.filter(status="pending", task__in=visible_tasks(user).values("pk"))
        .select_related("task", "task__reform", "task__unit", "reporter")
        .order_by("created_at", "pk")
    )


def inbox(user) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(user=user, channel=Channel.INBOX)
        .select_related("reminder", "reminder__sender")
        .order_by("-pk")
    )


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Delivery.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True).count()


def request_unread(request) -> int:
    """The signed-in person's unread inbox messages, counted once per request whatever asks (the
    navigation bar's badge, the key of a cached personal page)."""
    count = getattr(request, "_rl_inbox_unread", None)
    if count is None:
        count = request._rl_inbox_unread = unread_count(request.user)
    return count


def visible_orders(user) -> QuerySet[Order]:
    """The office sees every order; a unit sees the orders addressed to it."""
    actor = actor_for(user)
    qs = Order.objects.select_related("issued_by", "district")
    if actor.sees_everything:
        return qs
    if actor.unit_ids:
        return qs.filter(pk__in=OrderTarget.objects.filter(unit_id__in=actor.unit_ids).values("order_id"))
    return qs.none()
