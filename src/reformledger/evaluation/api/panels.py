"""Expert panels (评审组) in the API: the panels a person reads, a panel with its rubric and what
the caller may see of its progress and results, an expert's own sheets, saving and submitting them,
and the office reopening a submitted sheet with a reason.

* A panel the caller may not read (not its district's office, not the province office, not a
  member once it opened) answers 404, as does another expert's sheet.
* Writes are the services': 403 when not permitted (the office scoring, the province office
  reopening), 422 naming the field for bad marks (``marks.<criterion id>``), 409 when the sheet's
  state refuses it (submitted already — the loser of two racing submissions —, excluded for a
  conflict of interest, the panel not scoring).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, PageParams, paginate, signed_in_user
from reformledger.org.models import User

from ..models import Panel, PanelState, Sheet, SheetStatus
from ..selectors import panels as panel_selectors
from ..selectors import scores
from ..services import sheets as sheet_services

router = Router()

Points = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    max_points: Decimal
    weight: Decimal


class ExpertOut(Schema):
    id: int
    name: str
    affiliation: str
    field: str


class PanelSummary(Schema):
    id: int
    name: str
    round: int
    year: int
    state: PanelState
    trim_min_experts: int


class PanelList(Schema):
    count: int
    items: list[PanelSummary]


class DeviationOut(Schema):
    expert: int
    mean_absolute: float = Field(description="Mean |total − mean of the others' totals| over the reforms compared.")
    mean_signed: float = Field(description="Positive: more lenient than the others.")
    reforms: int


class ProgressOut(Schema):
    pending: int
    submitted: int
    excluded: int
    alpha: float | None = Field(description="Krippendorff's alpha (interval) over the submitted totals.")
    furthest: DeviationOut | None


class ProjectOut(Schema):
    reform: int
    code: str
    title: str
    rank: int | None
    score: float | None = Field(description="Trimmed mean of the experts' totals (out of 100).")
    trimmed: bool
    totals: dict[str, Decimal] = Field(description="Expert id → weighted total (Σ points × weight).")
    excluded: list[int] = Field(description="Experts excluded for a conflict of interest.")


class MySheetOut(Schema):
    id: int
    reform: int
    reform_code: str
    reform_title: str
    status: SheetStatus
    conflict: str
    comment: str
    submitted_at: dt.datetime | None
    marks: dict[str, Decimal] | None = Field(description="Criterion id → points; only on a sheet's own answer.")


class PanelOut(PanelSummary):
    criteria: list[CriterionOut]
    members: list[ExpertOut]
    progress: ProgressOut | None = Field(description="The office's view: pending sheets, agreement, the furthest rater.")
    my_sheets: list[MySheetOut] = Field(description="The caller's own sheets (an expert of the panel).")
    results: list[ProjectOut] | None = Field(description="After the panel closes: the ranked projects.")


class SheetIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reform: ObjectId
    marks: dict[str, Points] = Field(default_factory=dict, description="Criterion id → points (0..max, one decimal).")
    comment: str | None = Field(None, max_length=limits.MESSAGE)


class SubmitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    marks: dict[str, Points] = Field(default_factory=dict, description="Marks to set before submitting (else the draft's).")
    comment: str | None = Field(None, max_length=limits.MESSAGE)


class ReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=limits.REASON)


def _summary(panel: Panel) -> dict[str, Any]:
    return {"id": panel.pk, "name": panel.name, "round": panel.round_id, "year": panel.round.year,
            "state": panel.state, "trim_min_experts": panel.trim_min_experts}


def _sheet_out(sheet: Sheet, *, marks: bool) -> dict[str, Any]:
    return {
        "id": sheet.pk, "reform": sheet.reform_id, "reform_code": sheet.reform.code, "reform_title": sheet.reform.title,
        "status": sheet.status, "conflict": sheet.conflict, "comment": sheet.comment, "submitted_at": sheet.submitted_at,
        "marks": {str(m.criterion_id): m.points for m in sheet.marks.all()} if marks else None,
    }


def _progress(panel: Panel) -> dict[str, Any]:
    agreement = scores.agreement(scores.sheet_totals(panel))
    counts = scores.progress(panel).totals
    furthest = agreement.furthest
    return {
        **counts, "alpha": agreement.alpha,
        "furthest": None if furthest is None else {
            "expert": furthest.rater, "mean_absolute": furthest.mean_absolute, "mean_signed": furthest.mean_signed,
            "reforms": furthest.units,
        },
    }


def _results(panel: Panel) -> list[dict[str, Any]]:
    return [
        {"reform": p.reform_id, "code": p.code, "title": p.title, "rank": p.rank, "score": p.score, "trimmed": p.trimmed,
         "totals": {str(t.expert_id): t.total for t in p.totals}, "excluded": [e for e, _unit in p.excluded]}
        for p in scores.project_scores(panel, scores.sheet_totals(panel))
    ]


def _state_conflict(exc: ValidationError) -> None:
    """A refusal because of the sheet's or panel's state is a 409, not a 422."""
    if hasattr(exc, "error_dict") and "status" in exc.error_dict:
        raise HttpError(409, " ".join(exc.message_dict["status"])) from exc


@router.get("/panels", response=PanelList, summary="The expert panels the caller reads or sits on")
def list_panels(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The office: its district's panels (the province office: every panel). An expert: the
    panels they sit on that have opened."""
    user = cast(User, signed_in_user(request))
    qs = panel_selectors.office_panels(user)
    if not qs.exists():
        qs = panel_selectors.expert_panels(user)
    page = paginate(qs.select_related("round"), params, count=qs.count())
    return {"count": page["count"], "items": [_summary(p) for p in page["items"]]}


@router.get("/panels/{panel_id}", response=PanelOut, summary="An expert panel: rubric, members, progress, results")
def get_panel(request: HttpRequest, panel_id: Path[ObjectId]) -> dict[str, Any]:
    """What the caller may see: the office sees progress (pending sheets, agreement, furthest rater)
    while scoring; an expert sees their own sheets; marks and results only after the panel closes."""
    user = cast(User, signed_in_user(request))
    panel = panel_selectors.get_panel(user, panel_id)
    office = panel_selectors.reads_as_office(user, panel)
    mine = panel_selectors.my_sheets(user, panel).prefetch_related("marks")
    return {
        **_summary(panel),
        "criteria": list(scores.criteria(panel)),
        "members": scores.members(panel),
        "progress": _progress(panel) if office and panel.state != PanelState.FORMING else None,
        "my_sheets": [_sheet_out(s, marks=True) for s in mine],
        "results": _results(panel) if scores.results_visible(user, panel) else None,
    }


def _own_sheet(user: Any, panel: Panel, reform_id: int) -> Sheet:
    sheet = panel_selectors.my_sheets(user, panel).filter(reform_id=reform_id).first()
    if sheet is not None:
        return sheet
    if panel_selectors.member_of(user, panel) is not None:
        raise ValidationError({"reform": _("This reform is not one the panel scores.")})
    raise PermissionDenied(_("Only the panel's experts score."))


@router.post("/panels/{panel_id}/sheets", response=MySheetOut, summary="Save marks on one's own sheet for a reform (a draft)")
def save_sheet(request: HttpRequest, panel_id: Path[ObjectId], payload: SheetIn) -> dict[str, Any]:
    """An expert of the panel keeps marks for a reform (some may be missing) without submitting.
    409 when the sheet is submitted, excluded (conflict of interest) or the panel is not scoring."""
    user = cast(User, signed_in_user(request))
    panel = panel_selectors.get_panel(user, panel_id)
    sheet = _own_sheet(user, panel, payload.reform)
    try:
        sheet = sheet_services.save_marks(user=user, sheet=sheet, marks=payload.marks, comment=payload.comment)
    except ValidationError as exc:
        _state_conflict(exc)
        raise
    return _sheet_out(panel_selectors.get_sheet(user, panel, sheet.pk), marks=True)


@router.get("/panels/{panel_id}/sheets/{sheet_id}", response=MySheetOut, summary="One's own sheet with its marks")
def get_sheet(request: HttpRequest, panel_id: Path[ObjectId], sheet_id: Path[ObjectId]) -> dict[str, Any]:
    """The expert's own sheet (404 for another expert's). The office reads a sheet's status; its
    marks only after the panel closes."""
    user = cast(User, signed_in_user(request))
    panel = panel_selectors.get_panel(user, panel_id)
    sheet = panel_selectors.get_sheet(user, panel, sheet_id)
    own = sheet.expert.person_id == user.pk
    return _sheet_out(sheet, marks=own or scores.results_visible(user, panel))


@router.post("/panels/{panel_id}/sheets/{sheet_id}/submit", response=MySheetOut, summary="Submit one's own sheet")
def submit_sheet(request: HttpRequest, panel_id: Path[ObjectId], sheet_id: Path[ObjectId], payload: SubmitIn) -> dict[str, Any]:
    """Every criterion marked (those sent here, else the draft's); then the sheet cannot change
    unless the office reopens it. 409 when it was submitted already (two racing: one wins)."""
    user = cast(User, signed_in_user(request))
    panel = panel_selectors.get_panel(user, panel_id)
    sheet = panel_selectors.get_sheet(user, panel, sheet_id)
    try:
        sheet_services.submit_sheet(user=user, sheet=sheet, marks=payload.marks, comment=payload.comment)
    except ValidationError as exc:
        _state_conflict(exc)
        raise
    return _sheet_out(panel_selectors.get_sheet(user, panel, sheet.pk), marks=True)


@router.post("/panels/{panel_id}/sheets/{sheet_id}/reopen", response=MySheetOut, summary="Reopen a submitted sheet (the office, with a reason)")
def reopen_sheet(request: HttpRequest, panel_id: Path[ObjectId], sheet_id: Path[ObjectId], payload: ReopenIn) -> dict[str, Any]:
    user = cast(User, signed_in_user(request))
    panel = panel_selectors.get_panel(user, panel_id)
    sheet = panel_selectors.get_sheet(user, panel, sheet_id)
    try:
        sheet_services.reopen_sheet(user=user, sheet=sheet, reason=payload.reason)
    except ValidationError as exc:
        _state_conflict(exc)
        raise
    return _sheet_out(panel_selectors.get_sheet(user, panel, sheet.pk), marks=False)
