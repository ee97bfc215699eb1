"""API for the organisation: who am I (``/me``) and the units (``/units``).

Also the small building blocks the other apps' routers share: unit and person references, the
page parameters and :func:`signed_in_user`. Authentication itself is wired in ``reformledger.api``
(which mounts this router); handlers find the caller in ``request.auth``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError

from reformledger.core.cache import cached_count

from .models import Membership, Role, UnitKind, User
from .selectors import actor_for, unit_list

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

#: Ids are 64-bit on every database; a larger number would be a database error, not a 404.
MAX_ID = 2**63 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A year as the catalogue stores it (a small integer).
Year = Annotated[int, Field(ge=1, le=9999)]

#: ``openapi_extra`` for operations anyone may call: credentials are optional (``{}``).
PUBLIC_READ: dict[str, Any] = {"security": [{}]}

router = Router(tags=["organisation"])


# --- shared building blocks --------------------------------------------------------------------


def signed_in_user(request: HttpRequest) -> User:
    """The caller, who must have signed in (token or session); 401 otherwise."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError(message=_("Sign in or send Authorization: Bearer TOKEN."))
    return user


def caller(request: HttpRequest) -> User | AnonymousUser:
    """The caller: a user, or an anonymous visitor (who sees public data only)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User | AnonymousUser) else AnonymousUser()


class PageParams(Schema):
    page: int = Field(1, ge=1, description="1-based page number.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Rows per page, at most {MAX_PAGE_SIZE}."
    )


def paginate(qs: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """``{"count": N, "items": [...]}`` for one page: two queries whatever the page size
    (one past the last page, which is empty)."""
    start = (params.page - 1) * params.page_size
    count = cached_count(qs)
    items = list(qs[start : start + params.page_size]) if start < count else []
    return {"count": count, "items": items}


class UnitRef(Schema):
    id: int
    code: str
    name: str


class UserRef(Schema):
    id: int
    username: str
    full_name: str


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
    user = signed_in_user(request)
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
