"""Who reads which districts' assessment records: the office its own districts, the province office
every district; the unit its own units' scores and appeals (ADR 0025's boundary, ADR 0045)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from reformledger.org.selectors import actor_for

OFFICE_ONLY = _("The assessment's office pages are for the reform office.")


def office_districts(user) -> frozenset[int] | None:
    """The districts whose assessment the person reads as the office: None for every district (the
    province office); PermissionDenied for anyone who is not an office."""
    actor = actor_for(user)
    if actor.reads_every_district:
        return None
    if actor.is_office and actor.district_ids:
        return actor.district_ids
    raise PermissionDenied(OFFICE_ONLY)


def in_districts(qs: QuerySet[Any], district_ids: frozenset[int] | None, field: str = "district_id") -> QuerySet[Any]:
    return qs if district_ids is None else qs.filter(**{f"{field}__in": district_ids})


def check_district(user, district_id: int) -> None:
    """404 for a record of a district the office reader does not read (403 for a non-office)."""
    districts = office_districts(user)
    if districts is not None and district_id not in districts:
        raise Http404
