"""What the writes of supervision share: locking a reform's row and recording input errors."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.compiled import compiled_one
from reformledger.reforms.models import Reform

from ..models import Task
from ..selectors.tasks import task_with_reform

#: How long a second, identical submission by the same person counts as the first sent twice.
REPEAT_WINDOW = dt.timedelta(minutes=2)

#: A service's input errors, by field, as ``ValidationError`` takes them.
Errors = dict[str, list[str]]


def lock_reform(reform_id: int) -> Reform:
    """The reform's row, locked for the rest of the write's transaction (every write on a reform's
    work begins here: its SQL is compiled once per process, core.compiled)."""
    # Only the reform's row: a join here would lock its district's unit row too (PostgreSQL),
    # serialising every write of the district.
    reform = compiled_one("lock-reform", lambda pk: Reform.objects.select_for_update().filter(pk=pk), reform_id)
    if reform is None:
        raise Reform.DoesNotExist(f"no reform {reform_id}")
    return reform


def reloaded_task(task: Task) -> Task:
    """``task`` read again with its reform, once its reform is locked: a write decides on what it
    reads under the lock, not on what the request loaded before."""
    found = task_with_reform(task.pk)
    if found is None:
        raise Task.DoesNotExist(f"no task {task.pk}")
    return found


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_date(value, field: str, errors: Errors) -> dt.date | None:
    """A date argument: the date, or None (for None, or after recording that it is not a date)."""
    if value is None or isinstance(value, dt.date):
        return value
    add_error(errors, field, _("Enter a date as YYYY-MM-DD."))
    return None


def parse_date(value, field: str, errors: Errors) -> dt.date | None:
    """A date, or its ISO text as a stored proposal keeps it (JSON): the date, or None."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        add_error(errors, field, _("Enter a date as YYYY-MM-DD."))
        return None


def refuse_repeat(same: QuerySet, *, field: str) -> None:
    """Refuse a record identical to one the same person made a moment ago (a form sent twice, a
    retried request): ``same`` selects the identical records. Call it after locking what the record
    belongs to, so that two requests at once see each other."""
    if same.filter(created_at__gte=timezone.now() - REPEAT_WINDOW).exists():
        raise ValidationError({field: _("This was already sent a moment ago; it is not sent twice.")})
