"""API for the organisation: who am I (``/me``) and the units (``/units``). The unit and person
references the other apps' schemas use are in :mod:`.schemas`; what every router shares (ids,
paging, the caller) is in :mod:`reformledger.core.api`.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from reformledger.core.api import PUBLIC_READ, ObjectId, PageParams, paginate, signed_in_user

from .models import Membership, Role, UnitKind, User

# Re-exported only for reforms/api.py, until it imports them from .schemas (see pyproject.toml).
from .schemas import UnitRef as UnitRef
from .schemas import UserRef as UserRef
from .selectors import actor_for, unit_list

router = Router(tags=["organisation"])


# --- /me -------------------------------------------------------------------------------------


class MyUnit(Schema):
    id: int
    code: str
    name: str
    role: Role


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[Role]
    units: list[MyUnit]


@router.get("/me", response=MeOut, summary="Who I am: my roles and my units")
def me(request: HttpRequest) -> dict[str, Any]:
    user = cast(User, signed_in_user(request))  # the user model is org's User
    memberships = (
        Membership.objects.filter(user=user, unit__isnull=False)
        .select_related("unit")
        .order_by("unit__sort_order", "unit__code", "role")
    )
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": user.full_name,
        "roles": sorted(actor_for(user).roles),
        "units": [
            {"id": m.unit.pk, "code": m.unit.code, "name": m.unit.name, "role": m.role}
            for m in memberships
            if m.unit is not None  # always, as filtered
        ],
    }


# --- /units ----------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None
    district_id: int | None


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitFilters(Schema):
    kind: UnitKind | None = None
    district: ObjectId | None = Field(None, description="Id of the district unit.")


@router.get("/units", response=UnitPage, openapi_extra=PUBLIC_READ, summary="Units of the organisation")
def list_units(
    request: HttpRequest, filters: Query[UnitFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    qs = unit_list(kind=filters.kind, district_id=filters.district).select_related(None)
    return paginate(qs, paging)
