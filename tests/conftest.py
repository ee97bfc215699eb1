"""Shared fixtures: a small district with one person for every role, a second district, reforms,
and clients for the pages and the API."""

import importlib
from dataclasses import dataclass
from typing import NamedTuple

import pytest
from django.apps import apps as django_apps
from django.test import Client

from reformledger.core import versions
from reformledger.core.audit import GENESIS_HASH
from reformledger.core.models import AuditHead
from reformledger.core.store import store
from reformledger.org.models import Domain, LeaderTier, Role, Unit, UnitKind, User
from tests.clients import Api, english_client
from tests.factories import MembershipFactory, ReformFactory, UnitFactory, UserFactory


@dataclass
class District:
    district: Unit
    office_unit: Unit
    committee_unit: Unit
    sub_a: Unit
    sub_b: Unit
    community_a: Unit
    department: Unit


@dataclass
class People:
    office: User
    committee: User
    leader_main: User
    leader_domain: User
    unit_head: User
    unit_staff: User
    other_staff: User
    expert: User
    resident: User

    def by_role(self) -> dict[str, User]:
        return dict(vars(self))


def ensure_reference_data() -> None:
    """The rows that migrations seed (domains), again: a transactional test's flush removes them."""
    seed = importlib.import_module("reformledger.org.migrations.0002_seed_domains").seed
    seed(django_apps, None)


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """Before every database test: the domains and the audit chain's head exist.

    A transactional test (``transaction=True``, live_server) empties the database when it ends;
    under xdist a later test on the same worker would then find no domains.
    """
    if request.node.get_closest_marker("django_db") is None and not DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        ensure_reference_data()
        AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})


@pytest.fixture(autouse=True)
def _empty_cache():
    """Factories write without the services (no audit entry, so no new data version): start
    every test with an empty cache so that no count cached by an earlier test is reused, and with
    no versions kept by the process: an earlier test's database was rolled back under them (a
    write's lookups read from the kept set when the chain still holds it, core.versions)."""
    store.clear()
    versions._kept = None


@pytest.fixture
def reference_data(db) -> None:
    ensure_reference_data()


@pytest.fixture
def district(reference_data) -> District:
    d = UnitFactory(code="lh", name="罗湖区", kind=UnitKind.DISTRICT)
    return District(
        district=d,
        office_unit=UnitFactory(code="lh-office", name="区委改革办", kind=UnitKind.REFORM_OFFICE, parent=d),
        committee_unit=UnitFactory(code="lh-committee", name="区委深改委", kind=UnitKind.COMMITTEE, parent=d),
        sub_a=UnitFactory(code="lh-guiyuan", name="桂园街道", kind=UnitKind.SUB_DISTRICT, parent=d),
        sub_b=UnitFactory(code="lh-huangbei", name="黄贝街道", kind=UnitKind.SUB_DISTRICT, parent=d),
        community_a=UnitFactory(code="lh-guiyuan-c1", name="松园社区", kind=UnitKind.COMMUNITY,
                                parent=Unit.objects.get(code="lh-guiyuan")),
        department=UnitFactory(code="lh-health", name="区卫生健康局", kind=UnitKind.DEPARTMENT, parent=d),
    )


def _person(username: str, role: str, unit: Unit | None = None, **extra) -> User:
    user = UserFactory(username=username, full_name=username)
    domains = extra.pop("domains", [])
    membership = MembershipFactory(user=user, unit=unit, role=role, **extra)
    if domains:
        membership.domains.set(domains)
    if role == Role.OFFICE:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def people(district: District) -> People:
    return People(
        office=_person("office", Role.OFFICE, district.office_unit),
        committee=_person("committee", Role.COMMITTEE, district.committee_unit),
        leader_main=_person("leader_main", Role.LEADER, district.district, leader_tier=LeaderTier.MAIN),
        leader_domain=_person(
            "leader_domain", Role.LEADER, district.district, leader_tier=LeaderTier.DOMAINS,
            domains=[Domain.objects.get(code="public-services")],
        ),
        unit_head=_person("unit_head", Role.UNIT_HEAD, district.sub_a),
        unit_staff=_person("unit_staff", Role.UNIT_STAFF, district.sub_a),
        other_staff=_person("other_staff", Role.UNIT_STAFF, district.sub_b),
        expert=_person("expert", Role.EXPERT),
        resident=_person("resident", Role.RESIDENT),
    )


class OtherDistrict(NamedTuple):
    district: Unit
    street: Unit


@pytest.fixture
def other_district(reference_data) -> OtherDistrict:
    """A second district (福田区) with one sub-district, for what must stay in its own district."""
    futian = UnitFactory(code="ft", name="福田区", kind=UnitKind.DISTRICT)
    return OtherDistrict(futian, UnitFactory(code="ft-street", name="园岭街道", kind=UnitKind.SUB_DISTRICT, parent=futian))


@dataclass
class OtherPeople:
    """The second district's own office, committee, main leader and a unit's staff: each must see
    and change only 福田区, never 罗湖区 (the ``district`` fixture)."""

    office: User
    committee: User
    leader_main: User
    unit_staff: User


@pytest.fixture
def other_people(other_district: OtherDistrict) -> OtherPeople:
    futian = other_district.district
    office_unit = UnitFactory(code="ft-office", name="福田区委改革办", kind=UnitKind.REFORM_OFFICE, parent=futian)
    committee_unit = UnitFactory(code="ft-committee", name="福田区委深改委", kind=UnitKind.COMMITTEE, parent=futian)
    return OtherPeople(
        office=_person("ft_office", Role.OFFICE, office_unit),
        committee=_person("ft_committee", Role.COMMITTEE, committee_unit),
        leader_main=_person("ft_leader_main", Role.LEADER, futian, leader_tier=LeaderTier.MAIN),
        unit_staff=_person("ft_unit_staff", Role.UNIT_STAFF, other_district.street),
    )


@pytest.fixture
def province_office(reference_data) -> User:
    """A member of the province reform office: reads every district, changes none."""
    return _person("province_office", Role.PROVINCE_OFFICE)


@pytest.fixture
def reform_factory(district):
    """Make reforms in the fixture district (lead unit: sub-district A unless told)."""

    def make(**kwargs):
        kwargs.setdefault("lead_unit", district.sub_a)
        kwargs.setdefault("district", district.district)
        return ReformFactory(**kwargs)

    return make


@pytest.fixture
def client_for():
    """``client_for(user)``: a client signed in as ``user`` (anonymous for None), asking for English.

    English keeps the assertions on visible text stable while the zh-Hans catalogue grows.
    """

    def make(user=None) -> Client:
        client = english_client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api(client) -> Api:
    """``/api/v1`` called as a person (``api.get(path, user)``: a real token) or anonymously."""
    return Api(client=client, tokens={})
