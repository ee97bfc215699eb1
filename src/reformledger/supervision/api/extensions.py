"""Extension requests (延期申请): a unit asks for more time on a task (JSON, or multipart with
evidence); the office of the task's district approves (granting a date) or refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, PageParams, paginate, signed_in_user
from reformledger.org.schemas import UnitRef

from ..models import ExtensionRequest, ExtensionStatus
from ..selectors import extensions as extension_selectors
from ..selectors.tasks import get_task
from ..services import extensions as extension_services
from .schemas import (
    EvidenceOut,
    PersonRef,
    evidence_body,
    evidence_out,
    person_out,
    read_evidence_body,
    unit_out,
)

router = Router()


class ExtensionOut(Schema):
    id: int
    task: int
    task_title: str
    reform: int
    unit: UnitRef
    requested_by: PersonRef
    due_date: dt.date = Field(description="The task's due date when the unit asked.")
    requested_date: dt.date
    reason: str
    status: ExtensionStatus
    granted_date: dt.date | None
    decided_by: PersonRef | None
    decided_at: dt.datetime | None
    comment: str
    created_at: dt.datetime
    evidence: list[EvidenceOut]


class ExtensionList(Schema):
    count: int
    items: list[ExtensionOut]


class ExtensionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    new_due_date: dt.date = Field(..., description="The due date asked for: after the current one, not before today.")
    reason: str = Field(..., max_length=limits.REASON, description="Why more time is needed.")


class ExtensionDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    granted_due_date: dt.date | None = Field(
        None, description="The date granted when approving (the requested one if left out); within the parent's and the reform's."
    )
    comment: str = Field("", max_length=limits.REASON, description="Required when refusing.")


class ExtensionFilters(PageParams):
    status: ExtensionStatus | None = Field(None, description="pending, approved or refused.")


def extension_out(request: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "task": request.task_id,
        "task_title": request.task.title,
        "reform": request.reform_id,
        "unit": unit_out(request.unit),
        "requested_by": person_out(request.requested_by),
        "due_date": request.due_date,
        "requested_date": request.requested_date,
        "reason": request.reason,
        "status": request.status,
        "granted_date": request.granted_date,
        "decided_by": person_out(request.decided_by),
        "decided_at": request.decided_at,
        "comment": request.comment,
        "created_at": request.created_at,
        "evidence": evidence_out(request.evidence.all()),
    }


def _reloaded(pk: int) -> dict[str, Any]:
    request = ExtensionRequest.objects.select_related(*extension_selectors.EXTENSION_RELATED).get(pk=pk)
    prefetch_related_objects([request], "evidence")
    return extension_out(request)


@router.post(
    "/tasks/{task_id}/extensions",
    response={201: ExtensionOut},
    summary="Ask for more time on a task (延期申请; JSON, or multipart with evidence)",
    openapi_extra=evidence_body(ExtensionIn),
)
def request_extension(request: HttpRequest, task_id: Path[ObjectId]) -> Status:
    """The unit responsible for the task (or the reform's lead unit) asks for a later due date.
    Refused (422 naming the field) without a reason, with a date not after the current due date
    or before today, for a task done or of a reform not under way, or while a request for the
    task awaits the office."""
    user = signed_in_user(request)
    task = get_task(user, task_id, for_change=True)
    payload, files = read_evidence_body(request, ExtensionIn)
    made = extension_services.request_extension(user=user, task=task, evidence=files, **payload.model_dump())
    return Status(201, _reloaded(made.pk))


@router.get("/extensions", response=ExtensionList, summary="Extension requests")
def list_extensions(request: HttpRequest, filters: Query[ExtensionFilters]) -> dict[str, Any]:
    """The requests of the tasks the caller may see, newest first; ``status`` narrows them."""
    user = signed_in_user(request)
    qs = extension_selectors.visible_extensions(user, status=filters.status)
    page = paginate(qs, filters, order=("-created_at", "-pk"))
    return {"count": page["count"], "items": [extension_out(r) for r in page["items"]]}


@router.post("/extensions/{extension_id}/decision", response=ExtensionOut, summary="Approve or refuse an extension request")
def decide_extension(request: HttpRequest, extension_id: Path[ObjectId], payload: ExtensionDecisionIn) -> dict[str, Any]:
    """The office of the task's district approves (moving the task's due date to the granted one,
    recorded in its deadline history) or refuses with a comment. A decided request answers 422
    (``status``)."""
    user = signed_in_user(request)
    found = extension_selectors.get_extension(user, extension_id, for_change=True)
    decided = extension_services.decide_extension(user=user, request=found, **payload.model_dump())
    return _reloaded(decided.pk)
