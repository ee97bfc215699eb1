"""The office's uploads: a ledger kept as a :class:`~reformledger.reforms.models.LedgerImport`,
checked in the background, confirmed, applied in the background — and the record's progress;
and which uploads a person sees (:func:`visible_imports`: their own and their district offices').

This module queues nothing itself: whoever starts the work passes the job to queue (``enqueue``,
from :mod:`reformledger.reforms.jobs`), and the jobs use :func:`progress_of` and :func:`finish`
to keep the record up to date. So the ledger never imports the jobs that run it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import Membership, Role
from reformledger.org.selectors import actor_for

from ..models import LedgerImport
from .applying import IMPORT_REFUSED, ImportResult
from .format import Problem, Progress
from .planning import Choice
from .workbook import check_file

#: ``enqueue(import_id, language)``: queue the check of an upload.
EnqueueCheck = Callable[[int, str], Any]
#: ``enqueue(import_id, user_id, language)``: queue the apply of a confirmed upload.
EnqueueApply = Callable[[int, int, str], Any]


@transaction.atomic
def start_import(*, user, uploaded_file, language: str, enqueue: EnqueueCheck) -> LedgerImport:
    """Keep an uploaded ledger and queue its check (``enqueue``, after the commit); the file's form
    is checked at once.

    Raises :class:`~.format.LedgerFileError` (one clear message) for a file that is empty, too
    large or not a ledger (.xlsx, .xls or CSV), so that the upload form can say so straight away.
    """
    require(user, "reforms.import_ledger", message=IMPORT_REFUSED)
    check_file(uploaded_file)
    name = os.path.basename(uploaded_file.name or "ledger.xlsx")[:255]
    item = LedgerImport.objects.create(uploaded_by=user, file=uploaded_file, filename=name)
    transaction.on_commit(lambda: enqueue(item.pk, language))
    return item


@transaction.atomic
def confirm_import(
    *, user, ledger_import: LedgerImport, language: str, enqueue: EnqueueApply, take: Collection[int] = ()
) -> LedgerImport:
    """Queue the apply of a checked ledger (``enqueue``, after the commit); the apply checks the
    file again against the catalogue as it is then, and writes nothing if anything has become
    wrong in between.

    ``take``: the conflicting rows the office takes from the ledger, each recorded with the version
    of its reform the preview showed; a reform that changes again before the apply is kept."""
    require(user, "reforms.import_ledger", message=IMPORT_REFUSED)
    item = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    if item.status != LedgerImport.ImportStatus.READY:
        raise ValidationError(
            _("This ledger is not ready to apply (it is %(status)s).") % {"status": item.get_status_display()}
        )
    versions = (item.summary or {}).get("conflict_versions", {})
    unknown = sorted(row for row in take if str(row) not in versions)
    if unknown:
        raise ValidationError(
            {"take": _("Row %(row)s is not a conflict of this ledger.") % {"row": unknown[0]}}
        )
    item.summary = {**(item.summary or {}), "take_ledger": {str(row): versions[str(row)] for row in take}}
    item.status = LedgerImport.ImportStatus.APPLYING
    item.rows_done = 0
    item.save(update_fields=["status", "rows_done", "summary", "updated_at"])
    transaction.on_commit(lambda: enqueue(item.pk, user.pk, language))
    return item


#: Which step of an import failed, kept in its summary: a retry runs that step again.
CHECK, APPLY = "check", "apply"


@transaction.atomic
def retry_import(
    *, user, ledger_import: LedgerImport, language: str, enqueue_check: EnqueueCheck, enqueue_apply: EnqueueApply
) -> LedgerImport:
    """Run a failed import's step again (ADR 0031): the check of its file, or its apply with the
    conflicts the office took, as ``user``. A worker that died in the middle left nothing written
    (the apply is one transaction), so running the step again is safe; it is audited."""
    require(user, "reforms.import_ledger", message=IMPORT_REFUSED)
    item = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
    if item.status != LedgerImport.ImportStatus.FAILED:
        raise ValidationError(
            _("Only a failed import can be retried (this one is %(status)s).") % {"status": item.get_status_display()}
        )
    step = (item.summary or {}).get("failed_during") or (APPLY if "take_ledger" in (item.summary or {}) else CHECK)
    status = LedgerImport.ImportStatus.APPLYING if step == APPLY else LedgerImport.ImportStatus.CHECKING
    item.status, item.rows_done, item.errors = status, 0, []
    item.save(update_fields=["status", "rows_done", "errors", "updated_at"])
    log_action(user, "ledger_import.retry", item, {"status": [LedgerImport.ImportStatus.FAILED, status], "step": step})
    if step == APPLY:
        transaction.on_commit(lambda: enqueue_apply(item.pk, user.pk, language))
    else:
        transaction.on_commit(lambda: enqueue_check(item.pk, language))
    return item


def fail(pk: int, *, step: str, message: str) -> bool:
    """Record that ``step`` of an import failed (a check or an apply still under way only); True
    when it was under way. Audited as the system: nobody did it."""
    with transaction.atomic():
        item = LedgerImport.objects.select_for_update().filter(pk=pk).first()
        working = (LedgerImport.ImportStatus.CHECKING, LedgerImport.ImportStatus.APPLYING)
        if item is None or item.status not in working:
            return False
        before = item.status
        item.status = LedgerImport.ImportStatus.FAILED
        item.summary = {**(item.summary or {}), "failed_during": step}
        item.errors = [Problem(None, "", message).as_dict()]
        item.save(update_fields=["status", "summary", "errors", "updated_at"])
        log_action(None, "ledger_import.fail", item, {"status": [before, item.status], "step": step})
    return True


def progress_of(pk: int) -> Progress:
    """A progress callback that records the rows done on the import, for the progress bar."""

    def report(done: int, total: int) -> None:
        LedgerImport.objects.filter(pk=pk).update(rows_done=done, rows_total=total)

    return report


def choice_of(item: LedgerImport) -> Choice:
    """The conflicts the office chose to take when it confirmed ``item``."""
    rows = (item.summary or {}).get("take_ledger", {})
    return Choice(rows={int(row): version for row, version in rows.items()})


def finish(pk: int, *, status: str, result: ImportResult | None = None, message: str = "") -> None:
    """Record how a check or an apply ended: its status and its summary, problems or message."""
    fields: dict[str, Any] = {"status": status, "updated_at": timezone.now()}
    if result is not None:
        fields["summary"] = result.summary()
        fields["errors"] = [problem.as_dict() for problem in result.problems]
    elif message:
        fields["errors"] = [Problem(None, "", message).as_dict()]
    LedgerImport.objects.filter(pk=pk).update(**fields)


# --- reading the uploads -------------------------------------------------------------------------


def visible_imports(user) -> QuerySet[LedgerImport]:
    """The ledger uploads this person sees: their own and their district offices' (an upload
    previews its district's reforms; ADR 0025); every upload for the province office."""
    actor = actor_for(user)
    qs = LedgerImport.objects.select_related("uploaded_by")
    if actor.reads_every_district:
        return qs
    districts = sorted(actor.district_ids)
    colleagues = Membership.objects.filter(role=Role.OFFICE).filter(
        Q(unit__district_id__in=districts) | Q(unit_id__in=districts)
    )
    return qs.filter(Q(uploaded_by_id=getattr(user, "pk", None)) | Q(uploaded_by__in=colleagues.values("user_id")))


def recent_imports(user, limit: int) -> list[LedgerImport]:
    """The latest ledger uploads the person sees, newest first, with who uploaded them."""
    return list(visible_imports(user).order_by("-created_at")[:limit])


def get_import(user, pk: int) -> LedgerImport:
    """One ledger upload the person sees, with who uploaded it, or 404."""
    return get_object_or_404(visible_imports(user), pk=pk)
