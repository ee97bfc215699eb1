"""GET /api/v1/reforms/{id}: in full for those who may, public fields for the rest, 404 otherwise."""

import pytest

from reformledger.org.models import Domain
from reformledger.reforms.models import SourceLevel, Status, Tier
from tests.clients import errors_by_field
from tests.factories import PlanFactory

PUBLIC_KEYS = {
    "id",
    "code",
    "title",
    "tier",
    "source_level",
    "year",
    "domain",
    "lead_unit",
    "status",
    "progress",
    "start_date",
    "due_date",
    "public_summary",
}
FULL_KEYS = PUBLIC_KEYS | {
    "co_units",
    "responsible_leader",
    "goals",
    "measures",
    "deliverables",
    "plan_id",
    "district",
    "created_at",
    "updated_at",
    "allowed_transitions",
}


@pytest.fixture
def full_reform(district, people, reform_factory):
    plan = PlanFactory(district=district.district, year=2018, title="2018年改革计划")
    return reform_factory(
        code="UP-1",
        tier=Tier.UPPER,
        source_level=SourceLevel.PROVINCIAL,
        status=Status.APPROVED,
        responsible_leader=people.leader_main,
        goals="目标",
        measures="举措",
        deliverables="成果",
        public_summary="公开摘要",
        plan=plan,
        co_units=[district.community_a, district.department],
    )


def test_the_lead_unit_sees_every_field(api, people, district, full_reform):
    response = api.get(f"/reforms/{full_reform.pk}", people.unit_staff)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == FULL_KEYS
    assert body["source_level"] == "provincial"
    assert body["goals"] == "目标" and body["measures"] == "举措" and body["deliverables"] == "成果"
    assert body["responsible_leader"] == {
        "id": people.leader_main.pk,
        "username": "leader_main",
        "full_name": "leader_main",
    }
    assert [u["code"] for u in body["co_units"]] == sorted(["lh-guiyuan-c1", "lh-health"])
    assert body["district"] == {"id": district.district.pk, "code": "lh", "name": "罗湖区"}
    assert body["plan_id"] == full_reform.plan_id
    assert body["start_date"] == "2018-01-01" and body["due_date"] == "2018-12-31"
    assert body["allowed_transitions"] == [
        "in_progress"
    ]  # the lead unit may start it; suspending is the office's


def test_allowed_transitions_depend_on_who_asks(api, people, full_reform):
    office = api.get(f"/reforms/{full_reform.pk}", people.office).json()
    assert set(office["allowed_transitions"]) == {"in_progress", "suspended", "terminated"}
    leader = api.get(f"/reforms/{full_reform.pk}", people.leader_main).json()
    assert leader["allowed_transitions"] == []  # leaders read; they do not move reforms


@pytest.mark.parametrize("role", ["office", "committee", "leader_main", "unit_head", "unit_staff"])
def test_who_sees_a_reform_in_full(api, people, full_reform, role):
    assert set(api.get(f"/reforms/{full_reform.pk}", getattr(people, role)).json()) == FULL_KEYS


def test_a_co_unit_sees_a_non_public_reform_in_full(api, people, district, reform_factory):
    reform = reform_factory(lead_unit=district.sub_b, status=Status.DRAFT, co_units=[district.sub_a])
    assert set(api.get(f"/reforms/{reform.pk}", people.unit_staff).json()) == FULL_KEYS


def test_a_leader_sees_the_reforms_of_their_domains_in_full(api, people, reform_factory):
    reform = reform_factory(status=Status.DRAFT, domain=Domain.objects.get(code="public-services"))
    assert set(api.get(f"/reforms/{reform.pk}", people.leader_domain).json()) == FULL_KEYS


@pytest.mark.parametrize("role", [None, "resident", "expert", "other_staff", "leader_domain"])
def test_others_see_only_the_public_fields_of_a_public_reform(api, people, full_reform, role):
    user = getattr(people, role) if role else None
    response = api.get(f"/reforms/{full_reform.pk}", user)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PUBLIC_KEYS
    assert body["public_summary"] == "公开摘要"
    assert "目标" not in response.content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PROPOSED, Status.SUSPENDED, Status.TERMINATED])
@pytest.mark.parametrize("role", [None, "resident", "expert", "other_staff"])
def test_a_non_public_reform_is_404_for_those_who_may_not_see_it(api, people, reform_factory, status, role):
    reform = reform_factory(status=status)
    user = getattr(people, role) if role else None
    response = api.get(f"/reforms/{reform.pk}", user)
    assert response.status_code == 404
    assert errors_by_field(response) == {}
    assert api.get(f"/reforms/{reform.pk}", people.office).status_code == 200


def test_an_unknown_id_is_404_and_a_bad_id_is_422(api, people):
    assert api.get("/reforms/987654", people.office).status_code == 404
    response = api.get("/reforms/abc", people.office)
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["reform_id"]


def test_reading_one_reform_takes_a_few_queries(api, people, full_reform, django_assert_num_queries):
    api.get(f"/reforms/{full_reform.pk}", people.unit_staff)  # records the token's first use
    # token, memberships, reform, co-units, attachments
    with django_assert_num_queries(5):
        assert api.get(f"/reforms/{full_reform.pk}", people.unit_staff).status_code == 200
    # anonymous: reform, public attachments
    with django_assert_num_queries(2):
        assert api.get(f"/reforms/{full_reform.pk}").status_code == 200
