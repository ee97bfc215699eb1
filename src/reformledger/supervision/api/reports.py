"""Progress reports (JSON, or multipart with evidence), the office's review, urging the unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, signed_in_user

from ..models import Decision, Evidence, ProgressReport, ReminderKind
from ..selectors.reports import get_report
from ..selectors.tasks import get_task
from ..services import reports as report_services
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


class ReportOut(Schema):
    id: int
    task: int
    percent: int
    text: str
    problems: str
    help_needed: str
    status: Decision
    review_comment: str
    reported_on: dt.date
    reporter: PersonRef
    evidence: list[EvidenceOut]


class UrgeOut(Schema):
    id: int
    kind: ReminderKind
    subject: str
    text: str
    unit: int | None
    task: int | None
    created_at: dt.datetime


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    percent: int = Field(..., ge=0, le=100, description="Percent done, 0 to 100.")
    text: str = Field(..., max_length=limits.LONG_TEXT, description="What was done.")
    problems: str = Field("", max_length=limits.LONG_TEXT)
    help_needed: str = Field("", max_length=limits.LONG_TEXT, description="Help needed (需协调事项): escalated to the special group's leader.")


class BulkReviewIn(DecisionIn):
    ids: list[ObjectId] = Field(..., min_length=1, max_length=500, description="The reports' ids.")


class UrgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(..., max_length=limits.MESSAGE)


def report_out(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "task": report.task_id,
        "percent": report.percent,
        "text": report.text,
        "problems": report.problems,
        "help_needed": report.help_needed,
        "status": report.status,
        "review_comment": report.review_comment,
        "reported_on": report.reported_on,
        "reporter": person_out(report.reporter),
        "evidence": evidence_out(Evidence.objects.filter(report=report)),
    }


@router.post(
    "/tasks/{task_id}/reports",
    response={201: ReportOut},
    summary="Report progress on a task (JSON, or multipart with evidence)",
    openapi_extra=evidence_body(ReportIn),
)
def submit_report(request: HttpRequest, task_id: Path[ObjectId]) -> Status:
    """A unit reports on one of its own tasks. Send JSON, or ``multipart/form-data`` with the same
    fields plus one or more files in ``evidence``. A file of the wrong type or too large is refused
    (422 naming ``evidence``) and nothing is written."""
    user = signed_in_user(request)
    task = get_task(user, task_id, for_change=True)
    payload, files = read_evidence_body(request, ReportIn)
    report = report_services.submit_report(user=user, task=task, evidence=files, **payload.model_dump())
    return Status(201, report_out(report))


@router.post("/reports/review", response=list[ReportOut], summary="Accept or return several reports at once")
def review_reports(request: HttpRequest, payload: BulkReviewIn) -> list[dict[str, Any]]:
    """All or nothing: when any report cannot be decided (already reviewed, say), none is, and the 422
    names each one under ``reports``. Each decided report is audited and its reporter told."""
    user = signed_in_user(request)
    reports = [get_report(user, pk) for pk in dict.fromkeys(payload.ids)]
    done = report_services.review_reports(user=user, reports=reports, accept=payload.accept, comment=payload.comment)
    rows = ProgressReport.objects.select_related("reporter").in_bulk([r.pk for r in done])
    return [report_out(rows[r.pk]) for r in done]


@router.post("/reports/{report_id}/review", response=ReportOut, summary="Accept or return a report")
def review_report(request: HttpRequest, report_id: Path[ObjectId], payload: DecisionIn) -> dict[str, Any]:
    """The office accepts a report (a 100% report completes its task) or returns it with a comment."""
    user = signed_in_user(request)
    report = get_report(user, report_id)
    report = report_services.review_report(user=user, report=report, accept=payload.accept, comment=payload.comment)
    return report_out(ProgressReport.objects.select_related("reporter").get(pk=report.pk))


@router.post("/tasks/{task_id}/urge", response={201: UrgeOut}, summary="Urge the unit responsible (催办)")
def urge_task(request: HttpRequest, task_id: Path[ObjectId], payload: UrgeIn) -> Status:
    user = signed_in_user(request)
    task = get_task(user, task_id, for_change=True)
    reminder = report_services.urge(user=user, task=task, message=payload.message)
    out = {
        "id": reminder.pk,
        "kind": reminder.kind,
        "subject": reminder.subject,
        "text": reminder.text,
        "unit": reminder.unit_id,
        "task": reminder.task_id,
        "created_at": reminder.created_at,
    }
    return Status(201, out)
