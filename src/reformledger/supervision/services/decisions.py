"""The office's decisions on a reform: completion (办结) and change requests (改革深化).

A reform is completed only through 办结 (ADR 0022): the lead unit applies with evidence, the office
accepts (the reform is completed, at 100% and locked; its tasks not yet done are closed at
completion, keeping their accepted progress) or returns the application. The office may reopen an
accepted completion with a reason: the reform is back in progress and its closed tasks open again.
During a reform its goals, measures, deliverables or dates are adjusted on evidence: anyone
responsible asks, the office decides (for key reforms with the committee's meeting) and an approved
change applies at once through the reforms' own writer, with full history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action, to_jsonable
from reformledger.core.permissions import require
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Reform, Status, Tier

from .. import notify
from ..models import SETTLED_STATUSES, ChangeRequest, Completion, CompletionStatus, Decision, Task, TaskStatus
from ..rollup import refresh_reform, today
from .common import Errors, add_error, lock_reform, parse_date
from .evidence import check_evidence, store_evidence

# --- completion (办结) -------------------------------------------------------------------------------


@transaction.atomic
def apply_completion(*, user, reform: Reform, summary: str, evidence: Sequence = ()) -> Completion:
    """The lead unit applies to close its reform, with a summary and evidence files."""
    reform = lock_reform(reform.pk)
    require(
        user, "supervision.apply_completion", reform,
        message=_("Only the lead unit applies for completion, while the reform is open."),
    )
    errors: Errors = {}
    if reform.status != Status.IN_PROGRESS:
        add_error(errors, "status", _("Only a reform in progress can apply for completion."))
    if not (summary or "").strip():
        add_error(errors, "summary", _("Summarise the results."))
    if Completion.objects.filter(reform=reform, status=Decision.PENDING).exists():
        add_error(errors, "status", _("An application for completion is already awaiting the office."))
    if not evidence:
        add_error(errors, "evidence", _("Attach the evidence of completion."))
    if errors:
        raise ValidationError(errors)
    checked = check_evidence(evidence)
    completion = Completion.objects.create(reform=reform, applied_by=user, summary=summary.strip())
    stored = store_evidence(user, reform.pk, checked, completion=completion)
    log_action(user, "reform.apply_completion", reform, {"evidence": [None, [e.name for e in stored]]})
    notify.completion_applied(completion)
    return completion


@transaction.atomic
def decide_completion(*, user, completion: Completion, accept: bool, comment: str = "") -> Completion:
    """The office accepts (the reform is completed and locked; open tasks are closed at completion) or
    returns the application with a comment."""
    reform = lock_reform(completion.reform_id)
    require(user, "supervision.decide", reform, message=_("Only the reform office of the reform's district decides completions."))
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    if completion.status != Decision.PENDING:
        raise ValidationError({"status": _("This application was already decided.")})
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the application is returned.")})
    completion.status = Decision.ACCEPTED if accept else Decision.RETURNED
    completion.decided_by = user
    completion.decided_at = timezone.now()
    completion.comment = comment
    if accept:
        completion.progress_before = reform.progress
    completion.save()
    on = today()
    if accept:
        # Work not yet done is closed at completion with its accepted progress, not made 100%.
        open_tasks = Task.objects.filter(reform=reform, follow_up=False).exclude(status__in=SETTLED_STATUSES)
        closed = list(open_tasks.values_list("pk", flat=True))
        open_tasks.update(status=TaskStatus.CLOSED, updated_at=timezone.now())
        reform_services.complete_reform(
            user=user, reform=reform, completion_id=completion.pk, note=comment, recorded={"tasks_closed": closed}
        )  # recomputes through the reforms_changed signal
    else:
        log_action(user, "reform.return_completion", reform, {"completion": [None, completion.pk], "comment": comment})
        refresh_reform(reform.pk, on=on)
    notify.completion_decided(completion)
    return completion


@transaction.atomic
def reopen_completion(*, user, reform: Reform, reason: str) -> Completion:
    """The office reopens a completed reform, with a reason: the reform is back in progress, its
    accepted application is marked reopened (the record stays), the tasks closed at completion are
    open again (in progress, or not started when nobody reported on them) and its progress is again
    the roll-up of their accepted work (a reform without tasks: its progress before completion).
    The lead unit is told."""
    reform = lock_reform(reform.pk)
    require(
        user, "supervision.reopen_completion", reform,
        message=_("Only the reform office of the reform's district reopens a completion."),
    )
    errors: Errors = {}
    if reform.status != Status.COMPLETED:
        add_error(errors, "status", _("Only a completed reform can be reopened."))
    if not (reason or "").strip():
        add_error(errors, "reason", _("Give the reason for reopening."))
    completion = (
        Completion.objects.select_for_update().filter(reform=reform, status=CompletionStatus.ACCEPTED).order_by("-decided_at", "-pk").first()
    )
    if completion is None and "status" not in errors:
        add_error(errors, "status", _("This reform was not completed through an accepted application; nothing to reopen."))
    if errors or completion is None:
        raise ValidationError(errors)
    reason = reason.strip()
    completion.status = CompletionStatus.REOPENED
    completion.reopened_by = user
    completion.reopened_at = timezone.now()
    completion.reopen_reason = reason
    completion.save()
    closed = Task.objects.filter(reform=reform, status=TaskStatus.CLOSED)
    reopened = list(closed.values_list("pk", flat=True))
    # Open again as their reports say: started when anyone reported or progress was accepted.
    closed.filter(Q(last_report_on__isnull=False) | Q(progress__gt=0)).update(status=TaskStatus.IN_PROGRESS, updated_at=timezone.now())
    closed.update(status=TaskStatus.NOT_STARTED, updated_at=timezone.now())
    has_tasks = Task.objects.filter(reform=reform).exists()
    reform_services.reopen_reform(
        user=user, reform=reform, reason=reason, completion_id=completion.pk,
        progress=None if has_tasks else (completion.progress_before or 0), recorded={"tasks_reopened": reopened},
    )  # the roll-up follows through the reforms_changed signal
    notify.completion_reopened(completion)
    return completion


# --- change requests (改革深化) ----------------------------------------------------------------------


class ProposedChange(TypedDict, total=False):
    """What a change request may adjust. Dates may come as ISO text: a stored proposal is JSON."""

    goals: str
    measures: str
    deliverables: str
    start_date: dt.date | str
    due_date: dt.date | str


#: What a change request may adjust (改革深化: goals, measures, deliverables or dates).
CHANGEABLE_FIELDS = tuple(ProposedChange.__annotations__)


def _clean_value(reform: Reform, name: str, value: Any, errors: Errors) -> Any:
    if name.endswith("_date"):
        value = parse_date(value, name, errors)
        if value is None and name not in errors:
            add_error(errors, name, _("Enter a date as YYYY-MM-DD."))
    else:
        value = str(value or "").strip()
    if value is not None and value == getattr(reform, name):
        add_error(errors, name, _("This is the current value."))
    return value


def _clean_proposed(reform: Reform, proposed: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(proposed, Mapping) or not proposed:
        raise ValidationError({"changes": _("Name at least one change: goals, measures, deliverables or dates.")})
    errors: Errors = {}
    for name in sorted(set(proposed) - set(CHANGEABLE_FIELDS)):
        add_error(errors, name, _("A change request may adjust goals, measures, deliverables or dates only."))
    cleaned = {name: _clean_value(reform, name, proposed[name], errors) for name in CHANGEABLE_FIELDS if name in proposed}
    start = cleaned.get("start_date", reform.start_date)
    due = cleaned.get("due_date", reform.due_date)
    if start and due and due < start and not errors:
        add_error(errors, "due_date", _("The due date is before the start date."))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def request_change(*, user, reform: Reform, proposed: ProposedChange, reason: str, evidence: Sequence = ()) -> ChangeRequest:
    """Anyone responsible for the reform asks to change its goals, measures, deliverables or
    dates, with a reason and evidence (a locked reform too: it changes only this way)."""
    reform = lock_reform(reform.pk)
    require(
        user, "supervision.request_change", reform,
        message=_("Only the reform office, the lead unit and the responsible leader request changes."),
    )
    cleaned = _clean_proposed(reform, proposed)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    checked = check_evidence(evidence)
    request = ChangeRequest.objects.create(
        reform=reform, requested_by=user, proposed={k: to_jsonable(v) for k, v in cleaned.items()}, reason=reason.strip()
    )
    stored = store_evidence(user, reform.pk, checked, change_request=request)
    log_action(user, "reform.request_change", reform, {"request": [None, request.pk], "proposed": request.proposed, "evidence": [e.name for e in stored]})
    notify.change_requested(request)
    return request


def _apply(user, request: ChangeRequest, reform: Reform) -> None:
    """Apply an approved request through the reforms' writer, once the tasks fit the new dates."""
    cleaned = _clean_proposed(reform, request.proposed)
    start = cleaned.get("start_date", reform.start_date)
    due = cleaned.get("due_date", reform.due_date)
    outside = [
        t.title
        for t in Task.objects.filter(reform=reform, parent=None)
        if (start and t.start_date < start) or (due and t.due_date > due)
    ]
    if outside:
        raise ValidationError(
            {"due_date": _("These tasks would fall outside the new dates; change them first: %(titles)s.") % {"titles": "、".join(outside)}}
        )
    request.before = {name: to_jsonable(getattr(reform, name)) for name in cleaned}
    reform_services.apply_approved_change(user=user, reform=reform, changes=cleaned, request_id=request.pk)


@transaction.atomic
def decide_change(
    *, user, change_request: ChangeRequest, approve: bool, note: str = "", committee_meeting: str = ""
) -> ChangeRequest:
    """The office decides; for key reforms and upper-level tasks it records the committee's
    decision and its meeting. An approved change applies at once, and the reform's history shows
    the values before and after."""
    reform = lock_reform(change_request.reform_id)
    require(user, "supervision.decide", reform, message=_("Only the reform office of the reform's district decides change requests."))
    request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if request.status != ChangeRequest.CRStatus.PENDING:
        raise ValidationError({"status": _("This change request was already decided (%(status)s).") % {"status": request.get_status_display()}})
    committee_meeting = (committee_meeting or "").strip()
    note = (note or "").strip()
    if reform.tier in (Tier.KEY, Tier.UPPER) and not committee_meeting:
        raise ValidationError({"committee_meeting": _("For a key reform, record the committee meeting that decided.")})
    if not approve and not note:
        raise ValidationError({"note": _("Say why the change is rejected.")})
    if approve:
        _apply(user, request, reform)
    request.status = ChangeRequest.CRStatus.APPROVED if approve else ChangeRequest.CRStatus.REJECTED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_note = note
    request.committee_meeting = committee_meeting
    request.save()
    log_action(
        user,
        "change_request.decide",
        request,
        {"status": [ChangeRequest.CRStatus.PENDING, request.status], "committee_meeting": committee_meeting, "note": note},
    )
    notify.change_decided(request)
    refresh_reform(reform.pk)
    return request
