"""The permission matrix: every role against every write, checked in the services (server-side).

Pages and the API call the same services, so a refusal here is a refusal everywhere; the page and
API tests check that they surface it as 403.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reformledger.core.models import AuditEntry
from reformledger.org.models import Domain
from reformledger.reforms import rules as reform_rules
from reformledger.reforms import selectors, services
from reformledger.reforms.models import Reform, Status, Tier

ROLES = [
    "office",
    "committee",
    "leader_main",
    "leader_domain",
    "unit_head",
    "unit_staff",
    "other_staff",
    "expert",
    "resident",
    "anonymous",
]
OFFICE = {"office"}
LEAD_UNIT = {"office", "unit_head", "unit_staff"}
APPROVERS = {"office", "committee"}


def user_for(people, role):
    return AnonymousUser() if role == "anonymous" else getattr(people, role)


def new_reform_data(district):
    return {
        "code": "LH-2019-WG-001",
        "title": "桂园街道“一窗通办”改革",
        "tier": Tier.MICRO,
        "year": 2019,
        "domain": Domain.objects.get(code="government-functions"),
        "lead_unit": district.sub_a,
        "start_date": dt.date(2019, 3, 1),
        "due_date": dt.date(2019, 12, 31),
    }


def upload():
    return SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf")


# name -> (who may, the reform to act on (factory kwargs, or None), the write)
WRITES = {
    "create a reform led by sub-district A": (
        LEAD_UNIT, None, lambda u, d, r: services.create_reform(user=u, data=new_reform_data(d)),
    ),
    "edit the title of sub-district A's reform": (
        LEAD_UNIT, {}, lambda u, d, r: services.update_reform(user=u, reform=r, data={"title": "改"}),
    ),
    "hand sub-district A's reform to sub-district B": (
        OFFICE, {}, lambda u, d, r: services.update_reform(user=u, reform=r, data={"lead_unit": d.sub_b}),
    ),
    "re-tier a reform": (
        OFFICE, {}, lambda u, d, r: services.update_reform(user=u, reform=r, data={"tier": Tier.KEY}),
    ),
    "edit a completed reform (locked: only a change request changes it)": (
        set(),
        {"status": Status.COMPLETED, "progress": 100},
        lambda u, d, r: services.update_reform(user=u, reform=r, data={"goals": "补充"}),
    ),
    "propose a draft": (
        LEAD_UNIT,
        {"status": Status.DRAFT},
        lambda u, d, r: services.transition_reform(user=u, reform=r, to_status=Status.PROPOSED),
    ),
    "send a proposal back to draft": (
        LEAD_UNIT | {"committee"},
        {"status": Status.PROPOSED},
        lambda u, d, r: services.transition_reform(user=u, reform=r, to_status=Status.DRAFT),
    ),
    "approve a proposal": (
        APPROVERS,
        {"status": Status.PROPOSED},
        lambda u, d, r: services.transition_reform(user=u, reform=r, to_status=Status.APPROVED),
    ),
    "start an approved reform": (
        LEAD_UNIT,
        {"status": Status.APPROVED},
        lambda u, d, r: services.transition_reform(user=u, reform=r, to_status=Status.IN_PROGRESS),
    ),
    "suspend a reform": (
        OFFICE, {}, lambda u, d, r: services.transition_reform(user=u, reform=r, to_status=Status.SUSPENDED),
    ),
    "terminate a reform": (
        OFFICE, {}, lambda u, d, r: services.transition_reform(user=u, reform=r, to_status=Status.TERMINATED),
    ),
    "attach a file": (
        LEAD_UNIT, {}, lambda u, d, r: services.add_attachment(user=u, reform=r, uploaded_file=upload()),
    ),
}


def _state():
    return AuditEntry.objects.count(), set(Reform.objects.values_list("pk", "updated_at", "status", "title"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(WRITES))
def test_permission_matrix(write, role, people, district, reform_factory):
    allowed, reform_kwargs, action = WRITES[write]
    user = user_for(people, role)
    reform = None if reform_kwargs is None else reform_factory(**reform_kwargs)
    before = _state()
    if role in allowed:
        action(user, district, reform)
        assert AuditEntry.objects.count() > before[0]
    else:
        with pytest.raises(PermissionDenied):
            action(user, district, reform)
        assert _state() == before, "a refused write must leave nothing behind"


@pytest.mark.parametrize("role", ROLES)
def test_no_one_completes_a_reform_by_a_change_of_status(role, people, reform_factory):
    """Issue 8 finding 3: the office completed a 51% reform with one click. A reform is completed
    only through 办结 (the application and the office's decision): the status change is refused for
    everyone, the office included (422 on ``status`` for those who see it), and nothing is written."""
    reform = reform_factory(progress=51)
    before = _state()
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        services.transition_reform(user=user_for(people, role), reform=reform, to_status=Status.COMPLETED)
    if role == "office":
        assert isinstance(exc.value, ValidationError) and "status" in exc.value.message_dict
    assert _state() == before


@pytest.mark.parametrize("role", ROLES)
def test_no_one_types_a_reform_s_progress(role, people, reform_factory):
    """Issue 8 finding 2: a unit's edit (42 -> 90) overrode the progress. Nobody types it."""
    reform = reform_factory(progress=42)
    before = _state()
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        services.update_reform(user=user_for(people, role), reform=reform, data={"progress": 90})  # type: ignore[typeddict-unknown-key]
    if role in LEAD_UNIT:
        assert isinstance(exc.value, ValidationError) and "progress" in exc.value.message_dict
    assert _state() == before
    assert Reform.objects.get(pk=reform.pk).progress == 42


def test_import_ledger_is_the_office_s_alone(people):
    for role in ROLES:
        assert user_for(people, role).has_perm("reforms.import_ledger") == (role == "office"), role


@pytest.fixture
def catalogue(district, other_district, reform_factory):
    """One reform of each shape the rules distinguish, and three in a second district (福田区):
    a key reform (its main leader's), a micro one and a draft in the domain of 罗湖区's domain leader."""
    health = Domain.objects.get(code="public-services")
    shapes = {
        "a_draft": reform_factory(status=Status.DRAFT),
        "a_micro": reform_factory(),
        "b_micro_public": reform_factory(lead_unit=district.sub_b),
        "b_draft": reform_factory(lead_unit=district.sub_b, status=Status.DRAFT),
        "b_key": reform_factory(lead_unit=district.sub_b, tier=Tier.KEY, status=Status.PROPOSED),
        "health_micro": reform_factory(lead_unit=district.department, domain=health, status=Status.DRAFT),
        "b_co_a": reform_factory(lead_unit=district.sub_b, status=Status.DRAFT),
        "upper": reform_factory(
            lead_unit=district.department, tier=Tier.UPPER, source_level="national", status=Status.COMPLETED
        ),
    }
    shapes["b_co_a"].co_units.add(district.sub_a)
    ft, street = other_district
    shapes["ft_key"] = reform_factory(code="FT-K", lead_unit=street, district=ft, tier=Tier.KEY, status=Status.PROPOSED)
    shapes["ft_micro"] = reform_factory(code="FT-M", lead_unit=street, district=ft)
    shapes["ft_health_draft"] = reform_factory(
        code="FT-H", lead_unit=ft, district=ft, domain=health, status=Status.DRAFT
    )
    return shapes


#: The reforms of the second district (福田区) in the catalogue below.
FUTIAN = {"ft_key", "ft_micro", "ft_health_draft"}

EXPECTED_FULL_VIEW = {
    "office": "luohu",
    "committee": "luohu",
    "leader_main": {"b_key", "upper"},
    "leader_domain": {"health_micro"},
    "unit_head": {"a_draft", "a_micro", "b_co_a"},
    "unit_staff": {"a_draft", "a_micro", "b_co_a"},
    "other_staff": {"b_micro_public", "b_draft", "b_key", "b_co_a"},
    "expert": set(),
    "resident": set(),
    "anonymous": set(),
}


#: The second district's people and the province office (ADR 0025): each sees its own district
#: whole (or its part of it), never the first; the province office sees both.
EXPECTED_ACROSS_DISTRICTS = {
    "ft_office": FUTIAN,
    "ft_committee": FUTIAN,
    "ft_leader_main": {"ft_key"},
    "ft_unit_staff": {"ft_key", "ft_micro"},
    "province_office": "all",
}


def _check_full_view(user, catalogue, expected):
    by_rule = {name for name, reform in catalogue.items() if user.has_perm("reforms.view_reform", reform)}
    assert by_rule == expected
    if expected:
        # The queryset and the rule agree: lists never show what the detail page would refuse.
        by_query = set(selectors.visible_reforms(user).values_list("pk", flat=True))
        assert by_query == {catalogue[name].pk for name in expected}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_reform_in_full(role, people, catalogue):
    user = user_for(people, role)
    expected = EXPECTED_FULL_VIEW[role]
    _check_full_view(user, catalogue, set(catalogue) - FUTIAN if expected == "luohu" else expected)


@pytest.mark.parametrize("role", sorted(EXPECTED_ACROSS_DISTRICTS))
def test_who_sees_which_reform_in_full_across_two_districts(role, other_people, province_office, catalogue):
    user = province_office if role == "province_office" else getattr(other_people, role.removeprefix("ft_"))
    expected = EXPECTED_ACROSS_DISTRICTS[role]
    _check_full_view(user, catalogue, set(catalogue) if expected == "all" else expected)


@pytest.mark.parametrize("role", ["expert", "resident", "anonymous"])
def test_the_public_sees_only_approved_and_later(role, people, catalogue):
    user = user_for(people, role)
    visible = set(selectors.visible_reforms(user).values_list("pk", flat=True))
    public = {r.pk for r in catalogue.values() if r.status in ("approved", "in_progress", "completed")}
    assert visible == public
    for reform in catalogue.values():
        assert user.has_perm("reforms.view_public_reform", reform) == (reform.pk in public)


def test_allowed_targets_follow_the_lifecycle(people, reform_factory):
    reform = reform_factory(status=Status.IN_PROGRESS)
    # Not completed: that is by 办结 (the application and the office's decision), for no one by status.
    assert set(reform_rules.allowed_targets(people.office, reform)) == {"suspended", "terminated"}
    assert reform_rules.allowed_targets(people.unit_staff, reform) == []
    draft = reform_factory(status=Status.DRAFT)
    assert reform_rules.allowed_targets(people.unit_staff, draft) == ["proposed"]


def test_equal_visibility_keys_mean_equal_lists(people, other_people, province_office, catalogue):
    """Cached lists are keyed by ``visibility_key``: two people with one key must see one list."""
    keys: dict[str, set[int]] = {}
    users = [user_for(people, role) for role in ROLES]
    for user in users + [*vars(other_people).values(), province_office]:
        visible = set(selectors.visible_reforms(user).values_list("pk", flat=True))
        key = selectors.visibility_key(user)
        assert keys.setdefault(key, visible) == visible, user
    assert selectors.visibility_key(people.unit_staff) == selectors.visibility_key(people.unit_head)
    assert selectors.visibility_key(people.unit_staff) != selectors.visibility_key(people.other_staff)
    assert selectors.visibility_key(people.leader_main) != selectors.visibility_key(people.leader_domain)
    assert selectors.visibility_key(people.office) != selectors.visibility_key(other_people.office)
