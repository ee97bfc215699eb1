"""The office's correction of an accepted figure (ADR 0022).

Progress is what the office accepted: a leaf task's progress is its latest accepted report's
percent, a parent's and the reform's the weighted roll-up of those. Nobody types it; the office of
the reform's district may correct a value, only with a reason:

* a leaf task's accepted figure (the roll-up follows), or
* the progress of a reform without tasks (it has no roll-up: its progress is whatever the office
  last set by correction, or the ledger imported).

Each correction is audited as ``progress.correct`` on the reform, so the reform's history shows it
as a correction with its reason (and the task it corrected).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import LOCKED_STATUSES, Reform

from ..models import SETTLED_STATUSES, Task
from ..rollup import refresh_reform, today
from ..selectors.tasks import has_subtasks
from .common import Errors, add_error, lock_reform, reloaded_task


def _check(percent: Any, reason: str, errors: Errors) -> int | None:
    number: int | None = None
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        add_error(errors, "percent", _("Percent done must be a whole number from 0 to 100."))
    else:
        number = percent
    if not (reason or "").strip():
        add_error(errors, "reason", _("Give the reason for the correction."))
    return number


@transaction.atomic
def correct_progress(*, user, task: Task, percent: int, reason: str) -> Task:
    """The office corrects a leaf task's accepted progress, with a reason; the reform's roll-up
    follows. A report awaiting review stays awaiting review."""
    reform = lock_reform(task.reform_id)
    task = reloaded_task(task)
    require(
        user, "supervision.correct_progress", task,
        message=_("Only the reform office of the reform's district corrects progress."),
    )
    errors: Errors = {}
    number = _check(percent, reason, errors)
    if has_subtasks(task):
        add_error(errors, "task", _("This task is split into sub-tasks; its progress is their roll-up: correct those."))
    if task.status in SETTLED_STATUSES or reform.status in LOCKED_STATUSES:
        add_error(errors, "task", _("This task is no longer open; its progress is kept as it was."))
    if number is not None and number == task.progress:
        add_error(errors, "percent", _("This is the current value."))
    if errors or number is None:
        raise ValidationError(errors)
    before = task.progress
    task.progress = number
    task.save(update_fields=["progress", "updated_at"])
    log_action(
        user, "progress.correct", reform,
        {"corrected_task": task.title, "progress": [before, number], "reason": reason.strip()},
    )
    refresh_reform(reform.pk, on=today())
    return task


@transaction.atomic
def correct_reform_progress(*, user, reform: Reform, percent: int, reason: str) -> Reform:
    """The office corrects the progress of a reform without tasks, with a reason (a reform with
    tasks takes the roll-up of their accepted work: correct a task instead)."""
    reform = lock_reform(reform.pk)
    require(
        user, "supervision.correct_progress", reform,
        message=_("Only the reform office of the reform's district corrects progress."),
    )
    errors: Errors = {}
    number = _check(percent, reason, errors)
    if Task.objects.filter(reform_id=reform.pk).exists():
        add_error(
            errors, "percent",
            _("This reform's progress is the roll-up of its tasks' accepted work: correct a task instead."),
        )
    if reform.status in LOCKED_STATUSES:
        add_error(errors, "percent", _("This reform is completed or terminated; its progress is kept as it was."))
    if number is not None and number == reform.progress:
        add_error(errors, "percent", _("This is the current value."))
    if errors or number is None:
        raise ValidationError(errors)
    return reform_services.correct_reform_progress(user=user, reform=reform, percent=number, reason=reason.strip())
