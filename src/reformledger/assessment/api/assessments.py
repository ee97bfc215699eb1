"""``/api/v1/assessments/{year}…``: see the package's docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import ObjectId, signed_in_user
from reformledger.core.permissions import require
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for, directory_district_ids

from ..models import Assessment, AssessmentPurpose, Scheme, SchemeState
from ..selectors import assessments_of, ranking, unit_breakdown
from ..selectors.results import can_view
from ..services import computation, versions

router = Router()

Year = Path[int]


class Where(Schema):
    district: ObjectId | None = Field(None, description="The district (its id); default: the caller's own.")
    version: int | None = Field(None, ge=1, description="An official version's number; default: see the API's notes.")


class SchemeOut(Schema):
    id: int
    revision: int
    title: str
    state: str
    content_hash: str


class VersionOut(Schema):
    id: int
    district: int
    year: int
    number: int
    purpose: str
    state: str
    reason: str
    computed_at: dt.datetime | None
    published_at: dt.datetime | None
    is_public: bool
    content_hash: str = Field(description="SHA-256 of the canonical results, set on publication (ADR 0043).")
    scheme: SchemeOut


class RankingItem(Schema):
    unit: int
    unit_code: str
    unit_name: str
    score: Decimal
    rank: int = Field(description="Competition rank: tied units share it and the next rank skips (ADR 0044).")
    band: int = Field(description="Noise band: units of one band lie within the scheme's noise margin of each other.")
    tied: bool


class RankingOut(Schema):
    version: VersionOut
    items: list[RankingItem]


class LineOut(Schema):
    id: int
    rule: str = Field(description="The rule's clause (empty for the scheme's floor or cap adjustment).")
    title: str
    points: Decimal
    quantity: Decimal | None
    explanation: str
    evidence: str = Field(description="The address of what the line rests on (a reform, task, rating round…), or empty.")
    reform: int | None
    task: int | None
    round: int | None
    case_study: int | None
    adoption: int | None
    commendation: int | None
    waived_by: int | None = Field(description="The tolerance case that waived (a share of) this penalty.")
    waived_points: Decimal
    adjustment: str


class UnitOut(Schema):
    version: VersionOut
    unit: int
    score: Decimal | None
    rank: int | None
    items: list[LineOut]


class ComputeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(False, description="Try the year's scheme (even a draft) on the year before's data.")
    reason: str = Field("", max_length=limits.REASON)


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")


class PublishIn(Schema):
    model_config = ConfigDict(extra="forbid")
    is_public: bool = Field(False, description="Show the published ranking on the public site.")


class RuleChange(Schema):
    model_config = ConfigDict(extra="forbid")
    clause: str = Field(..., max_length=20)
    remove: bool = False
    params: dict[str, Any] | None = None
    expression: str | None = Field(None, max_length=2000)
    floor: float | None = None
    cap: float | None = None


class WhatIfIn(Schema):
    model_config = ConfigDict(extra="forbid")
    changes: list[RuleChange] = Field(..., max_length=200)


class PreviewItem(Schema):
    unit: int
    unit_code: str
    unit_name: str
    score: Decimal
    rank: int
    band: int
    published_score: Decimal | None
    published_rank: int | None
    delta: Decimal | None
    rank_change: int | None = Field(description="Places moved up (negative: down) against the published version.")


class PreviewOut(Schema):
    scheme: int
    year: int
    published: int | None
    changed: list[str]
    items: list[PreviewItem]


def version_out(assessment: Assessment) -> dict[str, Any]:
    scheme = assessment.scheme
    return {
        "id": assessment.pk, "district": assessment.district_id, "year": assessment.year, "number": assessment.version,
        "purpose": assessment.purpose, "state": assessment.state, "reason": assessment.reason,
        "computed_at": assessment.computed_at, "published_at": assessment.published_at, "is_public": assessment.is_public,
        "content_hash": assessment.content_hash,
        "scheme": {"id": scheme.pk, "revision": scheme.revision, "title": scheme.title, "state": scheme.state,
                   "content_hash": scheme.content_hash},
    }


def _district(user: Any, district_id: int | None) -> Unit:
    """The district named, or the caller's own (422 when they have none or several)."""
    if district_id is not None:
        found = Unit.objects.filter(pk=district_id, kind=UnitKind.DISTRICT).first()
        if found is None:
            raise Http404
        return found
    own = directory_district_ids(actor_for(user))
    if own is not None and not own:
        raise PermissionDenied(_("The assessment is read by the people of a district."))
    if own is None or len(own) != 1:
        raise ValidationError({"district": _("Name the district (?district=).")})
    return Unit.objects.get(pk=next(iter(own)))


def _version(user: Any, district: Unit, year: int, number: int | None) -> Assessment:
    """The version asked for among those the caller may see (404 when none)."""
    official = [a for a in assessments_of(user, district, year) if a.purpose == AssessmentPurpose.OFFICIAL]
    if number is not None:
        official = [a for a in official if a.version == number]
    elif not user.has_perm("assessment.view_drafts", district):
        official = [a for a in official if a.state == "published"]
    if not official:
        raise Http404
    return official[0]


@router.get("/assessments/{year}", response=RankingOut, summary="A district's ranking of the year")
def assessment_ranking(request: HttpRequest, year: Year, where: Query[Where]) -> dict[str, Any]:
    """Every unit's score, rank and noise band in the version asked for (see the notes above)."""
    user = signed_in_user(request)
    assessment = _version(user, _district(user, where.district), year, where.version)
    rows = ranking(user, assessment)
    return {
        "version": version_out(assessment),
        "items": [{"unit": r.unit_id, "unit_code": r.code, "unit_name": r.name, "score": r.score, "rank": r.rank,
                   "band": r.band, "tied": r.tied} for r in rows],
    }


@router.get("/assessments/{year}/units/{unit_id}", response=UnitOut, summary="A unit's score, line by line")
def assessment_unit(request: HttpRequest, year: Year, unit_id: Path[ObjectId], where: Query[Where]) -> dict[str, Any]:
    """The unit's line items in the version asked for: rule clause, points, explanation, evidence."""
    user = signed_in_user(request)
    assessment = _version(user, _district(user, where.district), year, where.version)
    score = assessment.scores.filter(unit_id=unit_id).values_list("score", "rank").first()
    if score is None:
        raise Http404
    lines = unit_breakdown(user, assessment, unit_id)
    return {
        "version": version_out(assessment), "unit": unit_id, "score": score[0], "rank": score[1],
        "items": [{
            "id": line.pk, "rule": line.clause, "title": line.title, "points": line.points, "quantity": line.quantity,
            "explanation": line.explanation, "evidence": line.evidence, "reform": line.reform_id, "task": line.task_id,
            "round": line.round_id, "case_study": line.case_study_id, "adoption": line.adoption_id,
            "commendation": line.commendation_id, "waived_by": line.waived_by_id, "waived_points": line.waived_points,
            "adjustment": line.adjustment,
        } for line in lines],
    }


def _scheme_for(user: Any, district: Unit, year: int, *, dry_run: bool) -> Scheme:
    qs = Scheme.objects.filter(district=district, year=year).order_by("-revision")
    if not dry_run:
        qs = qs.filter(state__in=(SchemeState.ADOPTED, SchemeState.FROZEN))
    scheme = qs.first()
    if scheme is None:
        message = _("There is no scheme for %(year)s.") if dry_run else _("There is no adopted scheme for %(year)s.")
        raise ValidationError({"year": message % {"year": year}})
    return scheme


@router.post("/assessments/{year}/compute", response={201: VersionOut}, summary="Compute a new draft version")
def assessment_compute(request: HttpRequest, year: Year, payload: ComputeIn, where: Query[Where]) -> Status:
    """The office computes the year's adopted scheme (the latest revision) into a new draft version;
    ``dry_run`` tries the year's latest scheme on the year before's data instead."""
    user = signed_in_user(request)
    require(user, "assessment.compute")
    district = _district(user, where.district)
    require(user, "assessment.compute", district)
    scheme = _scheme_for(user, district, year, dry_run=payload.dry_run)
    purpose = AssessmentPurpose.DRY_RUN if payload.dry_run else AssessmentPurpose.OFFICIAL
    assessment = computation.compute(user=user, scheme=scheme, purpose=purpose, reason=payload.reason)
    return Status(201, version_out(assessment))


def _official(user: Any, year: int, number: int, district_id: int | None) -> Assessment:
    district = _district(user, district_id)
    found = Assessment.objects.select_related("scheme").filter(
        district=district, year=year, purpose=AssessmentPurpose.OFFICIAL, version=number).first()
    if found is None or not can_view(user, found):
        raise Http404
    return found


@router.post("/assessments/{year}/versions/{number}/review", response=VersionOut, summary="Mark a draft version reviewed")
def assessment_review(request: HttpRequest, year: Year, number: Path[int], payload: ReviewIn, where: Query[Where]) -> dict[str, Any]:
    user = signed_in_user(request)
    require(user, "assessment.review")
    assessment = versions.review(user=user, assessment=_official(user, year, number, where.district))
    return version_out(assessment)


@router.post("/assessments/{year}/versions/{number}/publish", response=VersionOut, summary="Publish a reviewed version")
def assessment_publish(request: HttpRequest, year: Year, number: Path[int], payload: PublishIn, where: Query[Where]) -> dict[str, Any]:
    """Freezes the scheme, hashes the results into the audit chain, supersedes the version published before."""
    user = signed_in_user(request)
    require(user, "assessment.publish")
    assessment = versions.publish(user=user, assessment=_official(user, year, number, where.district), is_public=payload.is_public)
    return version_out(assessment)


@router.post("/assessments/{year}/what-if", response=PreviewOut, summary="Preview rule changes (writes nothing)")
def assessment_what_if(request: HttpRequest, year: Year, payload: WhatIfIn, where: Query[Where]) -> dict[str, Any]:
    """Every unit's score and rank with the rules of the year's latest scheme changed as sent,
    beside the published version's."""
    user = signed_in_user(request)
    require(user, "assessment.compute")
    district = _district(user, where.district)
    require(user, "assessment.compute", district)
    scheme = _scheme_for(user, district, year, dry_run=True)
    changes = [
        {k: Decimal(str(v)) if k in ("floor", "cap") and v is not None else v for k, v in c.model_dump(exclude_unset=True).items()}
        for c in payload.changes
    ]
    preview = computation.what_if(user=user, scheme=scheme, changes=changes)
    return {
        "scheme": preview.scheme_id, "year": preview.year, "published": preview.published_id, "changed": preview.changed_clauses,
        "items": [{"unit": r.unit_id, "unit_code": r.code, "unit_name": r.name, "score": r.score, "rank": r.rank, "band": r.band,
                   "published_score": r.published_score, "published_rank": r.published_rank, "delta": r.delta,
                   "rank_change": r.rank_change} for r in preview.rows],
    }
