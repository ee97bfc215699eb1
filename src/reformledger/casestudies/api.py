"""Case studies in the API: the public list of published case studies and one case study
(``GET /case-studies``, ``GET /case-studies/{case_study_id}``). Anyone may call them; they show what
the public site shows. Writes are the pages' (the office's steps need their forms)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from reformledger.core import limits
from reformledger.core.api import PUBLIC_READ, ObjectId, PageParams, Year, cached_json, paginate
from reformledger.core.cache import cached_count

from .models import CaseStudy
from .selectors import public as selectors

router = Router(tags=["case studies"])

Level = Literal["city", "province", "nation", "none"]


class CaseFilterParams(Schema):
    domain: str | None = Field(None, max_length=limits.CODE, description="A domain's code, e.g. public-services.")
    tier: Literal["upper", "key", "micro"] | None = None
    adoption_level: Level | None = Field(None, description="The widest level at which it was adopted; none: not adopted yet.")
    year: Year | None = Field(None, description="The reform's year.")
    q: str | None = Field(None, max_length=limits.SEARCH, description="Words in the title, highlights, features, reform or district.")


class RefOut(Schema):
    id: int
    name: str


class ReformRefOut(Schema):
    id: int
    code: str
    title: str
    tier: str
    year: int
    domain: str


class CaseItemOut(Schema):
    id: int
    reform: ReformRefOut
    title: str
    district: RefOut
    highlights: str
    adoption_level: str = Field(..., description="city, province, nation, or empty when not adopted yet.")
    adoptions_count: int
    published_at: dt.datetime | None


class CasePage(Schema):
    count: int
    items: list[CaseItemOut]


class OutcomeOut(Schema):
    indicator: str
    before: Decimal | None
    after: Decimal
    unit: str
    source: str


class AdoptionOut(Schema):
    id: int
    level: str
    place: str
    adopted_on: dt.date
    document_number: str
    description: str


class CaseOut(CaseItemOut):
    background: str
    features: str
    experience: str
    outcomes_text: str
    outcomes: list[OutcomeOut]
    adoptions: list[AdoptionOut]
    images: list[str] = Field(..., description="Addresses of the case's images.")
    documents: list[str]


def _item(case: CaseStudy) -> dict[str, Any]:
    reform = case.reform
    return {
        "id": case.pk, "title": case.title, "highlights": case.highlights, "adoption_level": case.adoption_level,
        "adoptions_count": case.adoptions_count, "published_at": case.published_at,
        "district": {"id": case.district_id, "name": case.district.name},
        "reform": {"id": reform.pk, "code": reform.code, "title": reform.title, "tier": reform.tier, "year": reform.year,
                   "domain": reform.domain.code},
    }


@router.get("/case-studies", response=CasePage, openapi_extra=PUBLIC_READ, summary="Published case studies")
def list_case_studies(request: HttpRequest, filters: Query[CaseFilterParams], paging: Query[PageParams]) -> HttpResponse:
    criteria = selectors.PublicFilters(
        domain=filters.domain or "", tier=filters.tier or "", level=filters.adoption_level or "", year=filters.year,
        q=(filters.q or "").strip(),
    )

    def encode() -> bytes:
        qs = selectors.public_case_studies(criteria)
        page = paginate(qs, paging, count=cached_count(qs, scopes=selectors.PUBLIC_SCOPES), order=selectors.ORDER)
        body = {"count": page["count"], "items": [_item(case) for case in page["items"]]}
        return json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False).encode()

    key = f"api-case-studies:{criteria!r}:{paging.page}:{paging.page_size}"
    return cached_json(key, encode, scopes=selectors.PUBLIC_SCOPES)


@router.get("/case-studies/{case_study_id}", response=CaseOut, openapi_extra=PUBLIC_READ, summary="A published case study")
def get_case_study(request: HttpRequest, case_study_id: Path[ObjectId]) -> dict[str, Any]:
    case = selectors.get_public_case_study(case_study_id)
    rows = selectors.public_rows(case)

    def address(material: Any) -> str:
        return request.build_absolute_uri(reverse("casestudies:material", kwargs={"pk": case.pk, "material_id": material.pk}))

    return {
        **_item(case), "background": case.background, "features": case.features, "experience": case.experience,
        "outcomes_text": case.outcomes, "outcomes": rows["outcomes"], "adoptions": rows["adoptions"],
        "images": [address(m) for m in rows["images"]],
        "documents": [address(m) for m in rows["documents"]],
    }
