"""Rounds as each person sees them (scoped like ``evaluation.view_round``), and the rounds a person
may rate in now.

* The office of a district sees every round of its district; the province office every round;
* everyone else (the public included) sees the rated rounds (public, open, look-back): their
  window, reforms and dimensions are public, as a public reform is. Expert rounds stay with the
  office (404 outside it).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reformledger.core.compiled import compiled_one
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import PUBLIC_STATUSES, Reform

from ..models import RATED_KINDS, Round, RoundKind, RoundReform
from ..rules import staff_districts, verified_resident

ROUND_RELATED = ("district", "created_by", "published_by")


def _scope_q(user) -> Q | None:
    actor = actor_for(user)
    if actor.reads_every_district:
        return None
    rated = Q(kind__in=list(RATED_KINDS))
    if actor.is_office and actor.district_ids:
        return rated | Q(district_id__in=actor.district_ids)
    return rated


def visible_rounds(user, *, open_now: bool | None = None, kind: str | None = None, year: int | None = None) -> QuerySet[Round]:
    """The rounds the person may see, newest first (``-opens_at, -pk``)."""
    q = _scope_q(user)
    qs = Round.objects.all() if q is None else Round.objects.filter(q)
    now = timezone.now()
    if open_now is True:
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    elif open_now is False:
        qs = qs.exclude(opens_at__lte=now, closes_at__gt=now)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    return qs.select_related(*ROUND_RELATED).annotate(n_reforms=Count("entries")).order_by("-opens_at", "-pk")


def office_rounds(user) -> QuerySet[Round]:
    """The rounds of the districts whose office the person is (every district's: the province office)."""
    actor = actor_for(user)
    qs = Round.objects.all() if actor.reads_every_district else Round.objects.filter(district_id__in=actor.district_ids)
    return qs.select_related(*ROUND_RELATED).annotate(n_reforms=Count("entries", distinct=True)).order_by("-opens_at", "-pk")


def get_round(user, pk: int) -> Round:
    """One round the person may see; 404 otherwise."""
    round_ = Round.objects.select_related(*ROUND_RELATED).filter(pk=pk).first()
    if round_ is None or not user.has_perm("evaluation.view_round", round_):
        raise Http404
    return round_


def rating_entry(user, round_id: int, reform_id: int) -> tuple[Round, RoundReform | None]:
    """For a rating: the round (404 unless the person may see it) and its row for the reform, with
    the reform loaded (None when the reform is not in the round). One query when it is."""
    # One per round and reform; asked by every rating, so compiled once per process (core.compiled).
    entry = compiled_one(
        "rating-entry", lambda round_pk, reform_pk: RoundReform.objects.select_related("round", "reform").filter(
            round_id=round_pk, reform_id=reform_pk), round_id, reform_id,
    )
    if entry is None:
        return get_round(user, round_id), None
    if not user.has_perm("evaluation.view_round", entry.round):
        raise Http404
    return entry.round, entry


def get_office_round(user, pk: int) -> Round:
    """A round for the office's pages: 404 unless the person's office runs it (or the province office)."""
    round_ = Round.objects.select_related(*ROUND_RELATED).filter(pk=pk).first()
    if round_ is None or not user.has_perm("evaluation.view_round_office", round_):
        raise Http404
    return round_


def round_entries(round_: Round) -> QuerySet[RoundReform]:
    """The reforms of a round in their order, with what a rating page shows of each (one query)."""
    return round_.entries.select_related("reform", "reform__lead_unit", "reform__domain").order_by("position", "pk")


def rateable_districts(user) -> set[int]:
    """The districts whose rounds the person may rate in as a resident (their community's) or staff."""
    resident = verified_resident(user)
    out = staff_districts(user)
    if resident is not None and resident.community is not None and resident.community.district_id is not None:
        out.add(resident.community.district_id)
    return out


def rounds_open_to(user) -> list[Round]:
    """The rated rounds open now in which the person may rate (residents: public, open and look-back
    rounds of their district; staff: open rounds of their units' districts). The office and the
    province office rate in none."""
    actor = actor_for(user)
    if not actor.is_authenticated or actor.reads_every_district:
        return []
    resident = verified_resident(user)
    now = timezone.now()
    q = Q(pk__in=[])
    if resident is not None and resident.community is not None:
        q |= Q(district_id=resident.community.district_id)
    staff = staff_districts(user)
    if staff:
        q |= Q(kind=RoundKind.OPEN, district_id__in=staff)
    qs = Round.objects.filter(q, kind__in=list(RATED_KINDS), opens_at__lte=now, closes_at__gt=now)
    if actor.is_office and actor.district_ids:
        qs = qs.exclude(district_id__in=actor.district_ids)
    return list(qs.select_related(*ROUND_RELATED).annotate(n_reforms=Count("entries")).order_by("closes_at", "pk"))


def reform_choices(district_id: int, *, kind: str, q: str = "", year: int | None = None, tier: str = "") -> QuerySet[Reform]:
    """The district's reforms an office may put in a round (residents rate public ones only), by code."""
    qs = Reform.objects.filter(district_id=district_id)
    if kind in RATED_KINDS:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q))
    if year:
        qs = qs.filter(year=year)
    if tier:
        qs = qs.filter(tier=tier)
    return qs.only("id", "code", "title", "year", "tier", "status", "district_id").order_by("-year", "code")
