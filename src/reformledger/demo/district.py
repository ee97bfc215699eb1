"""One district like the article's, computed from a seed, then written where it is missing.

``load_demo()`` loads a district like Luohu's reform programme of 2014–2018 as the article tells
it (``/work/shared/seed``, DOMAIN.md): the district, its committee and reform office, 25 district
departments, the 10 sub-districts with 83 communities and a few hundred estates, leaders by tier,
special groups, a plan per year, and 11 upper-level tasks, 38 key reforms and 491 micro-reforms
— then the programme year's plan (``story.programme_year``) with 2 upper-level tasks, 8 key
reforms and 60 micro-reforms under way around today. People have invented names.

``build_district(code=..., name=..., seed=...)`` builds ONE such district under another code
prefix; the benchmark calls it a hundred times to make a province. It works in two steps:

1. :func:`blueprint` computes the whole district in memory from the seed (pure, deterministic:
   the same arguments always give the same units, people and reforms, codes included);
2. :func:`_apply` writes what is missing, matching existing rows by their natural keys (unit code,
   username, reform code, plan year, special group domain), with ``bulk_create`` per kind, in one
   transaction, and records every created object in the audit trail with ONE bulk append
   (action ``demo.create``, by the system).

So a second run creates nothing (and says so), and a run after someone deleted a few demo reforms
puts back exactly those. Existing rows are never updated: whatever a person changed while trying
the demo stays changed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.org.models import Domain, Unit

from .catalogue import (
    PlanSpec,
    ReformSpec,
    bulk_create_reforms,
    create_reforms_through_services,
    ensure_plans,
    missing_reforms,
    plan_specs,
    reform_specs,
)
from .organisation import (
    GroupSpec,
    PersonSpec,
    UnitSpec,
    ensure_groups,
    ensure_people,
    ensure_units,
    group_specs,
    leader_index,
    person_specs,
    unit_specs,
)
from .story import DEMO_CODE, DEMO_NAME, DEMO_SEED, DOMAIN_CODES
from .writing import Context, DemoDataError


@dataclass(frozen=True)
class Blueprint:
    code: str
    name: str
    units: tuple[UnitSpec, ...]  # parents before children; the district first
    people: tuple[PersonSpec, ...]
    plans: tuple[PlanSpec, ...]
    groups: tuple[GroupSpec, ...]
    reforms: tuple[ReformSpec, ...]
    office_head: str | None  # username of the reform office's head, who enters the reforms


def blueprint(
    *, code: str = DEMO_CODE, name: str = DEMO_NAME, seed: int = DEMO_SEED, with_people: bool = True,
    demo_logins: bool = False, today: dt.date | None = None,
) -> Blueprint:
    """The district ``code`` as data: pure and deterministic for given arguments (``today``, by
    default the local date, dates the programme year's reforms).

    Unit codes are ``<code>-...``, usernames ``<code>-...`` and reform codes ``<CODE>-<year>-...``,
    so many districts fit in one database. The reforms do not depend on ``with_people`` except
    for their responsible leaders (none without people).
    """
    today = today or timezone.localdate()
    units = unit_specs(code, name, random.Random(f"{seed}-units"))
    people = person_specs(code, units, random.Random(f"{seed}-people"), demo_logins) if with_people else ()
    leaders = leader_index(people)
    return Blueprint(
        code=code,
        name=name,
        units=tuple(units),
        people=tuple(people),
        plans=tuple(plan_specs(name, today=today)),
        groups=tuple(group_specs(code, leaders, random.Random(f"{seed}-groups"))),
        reforms=tuple(reform_specs(code, units, leaders, random.Random(f"{seed}-reforms"), today=today)),
        office_head=f"{code}-office-1" if people else None,  # never a demo login (see DEMO_LOGINS)
    )


@dataclass
class LoadResult:
    district: Unit
    created: Counter[str]  # "units", "people", "memberships", "plans", "special_groups", "reforms", "audit_entries"
    created_reforms: Counter[str]  # by tier
    seconds: float

    @property
    def created_anything(self) -> bool:
        return any(v for k, v in self.created.items() if k != "audit_entries")


def build_district(
    *,
    code: str = DEMO_CODE,
    name: str = DEMO_NAME,
    seed: int = DEMO_SEED,
    with_people: bool = True,
    demo_logins: bool = False,
    bulk: bool = False,
    audit: bool = True,
) -> LoadResult:
    """Build one district like the article's, creating only what is missing, in one transaction.

    Units, people, plans and special groups are written with ``bulk_create``. Reforms go through
    ``services.create_reform`` by the district's reform-office head (validated and audited like
    any other write; about 1 s for the 540 on SQLite) unless ``bulk=True``: then they are
    bulk-created too, for benchmarks, and the district costs a few dozen queries whatever its size.
    ``bulk=True`` is needed when ``with_people=False`` (no office head to act). ``audit=False``
    (only with ``bulk=True``) skips the audit trail; the chain stays valid either way. Otherwise
    everything created by the loader itself is recorded in ONE bulk append (action ``demo.create``,
    by the system). ``demo_logins`` gives six people the demo usernames (``office``, ``leader``,
    ...) and :data:`DEMO_PASSWORD`: for the demo district only.
    """
    if not bulk and not with_people:
        raise ValueError("Without people there is no reform office to create reforms through the services: pass bulk=True.")
    if not bulk and not audit:
        raise ValueError("Reforms created through the services are always audited: audit=False needs bulk=True.")
    started = time.perf_counter()
    plan = blueprint(code=code, name=name, seed=seed, with_people=with_people, demo_logins=demo_logins)
    district, created, by_tier = _apply(plan, bulk=bulk, audit=audit)
    return LoadResult(district=district, created=created, created_reforms=by_tier, seconds=time.perf_counter() - started)


def load_demo() -> LoadResult:
    """The demo district (``lh``, 罗湖区) with its people and the demo logins."""
    return build_district(code=DEMO_CODE, name=DEMO_NAME, seed=DEMO_SEED, with_people=True, demo_logins=True)


@transaction.atomic
def _apply(bp: Blueprint, *, bulk: bool, audit: bool) -> tuple[Unit, Counter[str], Counter[str]]:
    domains = {d.code: d for d in Domain.objects.filter(code__in=DOMAIN_CODES)}
    if len(domains) != len(DOMAIN_CODES):
        codes = ", ".join(sorted(set(DOMAIN_CODES) - set(domains)))
        raise DemoDataError(
            _("The seeded domains are missing (%(codes)s); run `reformledger migrate` first.") % {"codes": codes}
        )
    ctx = Context(bp=bp, domains=domains)
    ensure_units(ctx)
    if bp.people:
        ensure_people(ctx)
    ensure_plans(ctx)
    ensure_groups(ctx)
    missing = missing_reforms(ctx)
    if bulk:
        bulk_create_reforms(ctx, missing)
    if audit:
        ctx.append_audit()
    if not bulk:
        create_reforms_through_services(ctx, missing)
    by_tier = Counter(s.tier for s in missing)
    ctx.created["reforms"] += len(missing)
    return ctx.district, ctx.created, by_tier
