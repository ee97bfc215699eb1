"""Extension requests (延期申请): deadlines are the office's commitments.

The unit responsible for a task (or the reform's lead unit) asks for a later due date with a
reason and evidence; the office of the task's district approves, granting a date (the one asked
for unless it says otherwise), or refuses with a comment. An approved request moves the due date
through the one writer of due dates (:func:`.deadlines.move_due_date`), so the move is recorded and
the task's overdue spell, if any, closes and stays on record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.reforms.models import Reform

from .. import notify
from ..models import ExtensionRequest, ExtensionStatus, Level, Task, TaskStatus
from ..rollup import WATCHED_STATUSES, refresh_reform, today
from .common import Errors, add_error, check_date, lock_reform, reloaded_task
from .deadlines import move_due_date
from .evidence import check_evidence, store_evidence


def _shown(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _check_task_open(task: Task, reform: Reform, errors: Errors) -> None:
    if reform.status not in WATCHED_STATUSES:
        add_error(errors, "task", _("Only the tasks of a reform under way can be extended."))
    if task.status == TaskStatus.DONE or task.level == Level.DONE:
        add_error(errors, "task", _("This task is done or closed: it needs no more time."))


@transaction.atomic
def request_extension(
    *, user, task: Task, new_due_date: dt.date | None, reason: str, evidence: Sequence = ()
) -> ExtensionRequest:
    """The unit responsible for ``task`` (or the reform's lead unit) asks for a later due date."""
    reform = lock_reform(task.reform_id)
    task = reloaded_task(task)
    require(
        user, "supervision.request_extension", task,
        message=_("Only the unit responsible for the task, or the reform's lead unit, asks for more time."),
    )
    errors: Errors = {}
    _check_task_open(task, reform, errors)
    if ExtensionRequest.objects.filter(task=task, status=ExtensionStatus.PENDING).exists():
        add_error(errors, "task", _("An extension request for this task is already awaiting the office."))
    new_due_date = check_date(new_due_date, "new_due_date", errors)
    if new_due_date is None and "new_due_date" not in errors:
        add_error(errors, "new_due_date", _("Give the new due date you ask for."))
    elif new_due_date is not None:
        if new_due_date <= task.due_date:
            add_error(errors, "new_due_date", _("The new due date must be after the current one (%(date)s).") % {"date": _shown(task.due_date)})
        elif new_due_date < today():
            add_error(errors, "new_due_date", _("The new due date cannot be before today."))
    reason = (reason or "").strip()
    if not reason:
        add_error(errors, "reason", _("Give the reason you need more time."))
    if errors or new_due_date is None:
        raise ValidationError(errors)
    checked = check_evidence(evidence)
    request = ExtensionRequest.objects.create(
        task=task, reform=reform, district_id=task.district_id, unit_id=task.unit_id, requested_by=user,
        due_date=task.due_date, requested_date=new_due_date, reason=reason,
    )
    stored = store_evidence(user, reform.pk, checked, extension=request)
    log_action(
        user, "task.request_extension", task,
        {"extension": request.pk, "due_date": [task.due_date, new_due_date], "reason": reason, "evidence": [e.name for e in stored]},
    )
    notify.extension_requested(request, task=task)
    return request


def _check_grant(task: Task, reform: Reform, granted: dt.date | None, errors: Errors) -> None:
    """A granted date is after the current due date, not before today, and within the parent
    task's due date (the reform's, at the top): the office moves those first."""
    if granted is None:
        return
    if granted <= task.due_date:
        add_error(errors, "granted_due_date", _("The granted due date must be after the current one (%(date)s).") % {"date": _shown(task.due_date)})
    elif granted < today():
        add_error(errors, "granted_due_date", _("The granted due date cannot be before today."))
    parent = task.parent
    if parent is not None and granted > parent.due_date:
        add_error(
            errors, "granted_due_date",
            _("The parent task “%(task)s” is due on %(date)s: move its due date first.") % {"task": parent.title, "date": _shown(parent.due_date)},
        )
    elif parent is None and reform.due_date and granted > reform.due_date:
        add_error(
            errors, "granted_due_date",
            _("The reform is due on %(date)s: the office must first move the reform's due date.") % {"date": _shown(reform.due_date)},
        )


@transaction.atomic
def decide_extension(
    *, user, request: ExtensionRequest, approve: bool, granted_due_date: dt.date | None = None, comment: str = ""
) -> ExtensionRequest:
    """The office of the task's district approves (granting a date: the requested one by default)
    or refuses (with a comment). A request is decided once."""
    reform = lock_reform(request.reform_id)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    require(user, "supervision.decide_extension", request, message=_("Only the reform office of the district decides extension requests."))
    if request.status != ExtensionStatus.PENDING:
        raise ValidationError({"status": _("This extension request was already decided (%(status)s).") % {"status": request.get_status_display()}})
    comment = (comment or "").strip()
    task = Task.objects.select_related("parent").get(pk=request.task_id)
    errors: Errors = {}
    if approve:
        granted = check_date(granted_due_date, "granted_due_date", errors) or (None if errors else request.requested_date)
        _check_task_open(task, reform, errors)
        _check_grant(task, reform, granted, errors)
    elif not comment:
        add_error(errors, "comment", _("Say why the request is refused."))
    if errors:
        raise ValidationError(errors)
    if approve:
        assert granted is not None
        move_due_date(user=user, task=task, to=granted, reason=request.reason, extension=request)
        request.granted_date = granted
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.comment = comment
    request.save()
    log_action(
        user, "task.decide_extension", task,
        {"extension": request.pk, "status": [ExtensionStatus.PENDING, request.status], "granted_date": request.granted_date, "comment": comment},
    )
    notify.extension_decided(request, task=task)
    refresh_reform(reform.pk)
    return request
