"""Tasks (任务节点): a reform's tree, decomposed layer by layer (层层分解).

The lead unit (or the office) decomposes its reform; the unit responsible for a task may split it
further. Once a task exists only the office moves its dates (a unit asks for an extension); each
move of the due date is recorded with its reason. Dates stay inside the parent's range (the reform's, for a top-level task); a task with
progress reports can be changed but not removed. Tasks follow their reform: its district, and its
completion (:func:`on_reforms_changed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, diff, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Unit, User
from reformledger.org.selectors import actor_for, is_within
from reformledger.reforms.models import Reform, Status

from ..models import SETTLED_STATUSES, OverdueSpell, ProgressReport, ReformWarning, Task, TaskStatus
from ..rollup import refresh_reform, today
from ..scan import recompute_reforms
from .common import Errors, add_error, check_date, lock_reform, reloaded_task
from .deadlines import move_due_date


class TaskChanges(TypedDict, total=False):
    """The fields of a task a write sets; a change names only what changes."""

    title: str
    unit: Unit
    assignee: User | None
    start_date: dt.date
    due_date: dt.date
    weight: Decimal | int
    deliverable: str
    sort_order: int


TASK_FIELDS = tuple(TaskChanges.__annotations__)


def _snapshot(task: Task) -> dict[str, Any]:
    return {
        name: getattr(task, f"{name}_id" if name in ("unit", "assignee") else name) for name in TASK_FIELDS
    }


def _assign(task: Task, changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in sorted(unknown)})
    errors: Errors = {}
    for name, value in changes.items():
        if name in ("start_date", "due_date"):
            value = check_date(value, name, errors)
        setattr(task, name, value)
    if errors:
        raise ValidationError(errors)


# --- validation, in steps ------------------------------------------------------------------------


def _check_fields(task: Task, errors: Errors) -> None:
    if not (task.title or "").strip():
        add_error(errors, "title", _("A task needs a title."))
    if task.start_date is None:
        add_error(errors, "start_date", _("A task needs a start date."))
    if task.due_date is None:
        add_error(errors, "due_date", _("A task needs a due date."))
    try:
        weight = Decimal(str(task.weight))
        if not weight.is_finite() or weight <= 0:
            add_error(errors, "weight", _("The weight must be greater than 0."))
        elif weight >= Decimal("100000") or weight != weight.quantize(Decimal("0.01")):
            add_error(errors, "weight", _("The weight must be below 100000, with at most two decimals."))
    except (InvalidOperation, TypeError, ValueError):
        add_error(errors, "weight", _("The weight must be a number."))


def _check_people(task: Task, reform: Reform, errors: Errors) -> None:
    unit = task.unit if task.unit_id else None
    if unit is None:
        add_error(errors, "unit", _("A task needs a responsible unit."))
    elif unit.district_id != reform.district_id or not unit.is_active:
        add_error(errors, "unit", _("The responsible unit must be an active unit of the reform's district."))
    assignee = task.assignee if task.assignee_id else None
    if assignee is not None and unit is not None:
        works_there = assignee.memberships.filter(unit_id=unit.pk).exists() and assignee.is_active
        if not works_there:
            add_error(errors, "assignee", _("The responsible person must work in the responsible unit."))


def _check_range(task: Task, reform: Reform, parent: Task | None, errors: Errors) -> None:
    """The dates in order, inside the parent's range (the reform's at the top), around the children's."""
    start, due = task.start_date, task.due_date
    if due < start:
        add_error(errors, "due_date", _("The due date is before the start date."))
    if parent is not None:
        if start < parent.start_date:
            add_error(errors, "start_date", _("A sub-task cannot start before its parent task (%(date)s).") % {"date": formats.date_format(parent.start_date, "DATE_FORMAT")})
        if due > parent.due_date:
            add_error(errors, "due_date", _("A sub-task is due no later than its parent task (%(date)s).") % {"date": formats.date_format(parent.due_date, "DATE_FORMAT")})
    else:
        if reform.start_date and start < reform.start_date:
            add_error(errors, "start_date", _("A task cannot start before its reform (%(date)s).") % {"date": formats.date_format(reform.start_date, "DATE_FORMAT")})
        if reform.due_date and due > reform.due_date:
            add_error(errors, "due_date", _("A task is due no later than its reform (%(date)s).") % {"date": formats.date_format(reform.due_date, "DATE_FORMAT")})
    if task.pk:
        children = list(task.children.values_list("title", "start_date", "due_date"))
        late = [title for title, c_start, c_due in children if c_start < start or c_due > due]
        if late:
            add_error(
                errors, "due_date", _("These sub-tasks would fall outside the new dates: %(titles)s.") % {"titles": "、".join(late)}
            )


def _check_split(user, task: Task, parent: Task | None, errors: Errors) -> None:
    """A unit splits its task among its own people or units under it (its communities, estates),
    never hands it to a peer unit; the office, which coordinates, may give a sub-task to any unit."""
    if parent is None or not task.unit_id or actor_for(user).is_office:
        return
    if not is_within(task.unit, parent.unit):
        add_error(
            errors, "unit",
            _("The sub-task of “%(task)s” may go to %(unit)s itself or to a unit under it, not to %(other)s.")
            % {"task": parent.title, "unit": parent.unit.name, "other": task.unit.name},
        )


def _validate(task: Task, reform: Reform, parent: Task | None, *, user=None, unit_changed: bool = True) -> None:
    errors: Errors = {}
    _check_fields(task, errors)
    _check_people(task, reform, errors)
    if unit_changed:
        _check_split(user, task, parent, errors)
    if task.start_date and task.due_date:
        _check_range(task, reform, parent, errors)
    if errors:
        raise ValidationError(errors)


# --- the writes ----------------------------------------------------------------------------------


@transaction.atomic
def create_task(
    *,
    user,
    reform: Reform,
    parent: Task | None = None,
    title: str,
    unit: Unit,
    start_date: dt.date,
    due_date: dt.date,
    assignee: User | None = None,
    weight: Decimal | int = Decimal(1),
    deliverable: str = "",
    sort_order: int = 0,
) -> Task:
    """Add a task to a reform's tree, at the top (the lead unit decomposes its reform) or under
    ``parent`` (the unit responsible for a task may split it further). ``sort_order`` 0 puts it
    after its siblings."""
    reform = lock_reform(reform.pk)
    if parent is not None:
        parent = reloaded_task(parent)
        if parent.reform_id != reform.pk:
            raise ValidationError({"parent": _("The parent task belongs to another reform.")})
        require(user, "supervision.split_task", parent)
    else:
        require(user, "supervision.decompose_reform", reform)
    task = Task(reform=reform, district_id=reform.district_id, parent=parent, set_by_office=actor_for(user).is_office)
    fields = TaskChanges(
        title=title, unit=unit, assignee=assignee, start_date=start_date, due_date=due_date, weight=weight,
        deliverable=deliverable, sort_order=sort_order,
    )
    _assign(task, fields)
    if task.sort_order == 0:
        siblings = Task.objects.filter(reform=reform, parent=parent)
        task.sort_order = (siblings.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    _validate(task, reform, parent, user=user)
    if parent is not None:
        task.path = f"{parent.path}{parent.pk}/"
        task.depth = parent.depth + 1
    task.original_due_date = task.due_date
    task.save()
    log_action(user, "task.create", task, {"reform": [None, reform.pk], **diff({}, _snapshot(task))})
    refresh_reform(reform.pk)
    task.refresh_from_db()
    return task


DATE_FIELDS = ("start_date", "due_date")


def _check_date_owner(user, task: Task, changes: Mapping[str, Any]) -> None:
    """Deadlines are the office's commitments: once a task exists, only the office moves its dates;
    a unit asks for more time with an extension request (a value equal to the current one passes:
    a form sends every field)."""
    moved = [name for name in DATE_FIELDS if name in changes and changes[name] != getattr(task, name)]
    if moved and not user.has_perm("supervision.move_dates", task):
        message = _("Only the reform office moves a task's dates; ask for an extension (延期申请) instead.")
        raise ValidationError({name: message for name in moved})


def _check_weight_owner(user, task: Task, changes: Mapping[str, Any] | None = None) -> None:
    """Weights turn accepted work into the reform's progress: once the office has accepted work on
    any of the reform's tasks, only the office re-weights a task or removes one (a unit could
    otherwise raise its progress by weighting up what is done or dropping what is not; ADR 0022).
    ``changes`` None: the task is being removed."""
    if changes is not None and ("weight" not in changes or changes["weight"] == task.weight):
        return
    if user.has_perm("supervision.move_dates", task):  # the office of the task's district
        return
    if Task.objects.filter(reform_id=task.reform_id, progress__gt=0).exists():
        message = _("Work on this reform has been accepted: only the reform office changes its tasks' weights.")
        if changes is None:
            message = _("Work on this reform has been accepted: only the reform office removes its tasks.")
        raise ValidationError({"weight": message})


@transaction.atomic
def update_task(*, user, task: Task, changes: TaskChanges, reason: str = "") -> Task:
    """Change a task's fields (those named in ``changes``): its reform's lead unit or the office,
    or whoever may split its parent. Only the office moves the dates; moving the due date needs a
    ``reason`` and is recorded (:func:`.deadlines.move_due_date`)."""
    reform = lock_reform(task.reform_id)
    task = Task.objects.select_related("reform", "parent").get(pk=task.pk)
    require(user, "supervision.edit_task", task, message=_("You may not change this task."))
    _check_date_owner(user, task, changes)
    _check_weight_owner(user, task, changes)
    before = _snapshot(task)
    _assign(task, changes)
    _validate(task, reform, task.parent, user=user, unit_changed=task.unit_id != before["unit"])
    changed = diff(before, _snapshot(task))
    if task.due_date != before["due_date"]:
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for moving the due date.")})
        move_due_date(user=user, task=task, to=task.due_date, reason=reason, fields=[name for name in TASK_FIELDS if name in changes])
    else:
        task.save()
    if changed:
        log_action(user, "task.update", task, changed)
        refresh_reform(reform.pk)
        task.refresh_from_db()
    return task


@transaction.atomic
def delete_task(*, user, task: Task) -> None:
    """Remove a task and its sub-tasks; refused once anyone has reported on them (the record stays)."""
    reform = lock_reform(task.reform_id)
    task = Task.objects.select_related("reform", "parent").get(pk=task.pk)
    require(user, "supervision.edit_task", task, message=_("You may not remove this task."))
    _check_weight_owner(user, task)
    subtree = Task.objects.filter(reform_id=reform.pk, path__startswith=f"{task.path}{task.pk}/")
    if ProgressReport.objects.filter(task=task).exists() or ProgressReport.objects.filter(task__in=subtree).exists():
        raise ValidationError({"task": _("This task has progress reports; it can be changed but not removed.")})
    if OverdueSpell.objects.filter(task=task).exists() or OverdueSpell.objects.filter(task__in=subtree).exists():
        raise ValidationError({"task": _("This task was overdue, and that stays on record; it can be changed but not removed.")})
    title = task.title
    task.delete()
    log_action(user, "task.delete", reform, {"task": [title, None]})
    refresh_reform(reform.pk)


# --- follow-up after completion (整改) -------------------------------------------------------------


@transaction.atomic
def create_follow_up_task(
    *,
    user,
    reform: Reform,
    title: str,
    unit: Unit,
    due_date: dt.date,
    assignee: User | None = None,
    deliverable: str = "",
    source: Mapping[str, Any] | None = None,
) -> Task:
    """The office files a follow-up task (整改任务) on a *completed* reform, for a problem found after
    completion (a look-back review, 回头看): a top-level task starting today, due ``due_date`` (on
    or after today; it need not fit the reform's old dates), given to an active unit of the reform's
    district, set by the office. It stays open work after completion (not closed with the reform,
    reported on by its unit) and is watched as work under way is: its level, the warning board,
    overdue spells and reminders (:mod:`..rollup`), while the reform stays completed at its progress. ``source`` is recorded in the audit entry (e.g. the review and problem)."""
    reform = lock_reform(reform.pk)
    require(
        user, "supervision.file_follow_up", reform,
        message=_("Only the reform office of the reform's district files follow-up tasks on a completed reform."),
    )
    if reform.status != Status.COMPLETED:
        raise ValidationError({"reform": _("Follow-up tasks are filed on completed reforms only.")})
    on = today()
    task = Task(reform=reform, district_id=reform.district_id, parent=None, set_by_office=True, follow_up=True)
    _assign(task, TaskChanges(title=title, unit=unit, assignee=assignee, start_date=on, due_date=due_date, deliverable=deliverable))
    errors: Errors = {}
    _check_fields(task, errors)
    _check_people(task, reform, errors)
    if task.due_date is not None and isinstance(task.due_date, dt.date) and task.due_date < on:
        add_error(errors, "due_date", _("The due date of a follow-up task is today or later."))
    if errors:
        raise ValidationError(errors)
    siblings = Task.objects.filter(reform=reform, parent=None)
    task.sort_order = (siblings.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    task.original_due_date = task.due_date
    task.save()
    log_action(user, "task.create", task, {"reform": [None, reform.pk], "follow_up": True, **(source or {}), **diff({}, _snapshot(task))})
    refresh_reform(reform.pk)
    task.refresh_from_db()
    return task


# --- tasks follow their reform -------------------------------------------------------------------


def close_tasks_of_completed(reform_ids: Sequence[int]) -> int:
    """Open tasks of reforms that are now completed are closed at completion, keeping their
    accepted progress (not made 100% done), as accepting a completion does, whatever made the
    reform completed (an Excel ledger import of history). Returns how many closed; each reform's
    audit entry lists them."""
    open_tasks = Task.objects.filter(
        reform_id__in=list(reform_ids), reform__status=Status.COMPLETED, follow_up=False
    ).exclude(status__in=SETTLED_STATUSES)
    by_reform: dict[int, list[int]] = {}
    for pk, reform_id in open_tasks.values_list("pk", "reform_id"):
        by_reform.setdefault(reform_id, []).append(pk)
    if not by_reform:
        return 0
    Task.objects.filter(pk__in=[pk for pks in by_reform.values() for pk in pks]).update(
        status=TaskStatus.CLOSED, updated_at=timezone.now()
    )
    reforms = Reform.objects.in_bulk(list(by_reform))
    log_actions(None, [Change("reform.close_tasks", reforms[rid], {"tasks_closed": pks}) for rid, pks in by_reform.items()])
    return sum(len(pks) for pks in by_reform.values())


def on_reforms_changed(sender=None, *, reform_ids, **kwargs) -> None:
    """Receiver of ``reforms.signals.reforms_changed`` (status or dates moved), in the write's
    transaction: close the open tasks of completed reforms, then recompute the warnings."""
    on = today()
    _follow_district(reform_ids)
    close_tasks_of_completed(reform_ids)
    recompute_reforms(reform_ids, on=on)


def _follow_district(reform_ids: Sequence[int]) -> None:
    """Tasks, their reports and warnings copy their reform's district (the board, the queues and
    the bulletin filter by it): a reform moved to another district takes them along. One update
    per district and model."""
    by_district: dict[int, list[int]] = {}
    for pk, district_id in Reform.objects.filter(pk__in=list(reform_ids)).values_list("pk", "district_id"):
        by_district.setdefault(district_id, []).append(pk)
    for district_id, ids in by_district.items():
        for model in (Task, ReformWarning):
            model.objects.filter(reform_id__in=ids).exclude(district_id=district_id).update(district_id=district_id)
        ProgressReport.objects.filter(task__reform_id__in=ids).exclude(district_id=district_id).update(district_id=district_id)
