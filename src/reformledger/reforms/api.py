"""API for the reform catalogue: list, read, create, change, move along the lifecycle, and stats.

Reads go through :mod:`.selectors` (scoped to the caller), writes through :mod:`.services`
(permission-checked and audited): the API has no rules of its own. What the caller sees:

* people with full access (office, committee, leaders, unit staff) list the reforms they may see
  in full; everyone else lists the public reforms;
* one reform is shown in full to whoever holds ``reforms.view_reform`` on it, by its public fields
  to anyone else when it is public, and is 404 otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal, TypeVar, Union, cast, get_args

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, GetCoreSchemaHandler, GetPydanticSchema
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import CoreSchema

from reformledger.core import limits
from reformledger.core.api import (
    PUBLIC_READ,
    ObjectId,
    PageParams,
    Ref,
    Year,
    cached_json,
    caller,
    paginate,
    resolve_ids,
    signed_in_user,
    tracked_json,
)
from reformledger.org.api import UnitRef, UserRef
from reformledger.org.models import Domain, Unit, User
from reformledger.org.selectors import actor_for

from . import rules as reform_rules
from . import selectors, services
from .models import Plan, Reform, SourceLevel, Status, Tier

router = Router(tags=["reforms"])

SortKey = Literal[tuple(selectors.SORTS)]  # type: ignore[valid-type]
SourceLevelIn = SourceLevel | Literal[""]

T = TypeVar("T")


def _validated_without_none(source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
    """The schema of ``source`` (``X | None``) without its ``None``: validated and documented as ``X``."""
    kept = tuple(arg for arg in get_args(source) if arg is not type(None))
    return handler(Union[kept] if len(kept) > 1 else kept[0])  # noqa: UP007 - a union built at run time


#: A field a payload may leave out but not send as null: ``None`` on the model when left out (the
#: handlers read ``model_dump(exclude_unset=True)``), ``X`` in validation and in OpenAPI.
Omittable = Annotated[T | None, GetPydanticSchema(_validated_without_none)]


# --- schemas ---------------------------------------------------------------------------------


class DomainRef(Schema):
    id: int
    code: str
    name: str


class ReformItem(Schema):
    """One row of the catalogue: public fields only, whoever asks."""

    id: int
    code: str
    title: str
    tier: Tier
    year: int
    domain: DomainRef
    lead_unit: UnitRef
    status: Status
    progress: int


class ReformPage(Schema):
    count: int
    items: list[ReformItem]


class ReformPublic(Schema):
    """A reform as the public sees it."""

    id: int
    code: str
    title: str
    tier: Tier
    source_level: str
    year: int
    domain: DomainRef
    lead_unit: UnitRef
    status: Status
    progress: int
    start_date: dt.date | None
    due_date: dt.date | None
    public_summary: str


class ReformDetail(ReformPublic):
    """A reform in full, for those who may see it in full (``reforms.view_reform``)."""

    co_units: list[UnitRef]
    responsible_leader: UserRef | None
    goals: str
    measures: str
    deliverables: str
    plan_id: int | None
    district: UnitRef
    created_at: dt.datetime
    updated_at: dt.datetime
    allowed_transitions: list[Status] = Field(
        description="The statuses the caller may move this reform to now."
    )

    @staticmethod
    def resolve_allowed_transitions(obj: Reform, context: dict[str, Any]) -> list[str]:
        return reform_rules.allowed_targets(context["request"].auth, obj)


class ReformChange(Schema):
    """The fields to change; leave out what stays. Units, people and plans by id, the domain by code.

    What a caller may change is the service's rule: unit staff the content and dates; the reform
    office also the code, tier, year, domain, lead unit, responsible leader and plan. ``progress``
    is refused (422): it is the roll-up of the work the office accepted, corrected only by the
    office with a reason (``POST /reforms/{id}/progress-correction``).
    """

    model_config = ConfigDict(extra="forbid")

    code: Omittable[str] = Field(None, max_length=limits.CODE)
    title: Omittable[str] = Field(None, max_length=limits.TITLE)
    tier: Omittable[Tier] = None
    source_level: Omittable[SourceLevelIn] = None
    year: Omittable[int] = Field(None, ge=1900, le=2100)
    domain: Omittable[str] = Field(None, max_length=limits.CODE, description="Domain code, e.g. public-services.")
    lead_unit: Omittable[ObjectId] = Field(None, description="Unit id.")
    co_units: Omittable[list[ObjectId]] = Field(None, description="Unit ids; replaces the current co-units.")
    responsible_leader: ObjectId | None = Field(None, description="Person id, or null.")
    plan: ObjectId | None = Field(None, description="Plan id, or null.")
    goals: Omittable[str] = Field(None, max_length=limits.LONG_TEXT)
    measures: Omittable[str] = Field(None, max_length=limits.LONG_TEXT)
    deliverables: Omittable[str] = Field(None, max_length=limits.LONG_TEXT)
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    # Not a field: nobody types a reform's progress (it comes from accepted work). Taken in only so
    # that the service refuses it by name (422 on ``progress``); not in the OpenAPI document.
    progress: SkipJsonSchema[Any] = None
    public_summary: Omittable[str] = Field(None, max_length=limits.LONG_TEXT)


class ReformPatch(ReformChange):
    reason: Omittable[str] = Field(
        None, max_length=limits.REASON, description="Why the dates change: required when the office changes them from approval on."
    )


class ReformCreate(ReformChange):
    """A new reform. Units create drafts for a unit they work in; the office may set any status."""

    code: str = Field(..., max_length=limits.CODE)
    title: str = Field(..., max_length=limits.TITLE)
    tier: Tier
    year: int = Field(..., ge=1900, le=2100)
    domain: str = Field(..., max_length=limits.CODE, description="Domain code, e.g. public-services.")
    lead_unit: ObjectId = Field(..., description="Unit id.")
    status: Omittable[Status] = Field(
        None, description="Office only; a unit's new reform is always a draft. Never completed: completion is by 办结."
    )


class TransitionIn(Schema):
    """A move along the lifecycle. Not to completed: a reform is completed only through 办结 (the
    lead unit's application, the office's decision); asking for it is 422 on ``status``."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    note: str = Field("", max_length=limits.MESSAGE)


class TierStats(Schema):
    total: int
    completed: int
    completion_rate: float = Field(description="completed / total, 0 to 1.")


class TierStatsByTier(Schema):
    upper: TierStats
    key: TierStats
    micro: TierStats


class StatsOut(Schema):
    tiers: TierStatsByTier


class ReformFilterParams(Schema):
    year: Year | None = None
    tier: Tier | None = None
    domain: str | None = Field(None, max_length=limits.CODE, description="Domain code.")
    unit: str | None = Field(None, max_length=limits.CODE, description="Unit code: reforms the unit leads or co-runs.")
    status: Status | None = None
    q: str | None = Field(None, max_length=limits.SEARCH, description="Text in the code, title or public summary.")
    district: ObjectId | None = Field(None, description="Id of the district unit.")
    sort: SortKey = selectors.DEFAULT_SORT  # type: ignore[valid-type]


# --- helpers ---------------------------------------------------------------------------------


def _load(
    user: AbstractBaseUser | AnonymousUser, pk: int, *, for_change: bool = False, for_write: bool = False
) -> tuple[Reform, bool]:
    """The reform and whether the caller sees it in full, by the selectors' loading policy: 404
    when the caller may not see it, 403 (``for_change``) when they see it but may not change it."""
    return selectors.get_reform_as_seen(user, pk, for_change=for_change, for_write=for_write)


def _detail(request: HttpRequest, pk: int, *, status: int = 200) -> JsonResponse:
    """The reform as the caller may see it, in full or by its public fields.

    Rendered here rather than by ninja: with two possible shapes, ninja would re-validate the
    result against the union and could pick the wrong one; here the shape is decided by permission.
    """
    reform, full = _load(caller(request), pk)
    body: ReformPublic
    if full:
        body = ReformDetail.model_validate(reform, context={"request": request})
    else:
        body = ReformPublic.model_validate(reform)
    return JsonResponse(
        body.model_dump(mode="json"),
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def _resolve_refs(data: dict[str, Any]) -> services.ReformFields:
    """Turn the ids and codes of ``data`` into objects; 422 naming every field with an unknown one.

    The schema has already refused nulls where a reference is required, so only ``responsible_leader``
    and ``plan`` may arrive as ``None`` (which clears them). The domain is named by its code, not
    its id: looked up here, its error joins those of :func:`resolve_ids`.
    """
    errors: dict[str, list[str]] = {}
    data = dict(data)
    if "domain" in data:
        domain = Domain.objects.filter(code=data["domain"]).first()
        if domain is None:
            errors["domain"] = [_("Unknown domain: %(code)s.") % {"code": data["domain"]}]
        data["domain"] = domain
    refs = {
        "lead_unit": Ref(Unit.objects.all(), _("Unknown unit id: %(id)s.")),
        "co_units": Ref(Unit.objects.all(), _("Unknown unit ids: %(ids)s."), many=True),
        "responsible_leader": Ref(User.objects.filter(is_active=True), _("Unknown person id: %(id)s."), nullable=True),
        "plan": Ref(Plan.objects.all(), _("Unknown plan id: %(id)s."), nullable=True),
    }
    return cast(services.ReformFields, resolve_ids(data, refs, errors=errors))


# --- endpoints -------------------------------------------------------------------------------


@router.get("/reforms", response=ReformPage, openapi_extra=PUBLIC_READ, summary="The catalogue")
def list_reforms(
    request: HttpRequest, filters: Query[ReformFilterParams], paging: Query[PageParams]
) -> HttpResponse:
    user = caller(request)
    criteria = selectors.ReformFilters(
        year=filters.year,
        tier=filters.tier,
        domain=filters.domain,
        unit=filters.unit,
        status=filters.status,
        q=filters.q,
        district=filters.district,
    )

    full = selectors.has_full_access(actor_for(user))

    def encode() -> bytes:
        if full:
            qs = selectors.reform_list(user, criteria, filters.sort)
        else:
            qs = selectors.public_reform_list(criteria, filters.sort)
        qs = qs.only(*ITEM_FIELDS)
        page = paginate(
            qs, paging, district_ids=selectors.list_districts(user, criteria),
            order=selectors.SORTS.get(filters.sort, selectors.SORTS[selectors.DEFAULT_SORT]),
            family="work" if not full or filters.sort in selectors.WORK_SORTS else "reforms",
            count_key=f"api-reforms:{'full' if full else 'public'}:{selectors.list_key(user, criteria, '')}",
        )
        selectors.depend_on_rows(page["items"])
        # Encoded as the ReformPage schema documents it: the items are built field by field from
        # the model, so pydantic has nothing to check (validating 200 items cost more than the query).
        body = {"count": page["count"], "items": [_item(reform) for reform in page["items"]]}
        return json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False).encode()

    key = f"api-reforms:{selectors.list_key(user, criteria, filters.sort)}:{paging.page}:{paging.page_size}"
    if not full:  # the public's list: until the next write (core.cache)
        return cached_json(key, encode, scopes=selectors.reading_scopes(user))
    # The same page for everyone who may see the same reforms, kept while the reform rows of the
    # districts read and the levels (ADR 0052) of the districts whose rows it shows stand, as the catalogue's
    # (ADR 0033): a report in a district it does not show leaves it served.
    return tracked_json(key, encode, scopes=selectors.list_scopes(user, selectors.districts_of(actor_for(user)), filters.sort))


#: The columns a list item reads (no goals, measures or deliverables; the district keys what it read).
ITEM_FIELDS = (
    "id", "code", "title", "tier", "year", "status", "progress", "district_id",
    "domain__id", "domain__code", "domain__name", "lead_unit__id", "lead_unit__code", "lead_unit__name",
)


def _item(reform: Reform) -> dict[str, Any]:
    return {
        "id": reform.pk,
        "code": reform.code,
        "title": reform.title,
        "tier": reform.tier,
        "year": reform.year,
        "domain": {"id": reform.domain.pk, "code": reform.domain.code, "name": reform.domain.name},
        "lead_unit": {"id": reform.lead_unit.pk, "code": reform.lead_unit.code, "name": reform.lead_unit.name},
        "status": reform.status,
        "progress": reform.progress,
    }


@router.post("/reforms", response={201: ReformDetail}, summary="Create a reform")
def create_reform(request: HttpRequest, payload: ReformCreate) -> JsonResponse:
    user = signed_in_user(request)
    data = _resolve_refs(payload.model_dump(exclude_unset=True))
    reform = services.create_reform(user=user, data=data)
    return _detail(request, reform.pk, status=201)


@router.get(
    "/reforms/{reform_id}",
    response=ReformDetail | ReformPublic,
    openapi_extra=PUBLIC_READ,
    summary="One reform: in full, or its public fields",
)
def get_reform(request: HttpRequest, reform_id: Path[ObjectId]) -> JsonResponse:
    return _detail(request, reform_id)


@router.patch("/reforms/{reform_id}", response=ReformDetail, summary="Change a reform")
def update_reform(request: HttpRequest, reform_id: Path[ObjectId], payload: ReformPatch) -> JsonResponse:
    """From approval on only the office changes the dates (a unit's change answers 422 on the
    field), with a ``reason``."""
    user = signed_in_user(request)
    reform, _full = _load(user, reform_id, for_change=True)
    fields = payload.model_dump(exclude_unset=True)
    reason = fields.pop("reason", None) or ""
    services.update_reform(user=user, reform=reform, data=_resolve_refs(fields), reason=reason)
    return _detail(request, reform_id)


@router.post(
    "/reforms/{reform_id}/transition",
    response=ReformDetail,
    summary="Move a reform along its lifecycle",
)
def transition_reform(request: HttpRequest, reform_id: Path[ObjectId], payload: TransitionIn) -> JsonResponse:
    user = signed_in_user(request)
    reform, _full = _load(user, reform_id, for_write=True)
    services.transition_reform(user=user, reform=reform, to_status=payload.status, note=payload.note)
    return _detail(request, reform_id)


@router.get(
    "/stats", response=StatsOut, openapi_extra=PUBLIC_READ, tags=["stats"], summary="Completion by tier"
)
def stats(request: HttpRequest, year: Year | None = None) -> dict[str, Any]:
    return {"tiers": selectors.tier_stats(caller(request), year=year)}
