"""Background jobs of the ledger import (django-tasks, on the ``imports`` queue of ``reformledger worker``).

An upload is checked by :func:`check_ledger_import` (a dry run that stores the preview or the
problems), and applied by :func:`apply_ledger_import` once the office confirms. Both report
progress on the :class:`~reformledger.reforms.models.LedgerImport` row every few hundred rows, for
the progress bar. The apply reads and checks the file again: the catalogue may have changed since
the check, and the import stays all-or-nothing.

The jobs import the ledger's steps, never the other way round: the pages queue a job by handing
``check_ledger_import.enqueue`` / ``apply_ledger_import.enqueue`` to
:func:`~reformledger.reforms.ledger.uploads.start_import` / ``confirm_import`` / ``retry_import``.

They run on their own queue (``imports``), which the worker runs in a thread of its own, so that a
long import never holds up a reminder (ADR 0031). A job that a dead worker left running is ended by
the worker (:mod:`reformledger.core.jobs`), which then calls :func:`import_lost`: the import is
marked failed, and its page offers to retry it.
"""

from __future__ import annotations

import inspect
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from reformledger.org.models import User

from .ledger.applying import import_ledger
from .ledger.uploads import APPLY, CHECK, choice_of, fail, finish, progress_of
from .models import LedgerImport

logger = logging.getLogger(__name__)
Status = LedgerImport.ImportStatus
#: The queue of the import jobs (settings.TASKS QUEUES); reminders are on "default".
IMPORTS_QUEUE = "imports"


def _run(item: LedgerImport, *, user, dry_run: bool, done: str) -> str:
    step = CHECK if dry_run else APPLY
    if settings.LEDGER_JOB_TEST_DELAY:  # tests only: an import that takes its time, to kill or overtake
        time.sleep(settings.LEDGER_JOB_TEST_DELAY)
    try:
        with item.file.open("rb") as source:  # through the storage: a local disk or any other
            result = import_ledger(
                user=user,
                source=source,
                dry_run=dry_run,
                progress=progress_of(item.pk),
                choice=None if dry_run else choice_of(item),
                filename=item.filename,
            )
    except PermissionDenied as exc:
        finish(item.pk, status=Status.REJECTED, message=str(exc))
        return Status.REJECTED
    except FileNotFoundError:
        fail(item.pk, step=step, message=_("The uploaded file is no longer on the server."))
        return Status.FAILED
    except Exception:
        logger.exception("Ledger import %s failed", item.pk)
        fail(item.pk, step=step, message=_("The import failed unexpectedly; nothing was written."))
        raise
    status = done if result.ok else Status.REJECTED
    finish(item.pk, status=status, result=result)
    return status


@task(queue_name=IMPORTS_QUEUE)
def check_ledger_import(import_id: int, language: str = "") -> str:
    """Check an uploaded ledger and store the preview (or every problem). Writes no reform."""
    item = LedgerImport.objects.select_related("uploaded_by").get(pk=import_id)
    if item.status != Status.CHECKING:  # already checked: a repeated job does nothing
        return item.status
    with translation.override(language or settings.LANGUAGE_CODE):
        return _run(item, user=item.uploaded_by, dry_run=True, done=Status.READY)


@task(queue_name=IMPORTS_QUEUE)
def apply_ledger_import(import_id: int, user_id: int, language: str = "") -> str:
    """Apply a confirmed ledger in one transaction, as the person who confirmed it."""
    item = LedgerImport.objects.get(pk=import_id)
    if item.status != Status.APPLYING:
        return item.status
    user = User.objects.filter(pk=user_id, is_active=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        if user is None:
            finish(
                item.pk,
                status=Status.REJECTED,
                message=_("The person who confirmed the import is no longer active."),
            )
            return Status.REJECTED
        return _run(item, user=user, dry_run=False, done=Status.APPLIED)


def import_lost(task_path: str, args: list, kwargs: dict) -> bool:
    """A job of ours that a dead worker left running (or that ran past ``JOB_TIMEOUT``): mark its
    import failed, so that the office can retry it. True when the job was one of the import's."""
    steps = {check_ledger_import.module_path: CHECK, apply_ledger_import.module_path: APPLY}
    step = steps.get(task_path)
    if step is None:
        return False
    job = check_ledger_import if step == CHECK else apply_ledger_import
    given = inspect.signature(job.func).bind_partial(*args, **kwargs).arguments
    import_id, language = given.get("import_id"), given.get("language")
    if not isinstance(import_id, int):
        return False
    # In the language of the person who queued the step, as the job itself would have written.
    with translation.override(language or settings.LANGUAGE_CODE):
        message = (
            _("The background worker stopped while checking this ledger. Nothing was written; retry the check.")
            if step == CHECK
            else _("The background worker stopped while applying this ledger. Nothing was written; retry to apply it.")
        )
        fail(import_id, step=step, message=message)
    return True
