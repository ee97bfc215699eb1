"""Look-back reviews (回头看) in the API: a reform's reviews, writing its open review, the due list.

``POST /reforms/{id}/lookback`` **creates or updates** the reform's open review (ADR: look-back
reviews): when the reform has a review scheduled or in progress, the fields sent change it (each
list sent replaces that kind of row: rows with an ``id`` are kept and changed, rows without are
added, rows left out are removed — except a problem that has a follow-up task); when it has none,
a review is scheduled (``scheduled_on``, default today) and the findings written, answering 201.
400 when the reform is not a key reform completed at least a year before the review's date; 409
when its latest review is concluded (the office reopens it on its page); 422 names each bad field.
Concluding, reopening and follow-up tasks are the office's steps on the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, PageParams, Ref, paginate, resolve_ids, signed_in_user
from reformledger.core.permissions import require
from reformledger.org.models import User
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform

from ..models import LookbackReview, LookbackState, Round
from ..selectors import lookback as selectors
from ..services import lookback as services

router = Router()

ExtentIn = Literal["yes", "partly", "no", ""]


class ErrorItem(Schema):
    field: str | None
    message: str


class LookbackError(Schema):
    detail: str
    errors: list[ErrorItem]


class DocumentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: ObjectId | None = Field(None, description="A row of this review to keep and change; none: a new row.")
    title: str = Field(..., max_length=limits.TITLE)
    number: str = Field("", max_length=60, description="The document number (文号), e.g. 深罗府办〔2016〕12号.")
    issuer: str = Field("", max_length=limits.TITLE)
    issued_on: dt.date | None = None


class AdoptionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: ObjectId | None = None
    place: str = Field(..., max_length=limits.TITLE, description="Where the experience was adopted.")
    level: Literal["city", "province", "nation"]
    description: str = Field("", max_length=limits.LONG_TEXT)
    evidence_url: str = Field("", max_length=500, description="A web address (http or https).")
    evidence_document: str = Field("", max_length=limits.TITLE, description="Or the document that records it.")


class ProblemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: ObjectId | None = None
    description: str = Field(..., max_length=limits.LONG_TEXT)
    severity: Literal["low", "medium", "high"] = "medium"


class LookbackIn(Schema):
    model_config = ConfigDict(extra="forbid")
    scheduled_on: dt.date | None = Field(None, description="The review's date: a year after completion at the earliest.")
    reviewer: ObjectId | None = Field(None, description="A member of the reform office of the reform's district.")
    mechanism: ExtentIn | None = Field(None, description="A lasting mechanism left (长效机制): yes, partly, no.")
    mechanism_text: str | None = Field(None, max_length=limits.LONG_TEXT)
    sustained: ExtentIn | None = Field(None, description="Results sustained: yes, partly, no.")
    sustained_text: str | None = Field(None, max_length=limits.LONG_TEXT)
    lookback_round: ObjectId | None = Field(None, description="The look-back rating round whose ratings are residents' view now.")
    documents: list[DocumentIn] | None = Field(None, max_length=200)
    adoptions: list[AdoptionIn] | None = Field(None, max_length=200)
    problems: list[ProblemIn] | None = Field(None, max_length=200)


class DocumentOut(Schema):
    id: int
    title: str
    number: str
    issuer: str
    issued_on: dt.date | None


class AdoptionOut(Schema):
    id: int
    place: str
    level: str
    description: str
    evidence_url: str
    evidence_document: str


class ProblemOut(Schema):
    id: int
    description: str
    severity: str
    follow_up_task: int | None
    follow_up_status: str | None = Field(None, description="The follow-up task's status in supervision.")


class FiguresOut(Schema):
    round: int
    title: str
    kind: str
    year: int
    count: int
    shown: bool = Field(description="False: hidden until the round's results are published, or too few ratings.")
    means: dict[str, float | None]


class LookbackOut(Schema):
    id: int
    reform: int
    state: str
    completed_on: dt.date
    scheduled_on: dt.date
    reviewer: int | None
    mechanism: str
    mechanism_text: str
    sustained: str
    sustained_text: str
    grade: str
    conclusion: str
    concluded_at: dt.datetime | None
    documents: list[DocumentOut]
    adoptions: list[AdoptionOut]
    problems: list[ProblemOut]
    residents_then: FiguresOut | None = Field(description="The public round of the completion year, if any rated the reform.")
    residents_now: FiguresOut | None = Field(description="The look-back round, if any rated the reform.")


class LookbackList(Schema):
    count: int
    items: list[LookbackOut]


class DueOut(Schema):
    reform: int
    code: str
    title: str
    lead_unit: str
    completed_on: dt.date
    open_review: int | None
    open_review_on: dt.date | None


class DueList(Schema):
    count: int
    items: list[DueOut]


def _figures(figures) -> dict[str, Any] | None:
    if figures is None:
        return None
    r = figures.round
    return {
        "round": r.pk, "title": r.title, "kind": r.kind, "year": r.year, "count": figures.count if figures.shown else 0,
        "shown": figures.shown, "means": dict(figures.means),
    }


def review_out(review: LookbackReview, *, user) -> dict[str, Any]:
    rows = selectors.review_rows(review)
    view = selectors.residents_view(review, user=user)
    return {
        "id": review.pk, "reform": review.reform_id, "state": review.state, "completed_on": review.completed_on,
        "scheduled_on": review.scheduled_on, "reviewer": review.reviewer_id, "mechanism": review.mechanism,
        "mechanism_text": review.mechanism_text, "sustained": review.sustained, "sustained_text": review.sustained_text,
        "grade": review.grade, "conclusion": review.conclusion, "concluded_at": review.concluded_at,
        "documents": [
            {"id": d.pk, "title": d.title, "number": d.number, "issuer": d.issuer, "issued_on": d.issued_on} for d in rows["documents"]
        ],
        "adoptions": [
            {"id": a.pk, "place": a.place, "level": a.level, "description": a.description, "evidence_url": a.evidence_url,
             "evidence_document": a.evidence_document} for a in rows["adoptions"]
        ],
        "problems": [
            {"id": p.pk, "description": p.description, "severity": p.severity, "follow_up_task": p.follow_up_task_id,
             "follow_up_status": p.follow_up_task.status if p.follow_up_task else None} for p in rows["problems"]
        ],
        "residents_then": _figures(view["then"]),
        "residents_now": _figures(view["now"]),
    }


def _reform_for(user, pk: int) -> Reform:
    """The reform a look-back call names: 404 when there is none or it lies in another district
    than the caller's (office, committee, leader: ADR 0025)."""
    reform = get_object_or_404(Reform.objects.select_related("lead_unit"), pk=pk)
    if actor_for(user).outside_districts(reform.district_id):
        raise Http404
    return reform


def _refusal(exc: ValidationError) -> Status | None:
    """400 for an ineligible reform, 409 for a concluded (or already open) review; None otherwise."""
    fields = set(getattr(exc, "error_dict", {}))
    status = 400 if "reform" in fields else 409 if "state" in fields else None
    if status is None:
        return None
    errors = [{"field": f, "message": m} for f, messages in exc.message_dict.items() for m in messages]
    detail = _("This reform cannot get a look-back review now.") if status == 400 else _("This look-back review is concluded.")
    return Status(status, {"detail": detail, "errors": errors})


def _changes(user, reform: Reform, payload: LookbackIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"documents", "adoptions", "problems"})
    refs = {
        "reviewer": Ref(User.objects.filter(is_active=True), _("No such person: %(id)s."), nullable=True),
        "lookback_round": Ref(Round.objects.filter(district_id=reform.district_id), _("No such round: %(id)s."), nullable=True),
    }
    data = resolve_ids(data, refs)
    for name in ("mechanism_text", "sustained_text"):
        if name in data and data[name] is None:
            data[name] = ""
    for name in ("mechanism", "sustained"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _rows(payload: LookbackIn, name: str) -> list[dict[str, Any]] | None:
    rows = getattr(payload, name)
    return None if rows is None else [row.model_dump() for row in rows]


@router.post(
    "/reforms/{reform_id}/lookback",
    response={200: LookbackOut, 201: LookbackOut, 400: LookbackError, 409: LookbackError},
    summary="Write a reform's look-back review (回头看): create it, or update the open one",
)
def write_lookback(request: HttpRequest, reform_id: Path[ObjectId], payload: LookbackIn) -> Status:
    """The office of the reform's district writes the reform's open review, or schedules one (201)
    when it has none. See the module's description for the answers."""
    user = signed_in_user(request)
    reform = _reform_for(user, reform_id)
    require(user, "evaluation.manage_lookback", reform, message=services.MANAGES)
    try:
        with transaction.atomic():
            review, created = _write(user, reform, payload)
    except ValidationError as exc:
        refused = _refusal(exc)
        if refused is None:
            raise
        return refused
    return Status(201 if created else 200, review_out(review, user=user))


def _write(user, reform: Reform, payload: LookbackIn) -> tuple[LookbackReview, bool]:
    changes = _changes(user, reform, payload)
    review = LookbackReview.objects.filter(reform=reform).exclude(state=LookbackState.CONCLUDED).first()
    created = False
    if review is None:
        if LookbackReview.objects.filter(reform=reform, state=LookbackState.CONCLUDED).exists():
            raise ValidationError({"state": _("The reform's look-back review is concluded; the reform office may reopen it with a reason.")})
        scheduled_on = changes.pop("scheduled_on", None) or timezone.localdate()
        review = services.schedule_review(user=user, reform=reform, scheduled_on=scheduled_on, reviewer=changes.pop("reviewer", None))
        created = True
    rows = {name: _rows(payload, name) for name in ("documents", "adoptions", "problems")}
    if changes or any(r is not None for r in rows.values()):
        review = services.update_review(user=user, review=review, changes=changes, **rows)
    return LookbackReview.objects.select_related(*selectors.REVIEW_RELATED).get(pk=review.pk), created


@router.get("/reforms/{reform_id}/lookback", response=LookbackList, summary="A reform's look-back reviews")
def reform_lookback(request: HttpRequest, reform_id: Path[ObjectId]) -> dict[str, Any]:
    """The reform's look-back reviews, newest first, with their findings and what residents said
    then and now. For its district's office and committee, the province office, its lead unit and
    the leaders who answer for it (403 for others)."""
    user = signed_in_user(request)
    reform = _reform_for(user, reform_id)
    require(user, "evaluation.view_lookback", reform, message=_("You may not read this reform's look-back reviews."))
    reviews = selectors.reviews_of_reform(user, reform)
    return {"count": len(reviews), "items": [review_out(r, user=user) for r in reviews]}


@router.get("/lookback/due", response=DueList, summary="Key reforms due for a look-back review")
def lookback_due(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Key reforms completed at least a year ago with no concluded review, oldest completion first,
    in the caller's districts (every district for the province office). For the office, the
    committee and the province office (403 for others)."""
    user = signed_in_user(request)
    require(user, "evaluation.view_lookbacks", message=_("The due list is for the reform office and the committee."))
    qs = selectors.due_reforms(user)
    page = paginate(qs, params)
    return {
        "count": page["count"],
        "items": [
            {"reform": r.pk, "code": r.code, "title": r.title, "lead_unit": r.lead_unit.name, "completed_on": r.completed_on,
             "open_review": r.open_review, "open_review_on": r.open_review_on} for r in page["items"]
        ],
    }
