"""A task's due date, once the task exists, moves only here: the office's direct move (with a
reason, from the task's edit) and an approved extension request both go through
:func:`move_due_date`, which records the move (:class:`~..models.DeadlineChange`) and first brings
the task's overdue record up to date under the old date (lateness is history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action

from ..models import DeadlineChange, ExtensionRequest, Task
from ..rollup import refresh_reform


def move_due_date(
    *, user, task: Task, to: dt.date, reason: str, extension: ExtensionRequest | None = None, fields: Iterable[str] = ()
) -> DeadlineChange:
    """Move ``task``'s due date to ``to`` and record it. Call inside the write's transaction, with
    the reform locked and the move already checked; ``fields`` names other changed fields of
    ``task`` to save with it. The caller recomputes the reform afterwards."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for moving the due date.")})
    # The overdue spells as of today under the old date: a task overdue until now keeps that record.
    refresh_reform(task.reform_id)
    before = Task.objects.filter(pk=task.pk).values_list("due_date", flat=True).get()
    task.due_date = to
    task.save(update_fields=sorted({"due_date", "updated_at", *fields}))
    change = DeadlineChange.objects.create(
        task=task, from_date=before, to_date=to, reason=reason, changed_by=user, extension=extension
    )
    log_action(
        user, "task.move_due_date", task,
        {"due_date": [before, to], "reason": reason, **({"extension": extension.pk} if extension else {})},
    )
    return change
