"""The demo district's catalogue: a plan per year, the article's 11 upper-level tasks, 38 key
reforms and 491 micro-reforms of 2014–2018 (history: completed, a few terminated), and the
programme year's plan with its reforms around today (texts in :mod:`.programme`).

:func:`plan_specs` and :func:`reform_specs` compute it from a seed (pure); the writers insert the
missing plans in bulk, and the missing reforms either through ``reforms.services.create_reform``
(the demo: validated and audited one by one) or in bulk (the benchmark).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from reformledger.core.audit import Change, diff
from reformledger.org.models import Unit, UnitKind
from reformledger.reforms.models import Plan, Reform, Status, Tier
from reformledger.reforms.services import ReformFields, create_reform, snapshot

from .organisation import DEPARTMENTS, Leaders, UnitSpec, unit_ref
from .programme import (
    CURRENT_KEY_REFORMS,
    CURRENT_MICRO,
    CURRENT_UPPER_TASKS,
    DELIVERABLES,
    GOAL_ENDINGS,
    KEY_REFORMS,
    MEASURES,
    MICRO_PER_YEAR,
    MICRO_THEMES,
    ORDINALS,
    STATUS_NOTES,
    UPPER_TASKS,
)
from .story import AUDIT_ACTION, DOMAIN_CODES, SHOWCASE_SUB_DISTRICT, YEARS, programme_year
from .writing import Context


@dataclass(frozen=True)
class PlanSpec:
    year: int
    title: str
    adopted_on: dt.date


@dataclass(frozen=True)
class ReformSpec:
    code: str
    title: str
    tier: str
    source_level: str
    year: int
    domain: str
    lead_unit: str
    co_units: tuple[str, ...]
    responsible_leader: str | None  # username
    goals: str
    measures: str
    deliverables: str
    start_date: dt.date
    due_date: dt.date
    status: str
    progress: int
    public_summary: str


def plan_specs(name: str, *, today: dt.date) -> list[PlanSpec]:
    """One adopted plan a year: the article's years, and the programme year's."""
    years = (*YEARS, programme_year(today))
    return [PlanSpec(year=y, title=f"{name}{y}年度改革计划", adopted_on=dt.date(y, 2, 18 + i)) for i, y in enumerate(years)]


def _numbered(items: Sequence[str], rng: random.Random, k: int) -> str:
    picked = rng.sample(list(items), k)
    return "；".join(f"{ORDINALS[i]}是{text}" for i, text in enumerate(picked)) + "。"


def _dates(rng: random.Random, year: int, *, first_month: int, last_month: int, min_days: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))
    end_of_year = dt.date(year, 12, 31)
    due = min(start + dt.timedelta(days=rng.randint(min_days, 300)), end_of_year)
    return start, max(due, start)


def _progress(rng: random.Random, status: str) -> int:
    if status == Status.COMPLETED:
        return 100
    if status == Status.IN_PROGRESS:
        return rng.randrange(30, 95, 5)
    if status in (Status.SUSPENDED, Status.TERMINATED):
        return rng.randrange(10, 65, 5)
    return 0


def _micro_status(rng: random.Random, year: int) -> str:
    """The article's years are history (completed; a few terminated, or suspended before 2018 and
    never resumed); the programme year's micro-reforms are mostly under way."""
    roll = rng.random()
    if year <= YEARS[-1]:
        if roll < 0.03:
            return Status.TERMINATED
        if roll < 0.05 and year < YEARS[-1]:
            return Status.SUSPENDED
        return Status.COMPLETED
    if roll < 0.12:
        return Status.COMPLETED
    if roll < 0.9:
        return Status.IN_PROGRESS
    return Status.APPROVED


def _historic(status: str) -> str:
    """The article tells 2018's reforms as of early 2019; in the demo's today they are long done."""
    return Status.COMPLETED if status in (Status.IN_PROGRESS, Status.APPROVED) else status


def _current_dates(rng: random.Random, year: int, today: dt.date, status: str) -> tuple[dt.date, dt.date]:
    """Dates of a programme-year reform around ``today``: under way since the plan's adoption,
    due in the coming months; completed ones finished before today; approved ones start soon."""
    adopted = dt.date(year, 3, 1)
    if status == Status.APPROVED:
        start = today + dt.timedelta(days=rng.randint(10, 40))
        return start, start + dt.timedelta(days=rng.randint(180, 300))
    latest_start = max(adopted, today - dt.timedelta(days=150 if status == Status.COMPLETED else 90))
    start = adopted + dt.timedelta(days=rng.randint(0, (latest_start - adopted).days))
    if status == Status.COMPLETED:
        return start, max(start + dt.timedelta(days=30), today - dt.timedelta(days=rng.randint(5, 40)))
    return start, today + dt.timedelta(days=rng.randint(60, 210))


def split_measures(reform: Reform) -> list[str]:
    """A reform's measures as :func:`_numbered` writes them, one by one: ``一是A；二是B。`` -> ``[A, B]``."""
    items = [m.strip().rstrip("。") for m in (reform.measures or "").split("；")]
    items = [m[2:] if len(m) > 2 and m[1] == "是" and m[0] in "一二三四五六七八九十" else m for m in items]
    return [m for m in items if m] or [reform.title]


def _goals(rng: random.Random, goal: str) -> str:
    ending = rng.choice([e for e in GOAL_ENDINGS if e[-2:] not in goal])
    return f"{goal}，{ending}。"


def _summary(lead_name: str, what: str, goal: str, status: str) -> str:
    """The public summary: who leads what, to what end, and where it stands."""
    return f"由{lead_name}牵头，推进{what}，目标是{goal}。{STATUS_NOTES[status]}"


@dataclass
class _Drafts:
    """The reforms drafted so far, and what drafting one needs: the district's codes and unit
    names, its leaders, and the one random generator every draw comes from, in catalogue order."""

    code: str
    names: dict[str, str]
    leaders: Leaders
    rng: random.Random
    out: list[ReformSpec] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)

    @property
    def prefix(self) -> str:
        return self.code.upper()

    def add(self, *, goal: str, what: str, n_measures: int, n_deliverables: int, **kw) -> None:
        rng, domain, status = self.rng, kw["domain"], kw["status"]
        self.titles.add(kw["title"])
        self.out.append(ReformSpec(
            goals=_goals(rng, goal),
            measures=_numbered(MEASURES[domain], rng, n_measures),
            deliverables="；".join(rng.sample(DELIVERABLES[domain], n_deliverables)) + "。",
            progress=_progress(rng, status),
            public_summary=_summary(self.names[kw["lead_unit"]], what, goal, status),
            **kw,
        ))


def reform_specs(
    code: str, units: list[UnitSpec], leaders: Leaders, rng: random.Random, *, today: dt.date
) -> list[ReformSpec]:
    """The whole catalogue, upper-level tasks first, then key reforms, then micro-reforms: the
    article's years, then the programme year's (dated around ``today``)."""
    drafts = _Drafts(code=code, names={u.code: u.name for u in units}, leaders=leaders, rng=rng)
    _upper_tasks(drafts)
    _key_reforms(drafts)
    _micro_reforms(drafts, units, MICRO_PER_YEAR)
    year = programme_year(today)
    _current_upper_tasks(drafts, year, today)
    _current_key_reforms(drafts, year, today)
    _micro_reforms(drafts, units, {year: CURRENT_MICRO}, today=today)
    return drafts.out


def _current_upper_tasks(drafts: _Drafts, year: int, today: dt.date) -> None:
    code, rng = drafts.code, drafts.rng
    for n, (source, domain, title, lead, co, goal) in enumerate(CURRENT_UPPER_TASKS, start=1):
        start, due = _current_dates(rng, year, today, Status.IN_PROGRESS)
        drafts.add(
            code=f"{drafts.prefix}-{year}-SJ-{n:02d}", title=title, tier=Tier.UPPER, source_level=source,
            year=year, domain=domain, lead_unit=unit_ref(code, lead), co_units=tuple(unit_ref(code, c) for c in co),
            responsible_leader=drafts.leaders.by_domain.get(domain), start_date=start, due_date=due,
            status=Status.IN_PROGRESS, n_measures=4, n_deliverables=3, goal=goal, what=title,
        )


def _current_key_reforms(drafts: _Drafts, year: int, today: dt.date) -> None:
    """The programme year's key reforms; the n-th goes to the n-th main leader, in turn."""
    code, rng, main_leaders = drafts.code, drafts.rng, drafts.leaders.main
    for n, (domain, title, lead, co, goal, status) in enumerate(CURRENT_KEY_REFORMS, start=1):
        start, due = _current_dates(rng, year, today, status)
        main = main_leaders[(n - 1) % len(main_leaders)] if main_leaders else None
        drafts.add(
            code=f"{drafts.prefix}-{year}-ZD-{n:02d}", title=title, tier=Tier.KEY, source_level="",
            year=year, domain=domain, lead_unit=unit_ref(code, lead), co_units=tuple(unit_ref(code, c) for c in co),
            responsible_leader=main, start_date=start, due_date=due,
            status=status, n_measures=4, n_deliverables=3, goal=goal, what=title,
        )


def _upper_tasks(drafts: _Drafts) -> None:
    """Upper-level tasks: the leader in charge of the domain answers for them."""
    code, rng = drafts.code, drafts.rng
    per_year: Counter[int] = Counter()
    for year, source, domain, title, lead, co, goal in UPPER_TASKS:
        per_year[year] += 1
        start, due = _dates(rng, year, first_month=1, last_month=4, min_days=150)
        drafts.add(
            code=f"{drafts.prefix}-{year}-SJ-{per_year[year]:02d}", title=title, tier=Tier.UPPER, source_level=source,
            year=year, domain=domain, lead_unit=unit_ref(code, lead), co_units=tuple(unit_ref(code, c) for c in co),
            responsible_leader=drafts.leaders.by_domain.get(domain), start_date=start, due_date=due,
            status=Status.COMPLETED, n_measures=4, n_deliverables=3, goal=goal, what=title,
        )


def _key_reforms(drafts: _Drafts) -> None:
    """Key reforms: the main district leaders answer for them, in turn."""
    code, rng, main_leaders = drafts.code, drafts.rng, drafts.leaders.main
    per_year: Counter[int] = Counter()
    for year, domain, title, lead, co, goal, status in KEY_REFORMS:
        per_year[year] += 1
        start, due = _dates(rng, year, first_month=3, last_month=4, min_days=240)
        main = main_leaders[(per_year[year] - 1) % len(main_leaders)] if main_leaders else None
        drafts.add(
            code=f"{drafts.prefix}-{year}-ZD-{per_year[year]:02d}", title=title, tier=Tier.KEY, source_level="",
            year=year, domain=domain, lead_unit=unit_ref(code, lead), co_units=tuple(unit_ref(code, c) for c in co),
            responsible_leader=main, start_date=start, due_date=due,
            status=_historic(status or Status.COMPLETED), n_measures=4, n_deliverables=3, goal=goal, what=title,
        )


#: The programme year's first micro-reforms: the showcase sub-district's, under way (the parts
#: ``story.SHOWCASE_ROLES`` plays, whatever the draw).
SHOWCASE_UNDER_WAY = 3


def _micro_reforms(
    drafts: _Drafts, units: list[UnitSpec], per_year: dict[int, int], *, today: dt.date | None = None
) -> None:
    """Micro-reforms: led by sub-districts, communities and departments; their heads answer for
    them. ``today`` for the programme year's (dated around it)."""
    code, rng = drafts.code, drafts.rng
    by_kind = {
        "S": [u for u in units if u.kind == UnitKind.SUB_DISTRICT],
        "C": [u for u in units if u.kind == UnitKind.COMMUNITY],
        "D": [u for u in units if u.kind == UnitKind.DEPARTMENT],
    }
    sub_weights = [3 if u.code == f"{code}-{SHOWCASE_SUB_DISTRICT}" else 1 for u in by_kind["S"]]
    communities_of = defaultdict(list)
    for u in by_kind["C"]:
        communities_of[u.parent].append(u.code)
    dept_domains = {f"{code}-{slug}": domains for slug, _n, _t, domains in DEPARTMENTS}
    depts_for = {d: [u for u, domains in dept_domains.items() if d in domains] for d in DOMAIN_CODES}
    themes_for = {kind: [t for t in MICRO_THEMES if kind in t[3]] for kind in "SC"}
    themes_for["D"] = [t for t in MICRO_THEMES if t[5]]
    by_code = {u.code: u for u in units}
    for year, count in per_year.items():
        for n in range(1, count + 1):
            while True:
                showcase = today is not None and n <= SHOWCASE_UNDER_WAY
                kind = "S" if showcase else rng.choices("SCD", weights=(45, 35, 20))[0]
                domain, slogan, topic, _kinds, goal, depts = rng.choice(themes_for[kind])
                if showcase:
                    lead = by_code[f"{code}-{SHOWCASE_SUB_DISTRICT}"]
                elif kind == "S":
                    lead = rng.choices(by_kind["S"], weights=sub_weights)[0]
                elif kind == "C":
                    lead = rng.choice(by_kind["C"])
                else:  # a department reforms in its own line of work
                    lead = by_code[unit_ref(code, rng.choice(depts))]
                title = f"{lead.name}“{slogan}”{topic}"
                if title not in drafts.titles:
                    break
            co: list[str] = []
            if kind == "S":
                co = rng.sample(communities_of[lead.code], rng.randint(0, 2))
                if rng.random() < 0.3 and depts_for[domain]:
                    co.append(rng.choice(depts_for[domain]))
            elif kind == "C":
                co = [lead.parent or ""] if rng.random() < 0.6 else []  # a community's sub-district
            else:
                co = [u.code for u in rng.sample(by_kind["S"], rng.randint(1, 2))]
            status = Status.IN_PROGRESS if today is not None and n <= SHOWCASE_UNDER_WAY else _micro_status(rng, year)
            if today is None:
                start, due = _dates(rng, year, first_month=1, last_month=7, min_days=60)
            else:
                start, due = _current_dates(rng, year, today, status)
            head = drafts.leaders.unit_head.get(lead.code) if rng.random() < 0.8 else None
            drafts.add(
                code=f"{drafts.prefix}-{year}-WG-{n:03d}", title=title, tier=Tier.MICRO, source_level="", year=year,
                domain=domain, lead_unit=lead.code, co_units=tuple(co[:3]), responsible_leader=head,
                start_date=start, due_date=due, status=status,
                n_measures=3, n_deliverables=2, goal=goal, what=f"“{slogan}”{topic}",
            )


# ----------------------------------------------------------------------------------------------
# Writing it
# ----------------------------------------------------------------------------------------------


def ensure_plans(ctx: Context) -> None:
    district, plans = ctx.district, ctx.plans
    plans.update((p.year, p) for p in Plan.objects.filter(district=district, year__in=[s.year for s in ctx.bp.plans]))
    new = [
        Plan(district=district, year=s.year, title=s.title, status=Plan.PlanStatus.ADOPTED, adopted_on=s.adopted_on)
        for s in ctx.bp.plans
        if s.year not in plans
    ]
    Plan.objects.bulk_create(new)
    for plan in new:
        plans[plan.year] = plan
        ctx.record(plan, {
            "district": plan.district_id, "year": plan.year, "title": plan.title, "status": plan.status,
            "adopted_on": plan.adopted_on,
        })
    ctx.created["plans"] += len(new)


def missing_reforms(ctx: Context) -> list[ReformSpec]:
    codes = [s.code for s in ctx.bp.reforms]
    have = set(Reform.objects.filter(code__in=codes).values_list("code", flat=True))
    return [s for s in ctx.bp.reforms if s.code not in have]


def _reform_data(ctx: Context, s: ReformSpec) -> ReformFields:
    """A reform's fields as ``services.create_reform`` takes them (model instances for relations)."""
    return {
        "code": s.code, "title": s.title, "tier": s.tier, "source_level": s.source_level, "year": s.year,
        "plan": ctx.plans[s.year], "domain": ctx.domains[s.domain], "lead_unit": ctx.units[s.lead_unit],
        "co_units": [ctx.units[c] for c in s.co_units],
        "responsible_leader": ctx.users[s.responsible_leader] if s.responsible_leader else None,
        "goals": s.goals, "measures": s.measures, "deliverables": s.deliverables, "start_date": s.start_date,
        "due_date": s.due_date, "status": s.status, "public_summary": s.public_summary,
    }


def create_reforms_through_services(ctx: Context, specs: list[ReformSpec]) -> None:
    """Each reform through the service, by the reform office's head: validated, audited one by one."""
    if not specs:
        return
    assert ctx.bp.office_head is not None  # build_district: no services without people
    office_head = ctx.users[ctx.bp.office_head]
    for s in specs:
        # The demo district's history moves in as its ledger records it (progress, completed reforms).
        create_reform(user=office_head, data=_reform_data(ctx, s), imported_progress=s.progress)
    ctx.created["audit_entries"] += len(specs)


def bulk_create_reforms(ctx: Context, specs: list[ReformSpec]) -> None:
    """All reforms in a few inserts; their audit entries join the loader's one bulk append."""
    pending: list[tuple[Reform, list[Unit]]] = []
    for s in specs:
        data = _reform_data(ctx, s)
        co_units = data.pop("co_units")
        pending.append((Reform(district=ctx.district, progress=s.progress, **data), co_units))
    Reform.objects.bulk_create([r for r, _co in pending], batch_size=500)
    through = Reform.co_units.through
    through.objects.bulk_create(
        [through(reform_id=r.pk, unit_id=u.pk) for r, co in pending for u in co], batch_size=1000
    )
    for reform, co_units in pending:
        # What prefetch_related would hold: lets snapshot() read the co-units without a query each.
        reform._prefetched_objects_cache = {"co_units": co_units}  # type: ignore[attr-defined]
        ctx.changes.append(Change(AUDIT_ACTION, reform, diff({}, snapshot(reform))))
