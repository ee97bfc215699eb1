"""Reads of the catalogue, already scoped to what the person may see.

``visible_reforms`` is the queryset twin of the ``reforms.view_reform`` rule; anonymous visitors
and residents get ``public_reforms`` (public fields only, by the callers' choice of fields).

One loading policy for one reform, shared by the office pages and the API: :func:`get_reform` —
404 for a reform the person may not see, and (``for_change``) 403 for one they see but may not
change. The API also shows public reforms by their public fields: :func:`get_reform_as_seen`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from reformledger.core.cache import (
    EVERYTHING,
    LEVELS,
    ORGANISATION,
    Scopes,
    cached_value,
    depends_on,
    fact_scopes,
    per_district,
    reform_fact_scopes,
    work_scopes,
)
from reformledger.core.permissions import require
from reformledger.org.models import Domain, Unit, UnitKind
from reformledger.org.selectors import Actor, actor_for, district_ids, has_full_access

from .models import PUBLIC_STATUSES, Attachment, Reform, Status, Tier
from .rules import MAIN_LEADER_TIERS

SORTS = {
    "code": ("code",),
    "-code": ("-code",),
    "title": ("title", "code"),
    "-title": ("-title", "code"),
    "year": ("year", "code"),
    "-year": ("-year", "code"),
    "due": ("due_date", "code"),
    "-due": ("-due_date", "code"),
    "progress": ("progress", "code"),
    "-progress": ("-progress", "code"),
    "status": ("status", "code"),
    "-status": ("-status", "code"),
}
DEFAULT_SORT = "-year"


@dataclass(frozen=True)
class ReformFilters:
    year: int | None = None
    tier: str | None = None
    domain: str | None = None  # domain code
    unit: str | None = None  # unit code: reforms the unit leads or co-runs
    status: str | None = None
    q: str | None = None
    district: int | None = None


def _full_access_q(actor: Actor) -> Q | None:
    """None means no restriction (the province office). The office and the committee see their
    own districts whole; leaders the reforms they answer for in their districts; unit staff their
    units' reforms (ADR 0025)."""
    if actor.reads_every_district:
        return None
    parts: list[Q] = []
    if actor.sees_whole_districts:
        parts.append(Q(district_id__in=sorted(actor.district_ids)))
    if actor.unit_ids:
        co = Reform.co_units.through.objects.filter(reform_id=OuterRef("pk"), unit_id__in=actor.unit_ids)
        parts += [Q(lead_unit_id__in=actor.unit_ids), Q(Exists(co))]
    if actor.is_leader and actor.user is not None:  # roles are only ever a signed-in person's
        leads = Q(responsible_leader_id=actor.user.pk)
        if actor.leads_main:
            leads |= Q(tier__in=MAIN_LEADER_TIERS)
        if actor.leader_domain_ids:
            leads |= Q(domain_id__in=actor.leader_domain_ids)
        parts.append(leads & Q(district_id__in=sorted(actor.district_ids)))
    q = Q(pk__in=[])
    for part in parts:
        q |= part
    return q


def visibility_key(user) -> str:
    """A short string that determines ``visible_reforms(user)``: equal keys, equal querysets.

    Built from exactly the facts :func:`_full_access_q` reads, so cached lists and fragments can be
    keyed by who may see what without compiling the SQL. Change both together.
    """
    actor = actor_for(user)
    if not has_full_access(actor):
        return "public"
    if actor.reads_every_district:
        return "all"
    whole = f"d{sorted(actor.district_ids)}" if actor.sees_whole_districts else ""
    leader = (
        f"l{actor.user.pk}:m{int(actor.leads_main)}:d{sorted(actor.leader_domain_ids)}:in{sorted(actor.district_ids)}"
        if actor.is_leader and actor.user is not None
        else ""
    )
    return f"{whole}:u{sorted(actor.unit_ids)}:{leader}"


def list_key(user, filters: ReformFilters, sort: str) -> str:
    """What :func:`reform_list` returns for these arguments, as a cache key."""
    return f"{visibility_key(user)}|{filters!r}|{sort}"


def visible_reforms(user) -> QuerySet[Reform]:
    """Every reform this person may see in full; public reforms for everyone else."""
    actor = actor_for(user)
    if not has_full_access(actor):
        return public_reforms()
    q = _full_access_q(actor)
    return Reform.objects.all() if q is None else Reform.objects.filter(q)


def of_visible_reforms(qs: QuerySet[Any], user, *, field: str = "reform") -> QuerySet[Any]:
    """``qs`` narrowed to the rows whose reform (``field``) the person may see; as it is for those who
    see every reform (the province office): no subquery of the province's reforms that keeps them all."""
    actor = actor_for(user)
    full = has_full_access(actor) and _full_access_q(actor) is None
    return qs if full else qs.filter(**{f"{field}__in": visible_reforms(user).values("pk")})


def public_reforms() -> QuerySet[Reform]:
    return Reform.objects.filter(status__in=PUBLIC_STATUSES)


def apply_filters(qs: QuerySet[Reform], filters: ReformFilters) -> QuerySet[Reform]:
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.domain:
        qs = qs.filter(domain__code=filters.domain)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    if filters.unit:
        co = Reform.co_units.through.objects.filter(reform_id=OuterRef("pk"), unit__code=filters.unit)
        qs = qs.filter(Q(lead_unit__code=filters.unit) | Q(Exists(co)))
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(Q(title__icontains=text) | Q(code__icontains=text) | Q(public_summary__icontains=text))
    return qs


def reform_list(user, filters: ReformFilters = ReformFilters(), sort: str = DEFAULT_SORT) -> QuerySet[Reform]:
    """The catalogue: scoped, filtered, sorted, with what a list row shows joined in."""
    qs = apply_filters(visible_reforms(user), filters)
    return qs.select_related("domain", "lead_unit").order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def public_reform_list(filters: ReformFilters = ReformFilters(), sort: str = DEFAULT_SORT) -> QuerySet[Reform]:
    qs = apply_filters(public_reforms(), filters)
    return qs.select_related("domain", "lead_unit").order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


#: Why a person who sees a reform may not open it for change.
CHANGE_REFUSED = _("You may not change this reform.")


def get_reform(user, pk: int, *, for_change: bool = False) -> Reform:
    """One reform with everything its page shows: the loading policy of the pages and the API.

    404 when this person may not see the reform in full; with ``for_change``, 403 when they see it
    but may not change it (``reforms.change_reform``). Services check their own permission again.
    """
    reform = (
        visible_reforms(user)
        .select_related("domain", "lead_unit", "responsible_leader", "plan", "district")
        .prefetch_related("co_units", Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")))
        .filter(pk=pk)
        .first()
    )
    if reform is None:
        raise Http404
    if for_change:
        require(user, "reforms.change_reform", reform, message=CHANGE_REFUSED)
    return reform


def get_reform_as_seen(user, pk: int, *, for_change: bool = False, for_write: bool = False) -> tuple[Reform, bool]:
    """The reform and whether the person sees it in full (else by its public fields, when public).

    The policy of :func:`get_reform`, where a public reform counts as seen: 404 when the person
    may see it neither in full nor as the public does; with ``for_change``, 403 unless they may
    change it (which needs the full view). ``for_write``: a write that is not a change of fields
    (a move along the lifecycle): 404 for another district's office, committee or leader, as
    with ``for_change``; the service decides the rest.
    """
    if has_full_access(actor_for(user)):
        try:
            return get_reform(user, pk, for_change=for_change), True
        except Http404:
            pass
    reform = get_public_reform(pk)
    if (for_change or for_write) and actor_for(user).outside_districts(reform.district_id):
        raise Http404  # another district's office, committee or leader (ADR 0025)
    if for_change:
        raise PermissionDenied(CHANGE_REFUSED)
    return reform, False


def reform_by_id(user, pk: int, *, with_co_units: bool = False) -> Reform:
    """The reform a page's form was posted about, or 404 when there is none (or it lies in another
    district than the poster's, an office, committee member or leader: ADR 0025).

    A post is a write: whether this person may make it is the service's check (403), as it was on
    the page the form came from; nothing of the reform is shown before that check.
    """
    qs = Reform.objects.prefetch_related("co_units") if with_co_units else Reform.objects.all()
    reform = get_object_or_404(qs, pk=pk)
    if actor_for(user).outside_districts(reform.district_id):
        raise Http404
    return reform


def attachment_of(user, reform_id: int, attachment_id: int) -> Attachment:
    """An attachment of the reform a write names (with the reform), or 404 (as :func:`reform_by_id`:
    another district's office does not learn that it exists); the service allows the change or
    refuses it with 403."""
    reform = reform_by_id(user, reform_id)
    return get_object_or_404(Attachment.objects.select_related("reform"), pk=attachment_id, reform=reform)


def district_of_unit(unit: Unit) -> Unit:
    """The district a unit belongs to (itself for a district)."""
    return unit if unit.district_id in (None, unit.pk) else Unit.objects.get(pk=unit.district_id)


def get_public_reform(pk: int) -> Reform:
    reform = (
        public_reforms()
        .select_related("domain", "lead_unit")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.filter(is_public=True)))
        .filter(pk=pk)
        .first()
    )
    if reform is None:
        raise Http404
    return reform


def reading_districts(user) -> list[int]:
    """The districts whose reforms :func:`visible_reforms` may hold for this person: their own
    districts for everyone bound to districts (the office, the committee, leaders, unit staff),
    every district for the province office and the public (who read public reforms everywhere)."""
    districts = districts_of(actor_for(user))
    return district_ids() if districts is None else sorted(districts)


def list_districts(user, filters: ReformFilters | Any) -> list[int]:
    """The districts a filtered list may hold (one when the filter names one): any filters with a
    ``district`` attribute (the catalogue's, the warning board's)."""
    districts = reading_districts(user)
    return [d for d in districts if d == filters.district] if filters.district else districts


def reading_scopes(user) -> Scopes:
    """The cache scopes of what :func:`visible_reforms` returns for this person (core.cache): their
    own districts' versions only, so a write in another district leaves their pages warm; every
    district's for the province office and the public."""
    if districts_of(actor_for(user)) is None:
        return EVERYTHING
    return work_scopes(reading_districts(user))


#: Sorts whose order the day's work moves (the roll-up writes ``progress``, core.cache): a list so
#: sorted depends on its districts' work, any other on their reform rows (ADR 0033).
WORK_SORTS = frozenset({"progress", "-progress"})


def depend_on_rows(reforms: Iterable[Reform]) -> None:
    """What a page of reform rows shows that the roll-up computes (their progress, status and
    warning): the levels of the rows' districts (ADR 0052), declared to the page being kept."""
    depends_on(fact_scopes(LEVELS, {reform.district_id for reform in reforms}))


def list_scopes(user, districts: Iterable[int] | None, sort: str) -> Scopes:
    """What a list of reforms (the office's catalogue, the public one), its order and its count
    depend on before its rows are read: the reform rows of the districts read (and their
    organisation), or all of their work for a sort the day's work moves. The page adds its rows'
    own districts' levels (their progress, status and warning, ADR 0052: ``depends_on``) once it has them."""
    return reading_scopes(user) if sort in WORK_SORTS else reform_fact_scopes(districts)


def tier_stats(user, *, year: int | None = None) -> dict[str, dict[str, float | int]]:
    """Totals, completed counts and completion rates by tier, over what the person may see.

    Summed over districts, each district's part cached on the version of its reforms (core.cache:
    the ``reforms`` family): a progress report leaves them as they are."""
    qs = visible_reforms(user)
    if year:
        qs = qs.filter(year=year)

    def compute(missing: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
        rows = (
            qs.filter(district_id__in=missing)
            .values_list("district_id", "tier")
            .annotate(total=Count("pk"), completed=Count("pk", filter=Q(status=Status.COMPLETED)))
        )
        out: dict[int, dict[str, tuple[int, int]]] = {}
        for district, tier, total, completed in rows:
            out.setdefault(district, {})[tier] = (total, completed)
        return out

    parts: dict[int, dict[str, tuple[int, int]]] = per_district(
        f"tier-stats:{visibility_key(user)}:{year}", reading_districts(user), compute, default={}, family="reforms"
    )
    out = {}
    for tier in Tier.values:
        total = sum(part.get(tier, (0, 0))[0] for part in parts.values())
        completed = sum(part.get(tier, (0, 0))[1] for part in parts.values())
        out[tier] = {
            "total": total,
            "completed": completed,
            "completion_rate": round(completed / total, 4) if total else 0.0,
        }
    return out


def tier_rows(user, *, year: int | None = None) -> list[dict]:
    """:func:`tier_stats` as rows for a page: tier, label, total, completed, rate, in tier order."""
    stats = tier_stats(user, year=year)
    return [
        {
            "tier": tier,
            "label": label,
            "total": stats[tier]["total"],
            "completed": stats[tier]["completed"],
            "rate": stats[tier]["completion_rate"],
        }
        for tier, label in Tier.choices
    ]


def year_choices(user) -> list[int]:
    """The years that have reforms this person may see, newest first (per district, cached)."""
    qs = visible_reforms(user)

    def compute(missing: list[int]) -> dict[int, frozenset[int]]:
        out: dict[int, set[int]] = {}
        for district, year in qs.filter(district_id__in=missing).order_by().values_list("district_id", "year").distinct():
            out.setdefault(district, set()).add(year)
        return {district: frozenset(years) for district, years in out.items()}

    parts: dict[int, frozenset[int]] = per_district(
        f"years:{visibility_key(user)}", reading_districts(user), compute, default=frozenset(), family="reforms"
    )
    return sorted(set[int]().union(*parts.values()), reverse=True)


#: The code letters the demo district and Luohu's ledgers use per tier (上级/重点/微改革).
TIER_CODE_LETTERS: dict[str, str] = {Tier.UPPER: "SJ", Tier.KEY: "ZD", Tier.MICRO: "WG"}


def suggest_code(*, district_code: str, year: int, tier: str) -> str:
    """The next free code of the form ``LH-2019-WG-007`` for a district, year and tier."""
    prefix = f"{district_code.upper()}-{year}-{TIER_CODE_LETTERS.get(tier, 'GG')}-"
    taken = Reform.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix):]) for code in taken if code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


# --- units and options offered by the catalogue's filters and the reform form ---------------------

#: Unit kinds that carry reforms (offered as lead units, co-units and in the unit filter).
REFORM_UNIT_KINDS = (
    UnitKind.DISTRICT,
    UnitKind.COMMITTEE,
    UnitKind.REFORM_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.SUB_DISTRICT,
    UnitKind.COMMUNITY,
    UnitKind.EXTERNAL,
)

#: The order in which unit lists show the kinds.
UNIT_KIND_ORDER = (
    UnitKind.SUB_DISTRICT,
    UnitKind.DEPARTMENT,
    UnitKind.COMMUNITY,
    UnitKind.DISTRICT,
    UnitKind.COMMITTEE,
    UnitKind.REFORM_OFFICE,
    UnitKind.EXTERNAL,
)

def reform_units(district_ids: set[int] | None) -> QuerySet[Unit]:
    """Units that may lead or co-run a reform, limited to the given districts (None: all)."""
    qs = Unit.objects.filter(is_active=True, kind__in=REFORM_UNIT_KINDS)
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    # Sub-districts first, then departments, communities and the rest: the order a reform office
    # thinks in (and the list people scan in the unit filter and the co-unit boxes).
    rank = Case(
        *(When(kind=kind, then=Value(order)) for order, kind in enumerate(UNIT_KIND_ORDER)),
        default=Value(len(UNIT_KIND_ORDER)),
    )
    return qs.order_by(rank, "sort_order", "code")


def districts_of(actor: Actor) -> set[int] | None:
    """The districts the person works in: of their office, committee and leader memberships
    (``Actor.district_ids``) and of their units. None when they read every district: the province
    office (and a superuser), and people with no membership (the public's pages span districts)."""
    if actor.reads_every_district or not has_full_access(actor):
        return None
    unit_ids = set().union(*actor.units_by_role.values()) if actor.units_by_role else set()
    rows = cached_value(
        f"districts-of:{sorted(unit_ids)}",
        lambda: list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "district_id")),
        scopes=ORGANISATION,
    ) if unit_ids else []
    return set(actor.district_ids) | {district_id or pk for pk, district_id in rows}


def office_districts(actor: Actor) -> set[int] | None:
    """The districts whose whole work this person watches as office or committee (the only ones an
    office issues orders in, makes bulletins of, lists units of); None: every district (the
    province office, reading only)."""
    if actor.reads_every_district:
        return None
    return set(actor.district_ids)


class Choice(NamedTuple):
    """A filter option: the code in the query string and the name shown."""

    code: str
    name: str


def _lazy_list(build: Callable[[], list[Choice]]) -> list[Choice]:
    """The list ``build`` returns, built on first use: the proxy stands in for the list (it
    forwards every list operation, and ``isinstance(proxy, list)`` holds)."""
    return cast(list[Choice], SimpleLazyObject(build))


def filter_units(district_ids: set[int] | None) -> list[Choice]:
    """The unit filter's options (cached until the next write; fetched only when iterated)."""
    return _lazy_list(
        lambda: cached_value(
            f"filter-units:{sorted(district_ids) if district_ids is not None else '*'}",
            lambda: [Choice(code, name) for code, name in reform_units(district_ids).values_list("code", "name")],
            scopes=ORGANISATION,
        )
    )


def filter_units_for(user, chosen_district: object) -> list[Choice] | None:
    """The unit filter's options for this person: the units of their districts; for whoever reads
    every district (the province office), the chosen district's units, or no unit filter at all
    until a district is chosen (a province's 30,000 units are no list to pick from, and drawing
    them made every new page of the province's catalogue and board cost 200 ms)."""
    district_ids = districts_of(actor_for(user))
    if district_ids is None:
        try:
            district_ids = {int(str(chosen_district))}
        except ValueError:
            return None
    return filter_units(district_ids)


def filter_districts(user) -> list[Choice] | None:
    """The district filter's options, for whoever reads every district (the province office: ADR
    0025); None for everyone bound to their districts (cached until the organisation changes)."""
    actor = actor_for(user)
    if not (actor.reads_every_district and has_full_access(actor)):
        return None
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code").values_list("pk", "name")
    return _lazy_list(
        lambda: cached_value("filter-districts", lambda: [Choice(str(pk), name) for pk, name in districts], scopes=ORGANISATION)
    )


def filter_domains() -> list[Choice]:
    """The domain filter's options (cached until the next write; fetched only when iterated)."""
    domains = Domain.objects.order_by("sort_order", "code").values_list("code", "name")
    return _lazy_list(lambda: cached_value("filter-domains", lambda: [Choice(c, n) for c, n in domains], scopes=ORGANISATION))
