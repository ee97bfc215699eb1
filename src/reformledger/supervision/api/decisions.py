"""Change requests (改革深化) and completion (办结): applying with evidence, and the office's decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, signed_in_user

from ..models import ChangeRequest, Completion, CompletionStatus, Evidence
from ..selectors import decisions as decision_selectors
from ..selectors.reforms import get_reform
from ..services import decisions as decision_services
from .schemas import (
    DecisionIn,
    EvidenceOut,
    PersonRef,
    evidence_body,
    evidence_out,
    person_out,
    read_evidence_body,
)

router = Router()


class ChangeRequestOut(Schema):
    id: int
    reform: int
    status: ChangeRequest.CRStatus
    proposed: dict[str, Any] = Field(description="The new values asked for.")
    before: dict[str, Any] = Field(description="The values before, once an approved change applied.")
    reason: str
    requested_by: PersonRef
    created_at: dt.datetime
    decided_by: PersonRef | None
    decided_at: dt.datetime | None
    decision_note: str
    committee_meeting: str
    evidence: list[EvidenceOut]


class CompletionOut(Schema):
    id: int
    reform: int
    status: CompletionStatus
    summary: str
    applied_by: PersonRef
    created_at: dt.datetime
    decided_by: PersonRef | None
    decided_at: dt.datetime | None
    comment: str
    reopened_by: PersonRef | None
    reopened_at: dt.datetime | None
    reopen_reason: str
    evidence: list[EvidenceOut]


class ReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=limits.REASON, description="Why the completion does not stand (required).")


class ChangesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    goals: str = Field(None, max_length=limits.LONG_TEXT)  # type: ignore[assignment]
    measures: str = Field(None, max_length=limits.LONG_TEXT)  # type: ignore[assignment]
    deliverables: str = Field(None, max_length=limits.LONG_TEXT)  # type: ignore[assignment]
    start_date: dt.date = None  # type: ignore[assignment]
    due_date: dt.date = None  # type: ignore[assignment]


class ChangeRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    changes: ChangesIn = Field(..., description="The new values: any of goals, measures, deliverables, dates.")
    reason: str = Field(..., max_length=limits.REASON)


class ChangeDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: str = Field("", max_length=limits.REASON, description="Required when rejecting.")
    committee_meeting: str = Field(
        "", max_length=limits.TITLE, description="Key reforms and upper-level tasks: the committee meeting that decided."
    )


class CompletionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(..., max_length=limits.LONG_TEXT, description="Summary of results; evidence files are required (multipart).")


def change_request_out(request: ChangeRequest) -> dict[str, Any]:
    request = ChangeRequest.objects.select_related("requested_by", "decided_by").get(pk=request.pk)
    return {
        "id": request.pk,
        "reform": request.reform_id,
        "status": request.status,
        "proposed": request.proposed,
        "before": request.before,
        "reason": request.reason,
        "requested_by": person_out(request.requested_by),
        "created_at": request.created_at,
        "decided_by": person_out(request.decided_by),
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
        "committee_meeting": request.committee_meeting,
        "evidence": evidence_out(Evidence.objects.filter(change_request=request)),
    }


def completion_out(completion: Completion) -> dict[str, Any]:
    completion = Completion.objects.select_related("applied_by", "decided_by", "reopened_by").get(pk=completion.pk)
    return {
        "id": completion.pk,
        "reform": completion.reform_id,
        "status": completion.status,
        "summary": completion.summary,
        "applied_by": person_out(completion.applied_by),
        "created_at": completion.created_at,
        "decided_by": person_out(completion.decided_by),
        "decided_at": completion.decided_at,
        "comment": completion.comment,
        "reopened_by": person_out(completion.reopened_by),
        "reopened_at": completion.reopened_at,
        "reopen_reason": completion.reopen_reason,
        "evidence": evidence_out(Evidence.objects.filter(completion=completion)),
    }


@router.post(
    "/reforms/{reform_id}/change-requests",
    response={201: ChangeRequestOut},
    summary="Request a change of a reform (JSON, or multipart with evidence)",
    openapi_extra=evidence_body(ChangeRequestIn, json_fields=("changes",)),
)
def request_change(request: HttpRequest, reform_id: Path[ObjectId]) -> Status:
    """Anyone responsible for the reform asks to change its goals, measures, deliverables or dates,
    with a reason. In multipart, ``changes`` is the JSON object as text, and files go in ``evidence``."""
    user = signed_in_user(request)
    reform = get_reform(user, reform_id, for_change=True)
    payload, files = read_evidence_body(request, ChangeRequestIn, json_fields=("changes",))
    change = decision_services.request_change(
        user=user,
        reform=reform,
        proposed=decision_services.ProposedChange(**payload.changes.model_dump(exclude_unset=True)),
        reason=payload.reason,
        evidence=files,
    )
    return Status(201, change_request_out(change))


@router.post("/change-requests/{request_id}/decide", response=ChangeRequestOut, summary="Decide a change request")
def decide_change(request: HttpRequest, request_id: Path[ObjectId], payload: ChangeDecisionIn) -> dict[str, Any]:
    """The office approves (the change applies at once) or rejects with a note. Key reforms record
    the committee meeting. A request already decided is 422."""
    user = signed_in_user(request)
    change = decision_selectors.get_change_request(user, request_id, for_change=True)
    change = decision_services.decide_change(
        user=user,
        change_request=change,
        approve=payload.approve,
        note=payload.note,
        committee_meeting=payload.committee_meeting,
    )
    return change_request_out(change)


@router.post(
    "/reforms/{reform_id}/completion",
    response={201: CompletionOut},
    summary="Apply to close a reform (multipart with evidence)",
    openapi_extra=evidence_body(CompletionIn, files_required=True),
)
def apply_completion(request: HttpRequest, reform_id: Path[ObjectId]) -> Status:
    """The lead unit applies to close its reform, with a summary and evidence files."""
    user = signed_in_user(request)
    reform = get_reform(user, reform_id, for_change=True)
    payload, files = read_evidence_body(request, CompletionIn)
    completion = decision_services.apply_completion(user=user, reform=reform, summary=payload.summary, evidence=files)
    return Status(201, completion_out(completion))


@router.post("/completions/{completion_id}/decide", response=CompletionOut, summary="Decide a completion application")
def decide_completion(
    request: HttpRequest, completion_id: Path[ObjectId], payload: DecisionIn
) -> dict[str, Any]:
    """The office accepts (the reform is completed and locked) or returns it with a comment."""
    user = signed_in_user(request)
    completion = decision_selectors.get_completion(user, completion_id)
    completion = decision_services.decide_completion(
        user=user, completion=completion, accept=payload.accept, comment=payload.comment
    )
    return completion_out(completion)


@router.post("/reforms/{reform_id}/completion/reopen", response=CompletionOut, summary="Reopen a completed reform")
def reopen_completion(request: HttpRequest, reform_id: Path[ObjectId], payload: ReopenIn) -> dict[str, Any]:
    """The office of the reform's district reopens a completed reform, with a reason: back in
    progress, the accepted application marked reopened, the tasks closed at completion open again
    and the progress again the roll-up of accepted work. The lead unit is told."""
    user = signed_in_user(request)
    reform = get_reform(user, reform_id, for_change=True)
    completion = decision_services.reopen_completion(user=user, reform=reform, reason=payload.reason)
    return completion_out(completion)
