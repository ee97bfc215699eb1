"""Rounds (评估轮次): the list (``open=true`` for the rounds open now), one round with its reforms
and dimensions, and a new round (the office of a district, for its own reforms).

Rated rounds (public, open, look-back) are public: anyone may read them. Expert rounds are the
office's (404 outside it). Writes need a signed-in caller (401), the office of the district (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import (
    PUBLIC_READ,
    ObjectId,
    PageParams,
    Ref,
    Year,
    caller,
    paginate,
    resolve_ids,
    signed_in_user,
)
from reformledger.org.models import Unit, UnitKind
from reformledger.org.schemas import UnitRef
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform

from ..models import Round, RoundKind
from ..selectors import rounds as round_selectors
from ..services import rounds as round_services

router = Router()


class DimensionSchema(Schema):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(..., max_length=40, description="A slug: lower-case letters, digits, - or _.")
    label: str = Field(..., max_length=100)


class RoundReformOut(Schema):
    id: int
    code: str
    title: str
    tier: str
    year: int


class RoundOut(Schema):
    id: int
    district: UnitRef
    kind: RoundKind
    year: int
    title: str
    description: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    is_open: bool
    dimensions: list[DimensionSchema]
    published_at: dt.datetime | None
    n_reforms: int


class RoundDetailOut(RoundOut):
    reforms: list[RoundReformOut]
    min_ratings: int
    prior_weight: int


class RoundList(Schema):
    count: int
    items: list[RoundOut]


class RoundFilters(PageParams):
    open: bool | None = Field(None, description="true: the rounds open now; false: the others.")
    kind: RoundKind | None = None
    year: Year | None = None


class RoundIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: RoundKind
    year: Year
    title: str = Field(..., max_length=limits.TITLE)
    description: str = Field("", max_length=limits.LONG_TEXT)
    opens_at: dt.datetime
    closes_at: dt.datetime
    reforms: list[ObjectId] = Field(..., max_length=2000, description="The ids of the district's reforms in the round.")
    dimensions: list[DimensionSchema] | None = Field(None, max_length=6, description="Rated rounds: at most six; satisfaction and effect by default.")
    min_ratings: int | None = Field(None, ge=0, le=100_000)
    prior_weight: int | None = Field(None, ge=0, le=100_000)
    district: ObjectId | None = Field(None, description="The district (needed only by someone in the office of several).")


def _n_reforms(round_: Round) -> int:
    annotated = getattr(round_, "n_reforms", None)
    return int(annotated) if annotated is not None else round_.entries.count()


def round_out(round_: Round) -> dict[str, Any]:
    district = round_.district
    return {
        "id": round_.pk,
        "district": {"id": district.pk, "code": district.code, "name": district.name},
        "kind": round_.kind,
        "year": round_.year,
        "title": round_.title,
        "description": round_.description,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "is_open": round_.is_open(),
        "dimensions": round_.dimensions,
        "published_at": round_.published_at,
        "n_reforms": _n_reforms(round_),
    }


def round_detail(round_: Round) -> dict[str, Any]:
    entries = round_selectors.round_entries(round_)
    reforms = [{"id": e.reform.pk, "code": e.reform.code, "title": e.reform.title, "tier": e.reform.tier, "year": e.reform.year} for e in entries]
    return {**round_out(round_), "n_reforms": len(reforms), "reforms": reforms, "min_ratings": round_.min_ratings, "prior_weight": round_.prior_weight}


@router.get("/rounds", response=RoundList, summary="Rating rounds", openapi_extra=PUBLIC_READ)
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> dict[str, Any]:
    """The rounds the caller may see, newest first: the rated rounds (public, open, look-back) for
    everyone, every round of their district for its office. ``open=true``: the rounds open now."""
    qs = round_selectors.visible_rounds(caller(request), open_now=filters.open, kind=filters.kind, year=filters.year)
    page = paginate(qs, filters, count=qs.count(), order=("-opens_at", "-pk"))
    return {"count": page["count"], "items": [round_out(r) for r in page["items"]]}


@router.get("/rounds/{round_id}", response=RoundDetailOut, summary="A rating round", openapi_extra=PUBLIC_READ)
def get_round(request: HttpRequest, round_id: Path[ObjectId]) -> dict[str, Any]:
    """Its kind, window, reforms (in order) and dimensions; 404 when the caller may not see it."""
    return round_detail(round_selectors.get_round(caller(request), round_id))


def _district(user, district_id: int | None) -> Unit:
    """The district named, else the caller's office district (a stand-in that no rule admits when
    they are in no office: the service answers 403)."""
    if district_id is not None:
        found = Unit.objects.filter(pk=district_id, kind=UnitKind.DISTRICT).first()
        if found is None:
            raise ValidationError({"district": [_("No such district.")]})
        return found
    districts = sorted(actor_for(user).district_ids)
    return Unit.objects.filter(pk__in=districts[:1]).first() or Unit(kind=UnitKind.DISTRICT)


@router.post("/rounds", response={201: RoundDetailOut}, summary="Open a rating round (the district's office)")
def create_round(request: HttpRequest, payload: RoundIn) -> Status:
    """The office opens a round of its district's reforms. 422 names the field at fault (a reform of
    another district, a window that closes before it opens, a dimension key used twice…); 403 for
    anyone but the district's office (the province office changes nothing)."""
    user = signed_in_user(request)
    data = resolve_ids(payload.model_dump(), {"reforms": Ref(Reform.objects.all(), _("Unknown reform ids: %(ids)s."), many=True)})
    district = _district(user, data.pop("district"))
    made = round_services.open_round(user=user, district=district, **data)
    return Status(201, round_detail(round_selectors.get_office_round(user, made.pk)))
