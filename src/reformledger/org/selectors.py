"""Reads for the organisation, and :class:`Actor`: who a person is in the programme.

Every permission check and every scoped list starts from ``actor_for(user)``, which is cached on
the user object for the request and, across requests, until the next audited write.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from reformledger.core.cache import ORGANISATION, cached_value

from .models import DISTRICT_ROLES, Domain, LeaderTier, Membership, Role, SpecialGroup, Unit, UnitKind, User

UNIT_ROLES = frozenset({Role.UNIT_HEAD, Role.UNIT_STAFF})


@dataclass(frozen=True)
class Actor:
    user: User | None
    roles: frozenset[str] = frozenset()
    units_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    leads_main: bool = False
    leader_domain_ids: frozenset[int] = frozenset()
    #: The districts this person's office, committee or leader memberships are in: the only
    #: districts they see whole (ADR 0025). Empty for unit staff, experts, residents and the
    #: province office (which reads every district through ``reads_every_district``).
    district_ids: frozenset[int] = frozenset()

    @property
    def is_province_office(self) -> bool:
        """The province reform office, or a superuser (the installation's operator, who acts in the
        programme as the province office: ADR 0025)."""
        return Role.PROVINCE_OFFICE in self.roles

    @property
    def reads_every_district(self) -> bool:
        """The province reform office (and a superuser, the installation's operator): reads every
        district, changes nothing in any."""
        return self.is_province_office

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_office(self) -> bool:
        return Role.OFFICE in self.roles

    @property
    def is_committee(self) -> bool:
        return Role.COMMITTEE in self.roles

    @property
    def is_leader(self) -> bool:
        return Role.LEADER in self.roles

    @property
    def sees_whole_districts(self) -> bool:
        """The office and the committee see every reform, task and order of their own districts
        (``district_ids``), and nothing of any other (ADR 0025)."""
        return self.is_office or self.is_committee

    @property
    def sees_district_work(self) -> bool:
        """Sees the whole of some districts' work: the office and the committee (their own
        districts), the province office (every district)."""
        return self.sees_whole_districts or self.reads_every_district

    def outside_districts(self, district_id: int | None) -> bool:
        """Whether a record of ``district_id`` lies outside the districts this person is bound to
        (as office, committee or leader, working in no unit): not theirs even to name in a write,
        public or not (404, ADR 0025)."""
        return bool(self.district_ids) and not self.unit_ids and district_id not in self.district_ids

    def in_district(self, district_id: int | None) -> bool:
        """Whether ``district_id`` is one of the districts this person works in as office,
        committee or leader (never true for the province office: it changes nothing)."""
        return district_id is not None and district_id in self.district_ids

    @property
    def unit_ids(self) -> frozenset[int]:
        """Units whose reforms this person carries out (as unit head or staff)."""
        return self.units_by_role.get(Role.UNIT_HEAD, frozenset()) | self.units_by_role.get(Role.UNIT_STAFF, frozenset())


ANONYMOUS = Actor(user=None)


def has_full_access(actor: Actor) -> bool:
    """Whether the person carries or watches reforms (the office, the committee, leaders, unit
    heads and staff, the province office): they see the reforms of their part in full and use the
    office pages; experts and residents see what the public sees."""
    return actor.sees_district_work or bool(actor.unit_ids) or actor.is_leader


def district_ids() -> list[int]:
    """Every district of the installation (cached until the organisation changes)."""
    return cached_value(
        "district-ids",
        lambda: list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk").values_list("pk", flat=True)),
        scopes=ORGANISATION,
    )


def actor_for(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    """Who ``user`` is in the programme: any caller (``request.user``, ``request.auth``); only a
    signed-in :class:`User` has more than the anonymous actor."""
    if not isinstance(user, User) or not user.is_authenticated:
        return ANONYMOUS
    cached = user.actor_memo
    if isinstance(cached, Actor):
        return cached
    # Memberships, leader domains and superuser status change only through audited writes (services
    # and the audited admin), so the plain fields are cached until the next one (core.cache).
    fields = cached_value(
        f"actor2:{user.pk}:{int(user.is_superuser)}", lambda: _actor_fields(user), scopes=ORGANISATION
    )
    actor = Actor(user=user, **fields)
    user.actor_memo = actor
    return actor


class _ActorFields(TypedDict):
    roles: frozenset[str]
    units_by_role: dict[str, frozenset[int]]
    leads_main: bool
    leader_domain_ids: frozenset[int]
    district_ids: frozenset[int]


def _actor_fields(user: User) -> _ActorFields:
    roles: set[str] = set()
    units: dict[str, set[int]] = defaultdict(set)
    leads_main = False
    leader_membership_ids: list[int] = []
    districts: set[int] = set()
    # A deactivated unit's memberships give no rights (the unit no longer carries reforms).
    memberships = Membership.objects.filter(user=user).exclude(unit__is_active=False)
    for m_id, role, unit_id, unit_district_id, tier in memberships.values_list(
        "id", "role", "unit_id", "unit__district_id", "leader_tier"
    ):
        if role in DISTRICT_ROLES and not unit_district_id:
            continue  # a district role without a district gives no rights (no silent province reach)
        roles.add(role)
        if unit_id:
            units[role].add(unit_id)
        if role in DISTRICT_ROLES and unit_district_id:
            districts.add(unit_district_id)
        if role == Role.LEADER:
            leads_main = leads_main or tier == LeaderTier.MAIN
            leader_membership_ids.append(m_id)
    domain_ids: frozenset[int] = frozenset()
    if leader_membership_ids:
        domain_ids = frozenset(
            Membership.domains.through.objects.filter(membership_id__in=leader_membership_ids).values_list(
                "domain_id", flat=True
            )
        )
    if user.is_superuser:
        # The installation's operator: in the programme, the province office (reads every
        # district, changes no business record; ADR 0025).
        roles.add(Role.PROVINCE_OFFICE)
    return {
        "roles": frozenset(roles),
        "units_by_role": {role: frozenset(ids) for role, ids in units.items()},
        "leads_main": leads_main,
        "leader_domain_ids": domain_ids,
        "district_ids": frozenset(districts),
    }


class UnitNode(TypedDict):
    unit: Unit
    children: list[UnitNode]


def units_tree(*, district: Unit | None = None) -> list[UnitNode]:
    """The unit tree as nested dicts ``{"unit": Unit, "children": [...]}``, in one query."""
    qs = Unit.objects.select_related(None).annotate(member_count=Count("memberships")).order_by("sort_order", "code")
    if district is not None:
        qs = qs.filter(district=district)
    nodes: dict[int, UnitNode] = {u.pk: {"unit": u, "children": []} for u in qs}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent_id = node["unit"].parent_id
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent["children"] if parent else roots).append(node)
    return roots


def unit_list(*, kind: str | None = None, district_id: int | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.filter(is_active=True).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return qs.order_by("sort_order", "code")


def people_list(*, q: str = "", role: str = "", unit_id: int | None = None) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role:
        qs = qs.filter(memberships__role=role)
    if unit_id:
        qs = qs.filter(memberships__unit_id=unit_id)
    return (
        qs.distinct()
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("unit")))
        .order_by("username")
    )


def domain_list() -> QuerySet[Domain]:
    return Domain.objects.order_by("sort_order", "code")


def special_groups(*, district_id: int | None = None) -> QuerySet[SpecialGroup]:
    qs = SpecialGroup.objects.select_related("domain", "leader", "district").prefetch_related("member_units")
    if district_id:
        qs = qs.filter(district_id=district_id)
    return qs.order_by("domain__sort_order")


def is_within(unit: Unit, top: Unit) -> bool:
    """Whether ``unit`` is ``top`` or a unit under it (its communities, estates, offices…), by the
    chain of parent units (a few small queries: the tree is a handful of levels deep)."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.pk not in seen:
        if current.pk == top.pk:
            return True
        seen.add(current.pk)
        current = Unit.objects.filter(pk=current.parent_id).first() if current.parent_id else None
    return False


# --- the office's own pages: who manages which district, and the directory's reach (ADR 0026) ----


def office_district_ids(actor: Actor) -> frozenset[int]:
    """The districts whose units and people this person manages: those of their reform-office
    memberships (not of their committee or leader ones); every district for a superuser."""
    user = actor.user
    if user is None:
        return frozenset()
    if user.is_superuser:
        return frozenset(district_ids())
    office_units = sorted(actor.units_by_role.get(Role.OFFICE, frozenset()))
    if not office_units:
        return frozenset()
    return cached_value(
        f"office-districts:{user.pk}:{office_units}",
        lambda: frozenset(
            Unit.objects.filter(pk__in=office_units, is_active=True, district__isnull=False).values_list(
                "district_id", flat=True
            )
        ),
        scopes=ORGANISATION,
    )


def directory_district_ids(actor: Actor) -> frozenset[int] | None:
    """The districts whose units and people this person sees in the directory; ``None`` for every
    district (the province office, a superuser). The office, the committee and leaders see their
    districts; unit heads and staff the districts of their units."""
    user = actor.user
    if user is None:
        return frozenset()
    if actor.reads_every_district or user.is_superuser:
        return None
    unit_ids = sorted(actor.unit_ids)
    if not unit_ids:
        return actor.district_ids
    own = cached_value(
        f"unit-districts:{unit_ids}",
        lambda: frozenset(
            Unit.objects.filter(pk__in=unit_ids, district__isnull=False).values_list("district_id", flat=True)
        ),
        scopes=ORGANISATION,
    )
    return actor.district_ids | own


def person_districts(person: User) -> tuple[frozenset[int], bool]:
    """The districts of ``person``'s memberships, and whether they also hold one outside every
    district (the province office, an expert, a resident): such a person is no district's alone."""
    rows = list(Membership.objects.filter(user=person).values_list("unit__district_id", flat=True))
    return frozenset(d for d in rows if d), any(d is None for d in rows)


def units_in(district_ids: frozenset[int] | None) -> QuerySet[Unit]:
    """Every unit (active or not) of these districts (``None``: of every district)."""
    qs = Unit.objects.all()
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    return qs.order_by("sort_order", "code")


def people_in(
    district_ids: frozenset[int] | None, *, q: str = "", role: str = "", unit_id: int | None = None, active: bool = True
) -> QuerySet[User]:
    """The people with a membership in these districts (``None``: everybody), with those
    memberships (only those: another district's stay out of sight)."""
    qs = User.objects.filter(is_active=active)
    memberships = Membership.objects.select_related("unit").order_by("role", "unit__sort_order", "unit__code")
    # One filter() call: the district, the role and the unit are of the same membership.
    held = Q()
    if district_ids is not None:
        held &= Q(memberships__unit__district_id__in=district_ids)
        memberships = memberships.filter(unit__district_id__in=district_ids)
    if role:
        held &= Q(memberships__role=role)
    if unit_id:
        held &= Q(memberships__unit_id=unit_id)
    if held:
        qs = qs.filter(held)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs.distinct().prefetch_related(Prefetch("memberships", queryset=memberships)).order_by("username")


def person_in(district_ids: frozenset[int] | None, pk: int) -> User | None:
    """One person, if they have a membership in these districts (``None``: anybody), active or not."""
    qs = User.objects.filter(pk=pk)
    if district_ids is not None:
        qs = qs.filter(memberships__unit__district_id__in=district_ids)
    return qs.distinct().first()


def memberships_of(person: User, district_ids: frozenset[int] | None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(user=person).select_related("unit").prefetch_related("domains")
    if district_ids is not None:
        qs = qs.filter(unit__district_id__in=district_ids)
    return qs.order_by("role", "unit__sort_order", "unit__code")


def units_tree_in(district_ids: frozenset[int] | None) -> list[UnitNode]:
    """:func:`units_tree` of these districts (``None``: of every district), in one query."""
    qs = units_in(district_ids).annotate(member_count=Count("memberships"))
    nodes: dict[int, UnitNode] = {u.pk: {"unit": u, "children": []} for u in qs}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent_id = node["unit"].parent_id
        parent = nodes.get(parent_id) if parent_id is not None else None
        (parent["children"] if parent else roots).append(node)
    return roots
