"""The warning board: open tasks at red or amber that the person may see, and their counts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from reformledger.core.permissions import require

from ..models import Level, Task
from .tasks import visible_tasks

WARNING_LEVELS = (Level.RED, Level.AMBER)


@dataclass(frozen=True)
class TaskFilters:
    unit: str | None = None  # unit code: tasks the unit is responsible for
    domain: str | None = None  # domain code of the task's reform
    tier: str | None = None  # tier of the task's reform
    level: str | None = None  # red / amber (the board shows both when empty)
    district: int | None = None
    q: str | None = None  # words in the task's or the reform's title, or the reform's code


def require_board(user) -> None:
    """403 unless the person may see the warning board (the page and the API alike)."""
    require(user, "supervision.view_board", message=_("You may not see the warning board."))


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


def level_counts(user, filters: TaskFilters) -> dict[str, int]:
    """How many of the board's tasks are red and how many amber, whatever level is chosen."""
    return dict(
        warning_list(user, replace(filters, level=None))
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
