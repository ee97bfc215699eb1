"""The demo district: Luohu's programme as the article tells it, loaded idempotently.

The district is loaded once for the module (inside a transaction rolled back at the end), so
every test here looks at the same 540 reforms; each test's own writes roll back as usual.
"""

import dataclasses
from collections import defaultdict
from importlib import import_module

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone

from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry
from reformledger.demo.district import blueprint, build_district, load_demo
from reformledger.demo.organisation import SUB_DISTRICTS
from reformledger.demo.story import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DOMAIN_CODES,
    LEADER_GROUP_DOMAIN,
    YEARS,
    programme_year,
)
from reformledger.org.models import LeaderTier, Membership, Role, SpecialGroup, Unit, UnitKind, User
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Plan, Reform, SourceLevel, Status, Tier
from reformledger.reforms.selectors import tier_stats, visible_reforms

SUB_DISTRICT_NAMES = {"桂园街道", "黄贝街道", "东门街道", "翠竹街道", "南湖街道", "笋岗街道", "东湖街道", "莲塘街道",
                      "东晓街道", "清水河街道"}


def _restore_seeded_rows() -> None:
    """Put back what the data migrations seed (the six domains, the audit chain's head).

    A transactional test (``django_db(transaction=True)``, the browser tests) flushes the database
    when it ends; under xdist it may have run on this worker before this module.
    """
    import_module("reformledger.org.migrations.0002_seed_domains").seed(apps, None)
    import_module("reformledger.core.migrations.0003_audit_head").create_head(apps, None)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        result = load_demo()
        yield result
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "plans": Plan.objects.count(),
        "groups": SpecialGroup.objects.count(),
        "reforms": Reform.objects.count(),
        "co_units": Reform.co_units.through.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_the_catalogue_has_the_article_numbers(demo, db):
    district = demo.district
    history = Reform.objects.filter(district=district, year__in=YEARS)
    by_tier = dict(history.values_list("tier").annotate(n=Count("pk")))
    assert by_tier == {Tier.UPPER: 11, Tier.KEY: 38, Tier.MICRO: 491}
    year = programme_year(timezone.localdate())
    current = dict(Reform.objects.filter(year=year).values_list("tier").annotate(n=Count("pk")))
    assert current == {Tier.UPPER: 2, Tier.KEY: 8, Tier.MICRO: 60}
    assert demo.created_reforms == {tier: by_tier[tier] + current[tier] for tier in by_tier}
    assert set(Reform.objects.values_list("year", flat=True)) == {2014, 2015, 2016, 2017, 2018, year}

    upper = history.filter(tier=Tier.UPPER)
    assert set(upper.values_list("status", "progress")) == {(Status.COMPLETED, 100)}
    assert set(upper.values_list("source_level", flat=True)) == set(SourceLevel.values)
    office = User.objects.get(username="office")
    assert tier_stats(office)[Tier.UPPER] == {"total": 13, "completed": 11, "completion_rate": round(11 / 13, 4)}

    # Realistic statuses: the article's years are history (completed, a few stopped); the
    # programme year's reforms are mostly under way.
    past = history.exclude(tier=Tier.UPPER)
    past_status = dict(past.values_list("status").annotate(n=Count("pk")))
    assert past_status[Status.COMPLETED] / past.count() > 0.9
    assert past_status.get(Status.TERMINATED, 0) >= 1 and past_status.get(Status.SUSPENDED, 0) >= 1
    assert set(past_status) <= {Status.COMPLETED, Status.TERMINATED, Status.SUSPENDED}
    now = dict(Reform.objects.filter(year=year, tier=Tier.MICRO).values_list("status").annotate(n=Count("pk")))
    assert set(now) == {Status.COMPLETED, Status.IN_PROGRESS, Status.APPROVED}
    assert now[Status.IN_PROGRESS] > now[Status.COMPLETED]

    # Named after the article's examples.
    titles = " ".join(Reform.objects.exclude(tier=Tier.MICRO).values_list("title", flat=True))
    for example in ("棚改", "医改", "放管服", "营商环境", "互联网+政务服务", "政务公开", "物业管理改革", "小区党建",
                    "社区体制改革", "街道“大部制”", "城市更新", "土地整备", "教育集团", "消费型经济改革", "可持续发展"):
        assert example in titles, example


def test_the_organisation_is_luohu_s(demo, db):
    district = demo.district
    assert district.kind == UnitKind.DISTRICT and district.name == "罗湖区"
    units = Unit.objects.filter(district=district)
    by_kind = dict(units.values_list("kind").annotate(n=Count("pk")))
    assert by_kind[UnitKind.SUB_DISTRICT] >= 10 and by_kind[UnitKind.COMMUNITY] >= 80
    assert by_kind[UnitKind.DEPARTMENT] >= 20 and by_kind[UnitKind.ESTATE] >= 100
    assert by_kind[UnitKind.COMMITTEE] == by_kind[UnitKind.REFORM_OFFICE] == 1
    assert by_kind[UnitKind.EXTERNAL] >= 2
    assert set(units.filter(kind=UnitKind.SUB_DISTRICT).values_list("name", flat=True)) == SUB_DISTRICT_NAMES
    # Four-level tree: district -> sub-district -> community -> estate; departments under the district.
    parent_kinds = set(units.exclude(pk=district.pk).values_list("kind", "parent__kind"))
    assert (UnitKind.COMMUNITY, UnitKind.SUB_DISTRICT) in parent_kinds
    assert (UnitKind.ESTATE, UnitKind.COMMUNITY) in parent_kinds
    assert all(
        parent == (UnitKind.SUB_DISTRICT if kind == UnitKind.COMMUNITY else
                   UnitKind.COMMUNITY if kind == UnitKind.ESTATE else UnitKind.DISTRICT)
        for kind, parent in parent_kinds
    )
    assert Unit.objects.filter(district=district).count() == Unit.objects.count()  # every unit knows its district

    # Leaders by tier, special groups led by the leader in charge of their domain.
    leaders = Membership.objects.filter(role=Role.LEADER, unit=district)
    assert leaders.filter(leader_tier=LeaderTier.MAIN).count() >= 2
    in_charge = {m.domains.get().code: m.user_id for m in leaders.filter(leader_tier=LeaderTier.DOMAINS)}
    assert set(in_charge) == set(DOMAIN_CODES)
    groups = SpecialGroup.objects.filter(district=district).annotate(members=Count("member_units"))
    # ... except grassroots governance, which the first main leader (the ``leader`` login) leads.
    leads = {**in_charge, LEADER_GROUP_DOMAIN: User.objects.get(username="leader").pk}
    assert {g.domain.code: g.leader_id for g in groups} == leads
    assert all(g.members >= 3 for g in groups)
    # Every sub-district and department has a head and staff.
    carrying = [UnitKind.SUB_DISTRICT, UnitKind.DEPARTMENT]
    roles = defaultdict(set)
    for unit_id, role in Membership.objects.filter(unit__kind__in=carrying).values_list("unit_id", "role"):
        roles[unit_id].add(role)
    for unit in units.filter(kind__in=carrying):
        assert {Role.UNIT_HEAD, Role.UNIT_STAFF} <= roles[unit.pk], unit
    # Invented names only: none of the real people the article names.
    assert not User.objects.filter(full_name__in=["贺海涛", "罗育德", "李小宁", "罗海鸣"]).exists()
    assert Plan.objects.filter(district=district, status=Plan.PlanStatus.ADOPTED).count() == 6


def test_every_reform_is_well_formed(demo, db):
    reforms = list(
        Reform.objects.select_related("lead_unit", "domain", "plan", "responsible_leader").prefetch_related("co_units")
    )
    assert len({r.code for r in reforms}) == len(reforms) == 610
    assert len({r.title for r in reforms}) == 610
    main = set(Membership.objects.filter(leader_tier=LeaderTier.MAIN).values_list("user_id", flat=True))
    in_charge = {m.domains.get().pk: m.user_id for m in Membership.objects.filter(leader_tier=LeaderTier.DOMAINS)}
    heads = set(Membership.objects.filter(role=Role.UNIT_HEAD).values_list("user_id", "unit_id"))
    for r in reforms:
        assert r.lead_unit_id and r.domain_id, r.code
        assert r.start_date <= r.due_date, r.code
        if r.year in YEARS:
            assert r.start_date.year == r.due_date.year == r.year, r.code
        else:  # this year's plan: under way since its adoption, or (approved) starting in the coming weeks
            assert r.start_date.year == r.year or r.status == Status.APPROVED, r.code
        assert r.plan.year == r.year and r.district_id == demo.district.pk
        co = [u.pk for u in r.co_units.all()]
        assert len(co) <= 3 and r.lead_unit_id not in co, r.code
        assert r.goals and r.measures and r.deliverables and r.public_summary, r.code
        assert (r.progress == 100) == (r.status == Status.COMPLETED), r.code
        if r.status == Status.IN_PROGRESS:
            assert 30 <= r.progress <= 95, r.code
        # Three-level responsibility.
        if r.tier == Tier.KEY:
            assert r.responsible_leader_id in main and r.lead_unit.kind == UnitKind.DEPARTMENT
        elif r.tier == Tier.UPPER:
            assert r.responsible_leader_id == in_charge[r.domain_id] and r.source_level
        else:
            assert r.lead_unit.kind in (UnitKind.SUB_DISTRICT, UnitKind.COMMUNITY, UnitKind.DEPARTMENT)
            assert r.responsible_leader_id is None or (r.responsible_leader_id, r.lead_unit_id) in heads, r.code
    codes = {r.code.rsplit("-", 2)[1] for r in reforms}
    assert codes == {"SJ", "ZD", "WG"}


def test_the_demo_logins_work_with_the_right_roles(demo, db, client):
    for username in DEMO_LOGINS:
        # django-axes (the lock-out, ADR 0028) needs the request that signs in.
        assert client.login(request=RequestFactory().post("/accounts/login/"), username=username, password=DEMO_PASSWORD)
        client.logout()
    everyone_else = User.objects.exclude(username__in=DEMO_LOGINS)
    assert everyone_else.count() > 200
    assert not any(user.has_usable_password() for user in everyone_else)

    office = User.objects.get(username="office")
    assert office.is_staff and actor_for(office).is_office
    province = actor_for(User.objects.get(username="province"))
    assert province.reads_every_district and not province.is_office
    leader = User.objects.get(username="leader")
    assert actor_for(leader).leads_main and actor_for(leader).is_leader
    assert visible_reforms(leader).filter(tier__in=[Tier.UPPER, Tier.KEY]).count() == 59
    assert not actor_for(leader).sees_whole_districts

    unit = User.objects.get(username="unit")
    membership = unit.memberships.get()
    assert membership.role == Role.UNIT_STAFF and membership.unit.kind == UnitKind.SUB_DISTRICT
    led = Reform.objects.filter(tier=Tier.MICRO).values("lead_unit").annotate(n=Count("pk")).order_by("-n")
    assert led[0]["lead_unit"] == membership.unit_id  # the sub-district that leads the most micro-reforms
    in_progress = Reform.objects.filter(lead_unit=membership.unit, status=Status.IN_PROGRESS).first()
    assert in_progress is not None and unit.has_perm("reforms.change_reform", in_progress)
    other = Reform.objects.exclude(lead_unit=membership.unit).filter(status=Status.IN_PROGRESS).first()
    assert not unit.has_perm("reforms.change_reform", other)

    assert User.objects.get(username="expert").memberships.get().role == Role.EXPERT
    assert User.objects.get(username="resident").memberships.get().role == Role.RESIDENT
    assert actor_for(User.objects.get(username="committee")).is_committee


def test_a_later_run_puts_back_only_what_is_missing(demo, db):
    reform = Reform.objects.filter(tier=Tier.MICRO).annotate(n=Count("co_units")).filter(n__gte=1).first()
    expected = (reform.code, reform.title, reform.lead_unit_id, reform.status, sorted(reform.co_units.values_list("pk", flat=True)))
    reform.delete()
    Membership.objects.filter(user__username="resident").delete()
    estate = Unit.objects.filter(kind=UnitKind.ESTATE).last()
    estate_code = estate.code
    estate.delete()
    before = _counts()

    result = load_demo()

    assert {k: v for k, v in result.created.items() if v} == {
        "units": 1, "memberships": 1, "reforms": 1, "audit_entries": 3,
    }
    again = Reform.objects.get(code=expected[0])
    assert (again.code, again.title, again.lead_unit_id, again.status, sorted(again.co_units.values_list("pk", flat=True))) == expected
    assert Unit.objects.filter(code=estate_code).exists()
    assert _counts()["reforms"] == before["reforms"] + 1
    assert list(verify_chain()) == []


def test_the_blueprint_is_deterministic():
    one = blueprint(code="x1", name="一区", seed=7)
    assert one == blueprint(code="x1", name="一区", seed=7)
    assert one.reforms != blueprint(code="x1", name="一区", seed=8).reforms
    assert {u.code.split("-")[0] for u in one.units} == {"x1"}
    assert {r.code.split("-")[0] for r in one.reforms} == {"X1"}
    assert len([u for u in one.units if u.kind == UnitKind.SUB_DISTRICT]) == len(SUB_DISTRICTS)
    # Without people (the benchmark's districts) the catalogue is the same, minus responsible leaders.
    bare = blueprint(code="x1", name="一区", seed=7, with_people=False)
    assert bare.people == () and bare.units == one.units
    assert [dataclasses.replace(r, responsible_leader=None) for r in one.reforms] == list(bare.reforms)


def test_the_benchmark_builds_more_districts_in_bulk(demo, db, django_assert_max_num_queries):
    """``bench/`` makes a province from ``build_district(bulk=True)``: a constant number of queries."""
    people = User.objects.count()
    # A fixed number per district whatever its size (SQLite splits inserts in 999-parameter batches;
    # an audit entry has 15 columns since it copies its actor, ADR 0027).
    with django_assert_max_num_queries(55):
        result = build_district(code="d042", name="第42区", seed=42, with_people=False, bulk=True)
    district = result.district
    assert district.name == "第42区" and district.pk != demo.district.pk
    reforms = Reform.objects.filter(district=district)
    assert dict(reforms.values_list("tier").annotate(n=Count("pk"))) == {Tier.UPPER: 13, Tier.KEY: 46, Tier.MICRO: 551}
    assert not reforms.exclude(code__startswith="D042-").exists()
    assert not reforms.filter(responsible_leader__isnull=False).exists()
    assert not Unit.objects.filter(district=district).exclude(code__startswith="d042").exists()
    assert User.objects.count() == people
    assert list(verify_chain()) == []


def test_the_bulk_path_builds_the_same_reforms_as_the_services(demo, db):
    """The bench's bulk path and the demo's service path give the same catalogue for one seed."""
    build_district(code="tb", name="罗湖区", with_people=True, bulk=True)

    def catalogue(district):
        rows = (
            Reform.objects.filter(district=district)
            .select_related("lead_unit", "domain", "responsible_leader", "plan")
            .prefetch_related("co_units")
            .order_by("code")
        )
        return [
            (
                r.code.split("-", 1)[1], r.title, r.tier, r.source_level, r.year, r.domain.code,
                r.lead_unit.code.split("-", 1)[1], sorted(u.code.split("-", 1)[1] for u in r.co_units.all()),
                r.responsible_leader.full_name if r.responsible_leader else None, r.goals, r.measures,
                r.deliverables, r.start_date, r.due_date, r.status, r.progress, r.public_summary, r.plan.year,
            )
            for r in rows
        ]

    assert catalogue(Unit.objects.get(code="tb")) == catalogue(demo.district)
    assert list(verify_chain()) == []
