"""Tolerance cases in the API.

``POST /tolerance-cases`` applies (JSON, or multipart with the same fields, ``answers`` as JSON
text, and files in ``evidence``): 403 for a person not responsible for the reform, 404 for a reform
of another district than the caller's, 422 naming each bad field (``answers.procedures``).
``POST /tolerance-cases/{id}/decide`` gives the caller's opinion (the district's office or its
discipline reviewer); the second opinion decides the case (the less generous stands, ADR 0047).
A case is visible to its applicant, the office and the discipline reviewers of its district, and the
province office; 404 for everyone else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import (
    ObjectId,
    PageParams,
    Year,
    json_or_multipart,
    paginate,
    read_body,
    signed_in_user,
)
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform

from ..models import ToleranceCase
from ..selectors import cases as selectors
from ..services import cases as services
from ..services import opinions

router = Router()
EVIDENCE_FIELD = "evidence"


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(..., max_length=40, description="The item's code in the district's checklist (GET the case form's items).")
    answer: bool = Field(..., description="A condition: met. A negative-list item: it applies.")
    explanation: str = Field("", max_length=limits.MESSAGE, description="Required for every condition and every negative item that applies.")


class ApplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reform: ObjectId
    unit: ObjectId | None = Field(None, description="Your unit (lead or co-unit); default: the lead unit, else your co-unit.")
    year: Year = Field(..., description="The assessment year whose penalties the case concerns.")
    what_happened: str = Field(..., max_length=limits.LONG_TEXT)
    answers: list[AnswerIn] = Field(..., max_length=100)


class DecideIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["exempt", "partly", "rejected"]
    waiver: float | None = Field(None, description="For partly: the share of the penalties waived, between 0 and 1.")
    reasons: str = Field(..., max_length=limits.LONG_TEXT)
    negative_hits: list[Annotated[str, Field(max_length=limits.CODE)]] = Field(
        default_factory=list, max_length=50, description="Codes of negative-list items found to apply."
    )
    side: Literal["office", "discipline"] | None = Field(None, description="Only for a person who reviews for both sides.")


class AnswerOut(Schema):
    code: str
    kind: str
    text: str
    answer: bool
    explanation: str


class OpinionOut(Schema):
    side: str
    outcome: str
    waiver: Decimal
    reasons: str
    negative_hits: list[str]
    reviewer: int
    given_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    kind: str
    url: str


class CaseOut(Schema):
    id: int
    reform: int
    reform_title: str
    unit: int
    applicant: int
    year: int
    shortfall: str
    what_happened: str
    state: str
    outcome: str
    waiver: Decimal
    reasons: str
    decided_at: dt.datetime | None
    created_at: dt.datetime
    opinions: list[OpinionOut]


class CaseDetailOut(CaseOut):
    answers: list[AnswerOut]
    evidence: list[EvidenceOut]


class CaseList(Schema):
    count: int
    items: list[CaseOut]


def case_out(case: ToleranceCase, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": case.pk, "reform": case.reform_id, "reform_title": case.reform.title, "unit": case.unit_id,
        "applicant": case.applicant_id, "year": case.year, "shortfall": case.shortfall, "what_happened": case.what_happened,
        "state": case.state, "outcome": case.outcome, "waiver": case.waiver, "reasons": case.reasons,
        "decided_at": case.decided_at, "created_at": case.created_at,
        "opinions": [
            {"side": r.kind, "outcome": r.outcome, "waiver": r.waiver, "reasons": r.reasons, "negative_hits": r.negative_hits,
             "reviewer": r.reviewer_id, "given_at": r.created_at}
            for r in case.reviews.all()
        ],
    }
    if full:
        out["answers"] = [
            {"code": a.code, "kind": a.kind, "text": a.text, "answer": a.answer, "explanation": a.explanation} for a in case.answers.all()
        ]
        out["evidence"] = [
            {"id": e.pk, "name": e.name, "size": e.size, "kind": e.kind, "url": reverse("tolerance:evidence", args=[case.pk, e.pk])}
            for e in case.evidence.all()
        ]
    return out


def _reform(user, pk: int) -> Reform:
    """The reform named: 404 when there is none or it lies outside the caller's districts."""
    reform = Reform.objects.filter(pk=pk).first()
    if reform is None or actor_for(user).outside_districts(reform.district_id):
        raise Http404
    return reform


def _answers(items: list[AnswerIn]) -> dict[str, tuple[bool, str]]:
    out: dict[str, tuple[bool, str]] = {}
    dup = sorted({a.code for a in items if sum(1 for b in items if b.code == a.code) > 1})
    if dup:
        raise ValidationError({f"answers.{code}": [_("Answer each item once.")] for code in dup})
    for item in items:
        out[item.code] = (item.answer, item.explanation)
    return out


@router.post(
    "/tolerance-cases",
    response={201: CaseDetailOut},
    summary="Apply for exemption (容错申请): JSON, or multipart with evidence",
    openapi_extra=json_or_multipart(
        ApplyIn, files_field=EVIDENCE_FIELD, json_fields=("answers",),
        files_description="Evidence files: PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, judged by content.",
    ),
)
def apply_for_exemption(request: HttpRequest) -> Status:
    """A person responsible for the reform applies on it for their unit and an assessment year,
    answering every condition and negative-list item of the reform's district."""
    user = signed_in_user(request)
    payload, files = read_body(request, ApplyIn, files_field=EVIDENCE_FIELD, json_fields=("answers",))
    assert isinstance(payload, ApplyIn)
    reform = _reform(user, payload.reform)
    unit = None
    if payload.unit is not None:
        unit = Unit.objects.filter(pk=payload.unit).first()
        if unit is None:
            raise ValidationError({"unit": [_("No such unit: %(id)s.") % {"id": payload.unit}]})
    case = services.apply_for_exemption(
        user=user, reform=reform, unit=unit, year=payload.year, what_happened=payload.what_happened,
        answers=_answers(payload.answers), evidence=files,
    )
    return Status(201, case_out(selectors.get_case(user, case.pk), full=True))


@router.post("/tolerance-cases/{case_id}/decide", response=CaseDetailOut, summary="Give the office's or the discipline reviewer's opinion")
def decide_tolerance_case(request: HttpRequest, case_id: Path[ObjectId], payload: DecideIn) -> dict[str, Any]:
    """The second opinion decides the case: the less generous stands. 409-like refusals (a decided
    case, a side that has spoken) are 422 naming ``state``."""
    user = signed_in_user(request)
    case = selectors.get_case(user, case_id, full=False)
    opinions.give_opinion(
        user=user, case=case, outcome=payload.outcome, reasons=payload.reasons,
        waiver=None if payload.waiver is None else Decimal(str(payload.waiver)),  # as typed, not as a float prints
        negative_hits=payload.negative_hits, side=payload.side,
    )
    return case_out(selectors.get_case(user, case_id), full=True)


class CaseFilters(PageParams):
    state: Literal["submitted", "decided", "withdrawn"] | None = None
    year: Year | None = None


@router.get("/tolerance-cases", response=CaseList, summary="Tolerance cases you may see")
def list_tolerance_cases(request: HttpRequest, params: Query[CaseFilters]) -> dict[str, Any]:
    """Your own applications, and as a reviewer your districts' cases, newest first."""
    user = signed_in_user(request)
    qs = selectors.list_cases(user, state=params.state or "", year=params.year)
    page = paginate(qs, params, count=qs.count(), order=("-created_at", "-pk"))
    return {"count": page["count"], "items": [case_out(c) for c in page["items"]]}


@router.get("/tolerance-cases/{case_id}", response=CaseDetailOut, summary="One tolerance case")
def get_tolerance_case(request: HttpRequest, case_id: Path[ObjectId]) -> dict[str, Any]:
    user = signed_in_user(request)
    return case_out(selectors.get_case(user, case_id), full=True)
