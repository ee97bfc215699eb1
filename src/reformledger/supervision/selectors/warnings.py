"""The warning board: open tasks at red or amber that the person may see, and their counts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from reformledger.core.cache import LEVELS, Scopes, fact_scopes, per_district, scope_versions
from reformledger.core.compiled import compiled
from reformledger.core.permissions import require
from reformledger.org.selectors import actor_for
from reformledger.reforms.selectors import districts_of, list_districts, reading_scopes, visibility_key

from ..lateness import month_bounds, overlapping
from ..models import Level, OverdueSpell, Task
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
    period: str | None = None  # a month, YYYY-MM: the tasks overdue at some time in it instead


def board_scopes(user, *, period: str | None = None) -> Scopes:
    """What the board's rows and counts (and the workbench's, and the API's lists) depend on: the
    levels of the districts the person reads (every district's for the province office), which
    every write of their work bumps but a progress report only when it moved what they show. With
    a month (``period``), the lateness in it: the overdue spells and the tasks as they are, all of
    those districts' work."""
    if period:
        return reading_scopes(user)
    return fact_scopes(LEVELS, districts_of(actor_for(user)))


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
    """Open leaf tasks at red or amber, red first, then by due date: the warning board.

    Leaves only (:meth:`~reformledger.supervision.models.TaskQuerySet.leaves`), as every count of
    tasks: the board, the workbench, the API, the bulletin and the demo's log agree."""
    levels = (filters.level,) if filters.level in WARNING_LEVELS else WARNING_LEVELS
    qs = apply_task_filters(visible_tasks(user).leaves().filter(level__in=levels), filters)
    # "red" sorts after "amber", so a descending level puts red first.
    return qs.select_related("reform", "reform__domain", "unit", "assignee").order_by(*BOARD_ORDER)


#: The board's order: red first ("red" sorts after "amber"), then by due date; ``id`` makes it total.
BOARD_ORDER = ("-level", "due_date", "id")
#: What a board row shows of its task, and the ids of what it shows with it (its reform, domain,
#: unit and person, whose own columns are the reform rows' and the organisation's: their versions
#: key the row too, :data:`ROW_SCOPES`).
ROW_FIELDS = (
    "id", "district_id", "reform_id", "unit_id", "assignee_id", "title", "level", "level_reason", "start_date",
    "due_date", "progress", "last_report_on",
)


#: What a board row, a workbench row and an API item read, with what is loaded with the task (not
#: the reform's long texts, nor the person's account).
SHOWN_FIELDS = (
    *ROW_FIELDS, "reform", "reform__code", "reform__title", "reform__tier", "reform__domain",
    "reform__domain__code", "reform__domain__name", "unit", "unit__code", "unit__name", "assignee",
    "assignee__username", "assignee__full_name",
)


def warning_rows(user, filters: TaskFilters = TaskFilters()) -> QuerySet[Task]:
    """:func:`warning_list` with :data:`SHOWN_FIELDS` only: what the board, the workbench and the
    API show of each task."""
    return warning_list(user, filters).only(*SHOWN_FIELDS)


def warning_keys(user, filters: TaskFilters = TaskFilters()) -> QuerySet[Task, Any]:
    """:func:`warning_list` as the rows' keys: :data:`ROW_FIELDS` only, nothing joined, as named
    tuples (a page of 50 keys made as model instances cost a millisecond more); the board loads in
    full only the rows whose rendering is not kept (:func:`full_rows`)."""
    return warning_list(user, filters).select_related(None).values_list(*ROW_FIELDS, named=True)


#: What a board row shows besides its task's columns: its reform's code, title, tier and domain,
#: the unit's and the person's names. Any reform row or organisation written anywhere re-renders the
#: rows (rare beside the day's reports, and exact whatever district a unit or reform is in).
ROW_SCOPES = ("reforms:*", "org:*")


def row_facts(task: Task) -> tuple[object, ...]:
    """What a board row shows, as a version: its task's :data:`ROW_FIELDS` and the versions of
    :data:`ROW_SCOPES`."""
    return (*(getattr(task, name) for name in ROW_FIELDS), scope_versions(ROW_SCOPES))


def full_rows(user, keys: list[Any]) -> list[Task]:
    """The board's rows of these keys (:func:`warning_keys`) with everything they show, in their
    order (one query); a task gone since its key was read is made of its key's columns."""
    def build(pks: tuple[int, ...]) -> QuerySet[Task]:
        return warning_rows(user).filter(pk__in=pks).order_by()

    shown = compiled(("board-rows", visibility_key(user)), build, tuple(key.id for key in keys))
    loaded = {task.pk: task for task in shown}
    return [loaded.get(key.id) or Task(**key._asdict()) for key in keys]


def level_counts(user, filters: TaskFilters) -> dict[str, int]:
    """How many of the board's tasks are red and how many amber, whatever level is chosen.

    Summed over districts, each district's counts cached on its own levels' version (core.cache):
    after a write that moved a level in one district, one grouped count of that district."""

    key = f"board-levels:{visibility_key(user)}|{replace(filters, level=None)!r}"

    def counted(missing: tuple[int, ...]) -> QuerySet[Any, tuple[int, str, int]]:
        qs = warning_list(user, replace(filters, level=None)).order_by()
        return qs.filter(district_id__in=missing).values_list("district_id", "level").annotate(n=Count("pk"))

    def compute(missing: list[int]) -> dict[int, dict[str, int]]:
        # Built and compiled only when a district's part is not kept, once per process (core.compiled).
        out: dict[int, dict[str, int]] = {}
        for district, level, n in compiled(key, counted, tuple(missing)):
            out.setdefault(district, {})[level] = n
        return out

    totals: dict[str, int] = {}
    none: dict[str, int] = {}
    for part in per_district(key, list_districts(user, filters), compute, default=none, family=LEVELS).values():
        for level, n in part.items():
            totals[level] = totals.get(level, 0) + n
    return totals


def board_count(user, filters: TaskFilters, *, counts: dict[str, int] | None = None) -> int:
    """How many tasks the board lists with these filters (from :func:`level_counts`, or the
    ``counts`` it gave already)."""
    counts = level_counts(user, filters) if counts is None else counts
    levels = (filters.level,) if filters.level in WARNING_LEVELS else WARNING_LEVELS
    return sum(counts.get(level, 0) for level in levels)


#: The order of "was overdue in the period": the earliest spell first; ``id`` makes it total.
PERIOD_ORDER = ("started_on", "id")


def overdue_in_period(user, filters: TaskFilters) -> QuerySet[OverdueSpell]:
    """The overdue spells overlapping ``filters.period`` of the leaf tasks the person may see (with
    the other filters but the level): tasks overdue at some time in that month, even if done or
    extended since. Empty for a period that is not a month ``YYYY-MM``."""
    bounds = month_bounds(filters.period)
    if bounds is None:
        return OverdueSpell.objects.none()
    tasks = apply_task_filters(visible_tasks(user), replace(filters, period=None, level=None))
    return (
        OverdueSpell.objects.filter(overlapping(*bounds), task__in=tasks.values("pk"))
        .select_related("unit", "task", "task__reform", "task__reform__domain", "task__unit", "task__assignee")
        .order_by(*PERIOD_ORDER)
    )


def period_task_count(spells: QuerySet[OverdueSpell]) -> int:
    """How many tasks those spells are of (a task may have two spells in a month)."""
    return spells.order_by().values("task_id").distinct().count()
