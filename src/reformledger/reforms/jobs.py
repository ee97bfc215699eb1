"""Background jobs of the ledger import (django-tasks, run by ``db_worker``).

An upload is checked by :func:`check_ledger_import` (a dry run that stores the preview or the
problems), and applied by :func:`apply_ledger_import` once the office confirms. Both report
progress on the :class:`~reformledger.reforms.models.LedgerImport` row every few hundred rows, for
the progress bar. The apply reads and checks the file again: the catalogue may have changed since
the check, and the import stays all-or-nothing.

The jobs import the ledger's steps, never the other way round: the pages queue a job by handing
``check_ledger_import.enqueue`` / ``apply_ledger_import.enqueue`` to
:func:`~reformledger.reforms.ledger.uploads.start_import` / ``confirm_import``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from reformledger.org.models import User

from .ledger.applying import import_ledger
from .ledger.uploads import choice_of, finish, progress_of
from .models import LedgerImport

logger = logging.getLogger(__name__)
Status = LedgerImport.ImportStatus


def _run(item: LedgerImport, *, user, dry_run: bool, done: str) -> str:
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
        finish(item.pk, status=Status.FAILED, message=_("The uploaded file is no longer on the server."))
        return Status.FAILED
    except Exception:
        logger.exception("Ledger import %s failed", item.pk)
        finish(item.pk, status=Status.FAILED, message=_("The import failed unexpectedly; nothing was written."))
        raise
    status = done if result.ok else Status.REJECTED
    finish(item.pk, status=status, result=result)
    return status


@task()
def check_ledger_import(import_id: int, language: str = "") -> str:
    """Check an uploaded ledger and store the preview (or every problem). Writes no reform."""
    item = LedgerImport.objects.select_related("uploaded_by").get(pk=import_id)
    if item.status != Status.CHECKING:  # already checked: a repeated job does nothing
        return item.status
    with translation.override(language or settings.LANGUAGE_CODE):
        return _run(item, user=item.uploaded_by, dry_run=True, done=Status.READY)


@task()
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
