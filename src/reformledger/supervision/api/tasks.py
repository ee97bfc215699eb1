"""Tasks: a reform's task tree, one task, adding and changing tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, Ref, resolve_ids, signed_in_user
from reformledger.org.models import Unit, User
from reformledger.org.schemas import UnitRef

from .. import levels
from ..models import Level, Task, TaskStatus
from ..rollup import today
from ..rules import sees_reported
from ..selectors import extensions as extension_selectors
from ..selectors import tasks as task_selectors
from ..selectors.reforms import get_reform
from ..services import tasks as task_services
from .schemas import PersonRef, person_out, unit_out

router = Router()


class TaskOut(Schema):
    """A task node. ``level`` is computed (red / amber / green / done; paused while the reform is not
    under way); ``warning`` says why, in words, in the caller's language."""

    id: int
    reform_id: int
    parent_id: int | None
    depth: int = Field(description="0 for a top-level task, 1 for its sub-tasks, and so on.")
    sort_order: int
    title: str
    unit: UnitRef
    assignee: PersonRef | None
    start_date: dt.date
    due_date: dt.date
    original_due_date: dt.date = Field(description="The due date the task was created with; each move is in the task's deadline history.")
    weight: float
    deliverable: str
    status: TaskStatus
    progress: int = Field(description="The accepted progress: the latest accepted report's percent, or the office's correction.")
    reported_percent: int | None = Field(
        description="The percent of the latest report awaiting review (null when none is). Shown to the "
        "office, the task's unit and the reform's lead unit; not counted in any progress."
    )
    awaiting_review: bool = Field(description="Whether a report on this task awaits the office's review.")
    level: Level
    level_reason: str = Field(description="Why the level: overdue, silent, behind, child, or empty.")
    warning: str = Field(description="The reason in words, with today's numbers.")
    last_report_on: dt.date | None


class DeadlineChangeOut(Schema):
    from_date: dt.date
    to_date: dt.date
    reason: str
    by: PersonRef | None
    at: dt.datetime
    extension: int | None = Field(description="The approved extension request that moved it; null: the office moved it directly.")


class OverdueSpellOut(Schema):
    started_on: dt.date = Field(description="The first day overdue: the day after the due date then.")
    ended_on: dt.date | None = Field(description="The day it stopped being overdue; null while it still is.")
    ended_by: str = Field(description="completed, extended (due date moved), closed (with the reform), stopped (reform not under way), or empty.")
    due_date: dt.date
    days: int = Field(description="Days overdue, both ends counted: (ended_on or today) - started_on + 1.")


class TaskDetailOut(TaskOut):
    """One task, with its deadline record: each move of its due date and each spell it was overdue."""

    deadline_changes: list[DeadlineChangeOut]
    overdue_spells: list[OverdueSpellOut]


class TaskList(Schema):
    count: int
    items: list[TaskOut] = Field(description="The tree, depth first: each task before its sub-tasks.")


class TaskChange(Schema):
    """The fields to change; leave out what stays. The unit and the person by id."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(None, max_length=limits.TITLE)  # type: ignore[assignment]
    unit: ObjectId = Field(None, description="Id of the responsible unit.")  # type: ignore[assignment]
    assignee: ObjectId | None = Field(None, description="Id of the responsible person, or null.")
    start_date: dt.date = None  # type: ignore[assignment]
    due_date: dt.date = None  # type: ignore[assignment]
    weight: float = Field(None, description="Greater than 0, at most two decimals.")  # type: ignore[assignment]
    deliverable: str = Field(None, max_length=limits.LONG_TEXT)  # type: ignore[assignment]
    sort_order: int = Field(None, ge=0, le=2**31 - 1, description="Place among its siblings.")  # type: ignore[assignment]


class TaskPatch(TaskChange):
    reason: str = Field("", max_length=limits.REASON, description="Why the due date moves: required when it does (the office only).")


class TaskCreate(TaskChange):
    """A new task: at the top of the reform's tree, or under ``parent``."""

    title: str = Field(..., max_length=limits.TITLE)
    unit: ObjectId = Field(..., description="Id of the responsible unit.")
    start_date: dt.date
    due_date: dt.date
    weight: float = Field(1, description="Greater than 0, at most two decimals.")
    deliverable: str = Field("", max_length=limits.LONG_TEXT)
    parent: ObjectId | None = Field(None, description="Id of the parent task; none for a top-level task.")


def _refs(reform_id: int) -> dict[str, Ref]:
    """The ids a task's payload names: its unit, its person, its parent (in the same reform)."""
    return {
        "unit": Ref(Unit.objects.all(), _("Unknown unit id: %(id)s.")),
        "assignee": Ref(User.objects.filter(is_active=True), _("Unknown person id: %(id)s."), nullable=True),
        "parent": Ref(Task.objects.filter(reform_id=reform_id), _("Unknown task id in this reform: %(id)s."), nullable=True),
    }


def _fields(payload: Schema, reform_id: int) -> dict[str, Any]:
    """The payload's fields as the task services take them: objects for ids, a Decimal weight."""
    data = resolve_ids(payload.model_dump(exclude_unset=True), _refs(reform_id))
    if "weight" in data:
        data["weight"] = Decimal(str(data["weight"]))
    return data


def task_out(task: Task, on: dt.date, depth: int | None = None, *, shows_reported: bool = True) -> dict[str, Any]:
    """A task as the API shows it; ``shows_reported``: whether the caller sees the figure awaiting
    review (``rules.sees_reported``)."""
    return {
        "id": task.pk,
        "reform_id": task.reform_id,
        "parent_id": task.parent_id,
        "depth": task.depth if depth is None else depth,
        "sort_order": task.sort_order,
        "title": task.title,
        "unit": unit_out(task.unit),
        "assignee": person_out(task.assignee),
        "start_date": task.start_date,
        "due_date": task.due_date,
        "original_due_date": task.original_due_date,
        "weight": float(task.weight),
        "deliverable": task.deliverable,
        "status": task.status,
        "progress": task.progress,
        "reported_percent": task.reported_percent if shows_reported else None,
        "awaiting_review": task.reported_percent is not None,
        "level": task.level,
        "level_reason": task.level_reason,
        "warning": levels.describe_task(task, on),
        "last_report_on": task.last_report_on,
    }


@router.get("/reforms/{reform_id}/tasks", response=TaskList, summary="A reform's task tree")
def list_reform_tasks(request: HttpRequest, reform_id: Path[ObjectId]) -> dict[str, Any]:
    """Every task of the reform, in tree order. 404 unless the caller may see the reform in full."""
    user = signed_in_user(request)
    reform = get_reform(user, reform_id)
    on = today()
    rows = task_selectors.task_tree(reform)
    return {
        "count": len(rows),
        "items": [task_out(row.task, on, row.depth, shows_reported=sees_reported(user, row.task, reform)) for row in rows],
    }


@router.post("/reforms/{reform_id}/tasks", response={201: TaskOut}, summary="Add a task to a reform")
def create_task(request: HttpRequest, reform_id: Path[ObjectId], payload: TaskCreate) -> Status:
    """The lead unit (or the office) decomposes its reform; the unit responsible for a task may split
    it further by naming it as ``parent``."""
    user = signed_in_user(request)
    reform = get_reform(user, reform_id, for_change=True)
    data = _fields(payload, reform.pk)
    parent = data.pop("parent", None)
    task = task_services.create_task(user=user, reform=reform, parent=parent, **data)
    task = Task.objects.select_related("unit", "assignee").get(pk=task.pk)
    return Status(201, task_out(task, today()))


def task_detail_out(task: Task, on: dt.date, *, shows_reported: bool = False) -> dict[str, Any]:
    return {
        **task_out(task, on, shows_reported=shows_reported),
        "deadline_changes": [
            {"from_date": c.from_date, "to_date": c.to_date, "reason": c.reason, "by": person_out(c.changed_by),
             "at": c.created_at, "extension": c.extension_id}
            for c in extension_selectors.deadline_changes(task)
        ],
        "overdue_spells": [
            {"started_on": s.started_on, "ended_on": s.ended_on, "ended_by": s.ended_by, "due_date": s.due_date, "days": s.days(on)}
            for s in extension_selectors.overdue_spells(task)
        ],
    }


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="One task, with its deadline record")
def get_task(request: HttpRequest, task_id: Path[ObjectId]) -> dict[str, Any]:
    user = signed_in_user(request)
    task = task_selectors.get_task(user, task_id)
    return task_detail_out(task, today(), shows_reported=sees_reported(user, task))


@router.patch("/tasks/{task_id}", response=TaskDetailOut, summary="Change a task")
def update_task(request: HttpRequest, task_id: Path[ObjectId], payload: TaskPatch) -> dict[str, Any]:
    """Only the reform office moves a task's dates (a unit's change answers 422 on the field: ask
    for an extension); moving the due date needs a ``reason`` and is recorded."""
    user = signed_in_user(request)
    task = task_selectors.get_task(user, task_id, for_change=True)
    data = _fields(payload, task.reform_id)
    reason = data.pop("reason", "")
    task_services.update_task(user=user, task=task, changes=cast(task_services.TaskChanges, data), reason=reason)
    task = Task.objects.select_related("unit", "assignee").get(pk=task.pk)
    return task_detail_out(task, today(), shows_reported=sees_reported(user, task))
