"""PATCH, POST and transition: permissions per role, bad input, and that every write is audited."""

import datetime as dt

import pytest

from reformledger.core.audit import history_of
from reformledger.org.models import Domain
from reformledger.reforms.models import Reform, Status, Tier
from tests.clients import errors_by_field
from tests.factories import PlanFactory

# --- PATCH /reforms/{id} ---------------------------------------------------------------------


def test_the_lead_unit_changes_its_reform(api, people, district, reform_factory):
    reform = reform_factory()
    response = api.patch(
        f"/reforms/{reform.pk}",
        people.unit_staff,
        {"goals": "新目标", "co_units": [district.sub_b.pk]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["progress"] == 50 and body["goals"] == "新目标"
    assert [u["id"] for u in body["co_units"]] == [district.sub_b.pk]
    reform.refresh_from_db()
    assert reform.progress == 50
    entry = history_of(reform).first()
    assert entry.action == "reform.update" and entry.actor_name == "unit_staff"
    assert "progress" not in entry.changes


@pytest.mark.parametrize("role", ["unit_staff", "office"])
def test_nobody_types_progress_in_the_api(api, people, reform_factory, role):
    """Issue 8 finding 2: ``PATCH {"progress": 100}`` by the lead unit was accepted and shown publicly."""
    reform = reform_factory(goals="原目标")
    entries = history_of(reform).count()
    response = api.patch(f"/reforms/{reform.pk}", getattr(people, role), {"progress": 100, "goals": "改"})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert list(errors) == ["progress"] and "accepted" in errors["progress"][0]
    reform.refresh_from_db()
    assert (reform.progress, reform.goals) == (50, "原目标") and history_of(reform).count() == entries
    public = api.get(f"/reforms/{reform.pk}", None).json()
    assert public["progress"] == 50
    # Nor on creation.
    assert api.post("/reforms", people.office, {**new_reform(reform.lead_unit, code="NEW-1"), "progress": 30}).status_code == 422
    assert not Reform.objects.filter(code="NEW-1").exists()
    # And the OpenAPI document does not offer it.
    schema = api.get("/openapi.json", None).json()["components"]["schemas"]
    for name in ("ReformPatch", "ReformCreate"):
        assert "progress" not in schema[name]["properties"], name


def test_patch_is_partial(api, people, reform_factory):
    # A draft: its dates are still the lead unit's proposal (issue 8: from approval on, the office's).
    reform = reform_factory(goals="原目标", start_date=dt.date(2018, 3, 1), status=Status.DRAFT)
    api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"title": "新名"})
    reform.refresh_from_db()
    assert reform.goals == "原目标" and reform.start_date == dt.date(2018, 3, 1)
    api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"start_date": None})
    reform.refresh_from_db()
    assert reform.start_date is None and reform.title == "新名"


def test_the_office_changes_office_fields_by_id_and_code(api, people, district, reform_factory):
    reform = reform_factory()
    plan = PlanFactory(district=district.district, year=2018, title="2018年改革计划")
    response = api.patch(
        f"/reforms/{reform.pk}",
        people.office,
        {
            "lead_unit": district.department.pk,
            "co_units": [district.sub_a.pk, district.community_a.pk],
            "domain": "public-services",
            "responsible_leader": people.leader_domain.pk,
            "plan": plan.pk,
            "tier": "key",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lead_unit"]["code"] == "lh-health"
    assert body["domain"]["code"] == "public-services"
    assert body["responsible_leader"]["username"] == "leader_domain"
    assert body["plan_id"] == plan.pk and body["tier"] == "key"
    assert {u["code"] for u in body["co_units"]} == {"lh-guiyuan", "lh-guiyuan-c1"}
    api.patch(f"/reforms/{reform.pk}", people.office, {"responsible_leader": None, "plan": None})
    reform.refresh_from_db()
    assert reform.responsible_leader_id is None and reform.plan_id is None


def test_a_unit_cannot_change_another_units_reform(api, people, district, reform_factory):
    public = reform_factory(lead_unit=district.sub_b)
    hidden = reform_factory(lead_unit=district.sub_b, status=Status.DRAFT)
    refused = api.patch(f"/reforms/{public.pk}", people.unit_staff, {"progress": 99})
    assert refused.status_code == 403
    assert errors_by_field(refused) == {}
    assert api.patch(f"/reforms/{hidden.pk}", people.unit_staff, {"progress": 99}).status_code == 404
    assert {r.progress for r in Reform.objects.filter(pk__in=[public.pk, hidden.pk])} == {50}
    assert not history_of(public).exists() and not history_of(hidden).exists()


@pytest.mark.parametrize("role", ["resident", "expert", "leader_main", "committee"])
def test_readers_cannot_change_reforms(api, people, reform_factory, role):
    reform = reform_factory(tier=Tier.KEY)
    assert api.patch(f"/reforms/{reform.pk}", getattr(people, role), {"progress": 99}).status_code == 403
    reform.refresh_from_db()
    assert reform.progress == 50


def test_a_unit_cannot_change_the_offices_fields(api, people, district, reform_factory):
    reform = reform_factory()
    for body in ({"lead_unit": district.sub_b.pk}, {"tier": "key"}, {"domain": "industry"}, {"code": "NEW"}):
        assert api.patch(f"/reforms/{reform.pk}", people.unit_staff, body).status_code == 403
    reform.refresh_from_db()
    assert reform.lead_unit_id == district.sub_a.pk and reform.code.startswith("T-")


def test_a_completed_reform_is_locked_for_everyone(api, people, reform_factory):
    """Only an approved change request changes a completed reform (POST .../change-requests)."""
    reform = reform_factory(status=Status.COMPLETED, progress=100)
    assert api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"goals": "改"}).status_code == 403
    assert api.patch(f"/reforms/{reform.pk}", people.office, {"goals": "改"}).status_code == 403


def test_unknown_refs_are_422_naming_each_field(api, people, reform_factory, district):
    reform = reform_factory()
    response = api.patch(
        f"/reforms/{reform.pk}",
        people.office,
        {
            "lead_unit": 999_001,
            "co_units": [district.sub_b.pk, 999_002],
            "domain": "no-such-domain",
            "responsible_leader": 999_003,
            "plan": 999_004,
        },
    )
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert set(errors) == {"lead_unit", "co_units", "domain", "responsible_leader", "plan"}
    assert "999002" in errors["co_units"][0]
    assert "no-such-domain" in errors["domain"][0]


def test_a_services_validation_error_is_422_per_field(api, people, reform_factory):
    reform = reform_factory()
    response = api.patch(
        f"/reforms/{reform.pk}", people.office, {"start_date": "2019-05-01", "due_date": "2019-01-01", "reason": "调整"}
    )
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["due_date"]
    reform.refresh_from_db()
    assert reform.start_date == dt.date(2018, 1, 1)

    response = api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"co_units": [reform.lead_unit_id]})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["co_units"]


def test_schema_errors_are_422_in_the_same_shape(api, people, reform_factory):
    reform = reform_factory()
    response = api.patch(
        f"/reforms/{reform.pk}",
        people.unit_staff,
        {"due_date": "31/12/2019", "status": "completed", "title": None, "co_units": ["x"]},
    )
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert set(errors) == {"due_date", "status", "title", "co_units.0"}
    reform.refresh_from_db()
    assert reform.progress == 50 and reform.status == Status.IN_PROGRESS


def test_a_body_that_is_not_json_is_400_in_the_same_shape(api, people, reform_factory):
    reform = reform_factory()
    response = api.patch(f"/reforms/{reform.pk}", people.unit_staff, raw="{progress: 1")
    assert response.status_code == 400
    assert errors_by_field(response) == {}


# --- POST /reforms ---------------------------------------------------------------------------


def new_reform(unit, **extra):
    return {
        "code": "LH-2019-W-001",
        "title": "老旧小区微改造",
        "tier": "micro",
        "year": 2019,
        "domain": "grassroots-governance",
        "lead_unit": unit.pk,
        **extra,
    }


def test_a_unit_creates_a_draft_for_itself(api, people, district):
    response = api.post(
        "/reforms", people.unit_staff, new_reform(district.sub_a, status="approved", due_date="2019-12-31")
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"  # a unit's new reform is a draft whatever it asks
    assert body["lead_unit"]["id"] == district.sub_a.pk and body["domain"]["code"] == "grassroots-governance"
    assert body["district"]["id"] == district.district.pk and body["due_date"] == "2019-12-31"
    reform = Reform.objects.get(code="LH-2019-W-001")
    assert history_of(reform).first().action == "reform.create"


def test_a_unit_cannot_create_for_another_unit(api, people, district):
    assert api.post("/reforms", people.unit_staff, new_reform(district.sub_b)).status_code == 403
    assert not Reform.objects.exists()


@pytest.mark.parametrize("role", ["resident", "expert", "leader_main", "committee"])
def test_readers_cannot_create(api, people, district, role):
    assert api.post("/reforms", getattr(people, role), new_reform(district.sub_a)).status_code == 403
    assert not Reform.objects.exists()


def test_the_office_creates_in_any_status_with_every_field(api, people, district):
    body = new_reform(
        district.department,
        tier="upper",
        source_level="national",
        status="in_progress",
        co_units=[district.sub_a.pk],
        responsible_leader=people.leader_main.pk,
        goals="目标",
    )
    response = api.post("/reforms", people.office, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "in_progress" and created["source_level"] == "national"
    assert created["responsible_leader"]["id"] == people.leader_main.pk
    assert [u["id"] for u in created["co_units"]] == [district.sub_a.pk]


def test_create_rejects_missing_duplicate_and_invalid_data(api, people, district, reform_factory):
    response = api.post("/reforms", people.office, {"title": "无编号"})
    assert response.status_code == 422
    assert set(errors_by_field(response)) == {"code", "tier", "year", "domain", "lead_unit"}

    reform_factory(code="LH-2019-W-001")
    response = api.post("/reforms", people.office, new_reform(district.sub_a))
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["code"]

    response = api.post("/reforms", people.office, new_reform(district.sub_a, code="UP-X", tier="upper"))
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["source_level"]

    response = api.post("/reforms", people.office, new_reform(district.sub_a, code="X", lead_unit=424242))
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["lead_unit"]
    assert Reform.objects.count() == 1


# --- POST /reforms/{id}/transition ------------------------------------------------------------


def test_the_lead_unit_starts_an_approved_reform(api, people, reform_factory):
    reform = reform_factory(status=Status.APPROVED)
    response = api.post(
        f"/reforms/{reform.pk}/transition", people.unit_staff, {"status": "in_progress", "note": "启动"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert response.json()["allowed_transitions"] == []
    entry = history_of(reform).first()
    assert entry.action == "reform.transition"
    assert entry.changes == {"status": ["approved", "in_progress"], "note": "启动"}


@pytest.mark.parametrize("role", ["unit_staff", "office"])
def test_no_one_completes_a_reform_by_transition(api, people, reform_factory, role):
    """Completion is by 办结 only: the transition is 422 on ``status``, pointing to the application."""
    reform = reform_factory(status=Status.IN_PROGRESS, progress=51)
    response = api.post(f"/reforms/{reform.pk}/transition", getattr(people, role), {"status": "completed"})
    assert response.status_code == 422
    errors = errors_by_field(response)
    assert list(errors) == ["status"] and "办结" in errors["status"][0]
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.IN_PROGRESS, 51)
    office_view = api.get(f"/reforms/{reform.pk}", people.office).json()
    assert "completed" not in office_view["allowed_transitions"]


def test_only_an_approver_approves(api, people, reform_factory):
    reform = reform_factory(status=Status.PROPOSED)
    assert (
        api.post(f"/reforms/{reform.pk}/transition", people.unit_staff, {"status": "approved"}).status_code
        == 403
    )
    assert (
        api.post(f"/reforms/{reform.pk}/transition", people.committee, {"status": "approved"}).status_code
        == 200
    )


def test_a_unit_cannot_move_another_units_reform(api, people, district, reform_factory):
    public = reform_factory(lead_unit=district.sub_b, status=Status.APPROVED)
    hidden = reform_factory(lead_unit=district.sub_b, status=Status.DRAFT)
    assert (
        api.post(f"/reforms/{public.pk}/transition", people.unit_staff, {"status": "in_progress"}).status_code
        == 403
    )
    assert (
        api.post(f"/reforms/{hidden.pk}/transition", people.unit_staff, {"status": "proposed"}).status_code
        == 404
    )
    assert (
        api.post(f"/reforms/{public.pk}/transition", people.resident, {"status": "in_progress"}).status_code
        == 403
    )
    public.refresh_from_db()
    hidden.refresh_from_db()
    assert (public.status, hidden.status) == (Status.APPROVED, Status.DRAFT)


def test_a_move_the_lifecycle_does_not_allow_is_422(api, people, reform_factory):
    reform = reform_factory(status=Status.DRAFT)
    response = api.post(f"/reforms/{reform.pk}/transition", people.office, {"status": "completed"})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["status"]
    response = api.post(f"/reforms/{reform.pk}/transition", people.office, {"status": "flying"})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["status"]
    reform.refresh_from_db()
    assert reform.status == Status.DRAFT


def test_a_transition_to_the_unknown_reform_is_404(api, people):
    assert api.post("/reforms/424242/transition", people.office, {"status": "proposed"}).status_code == 404


def test_the_domain_must_exist_on_create(api, people, district):
    assert Domain.objects.filter(code="grassroots-governance").exists()
    response = api.post("/reforms", people.office, new_reform(district.sub_a, domain="nope"))
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["domain"]


def test_null_for_a_required_reference_is_422(api, people, reform_factory):
    reform = reform_factory()
    response = api.patch(
        f"/reforms/{reform.pk}", people.office, {"lead_unit": None, "domain": None, "co_units": None}
    )
    assert response.status_code == 422
    assert set(errors_by_field(response)) == {"lead_unit", "domain", "co_units"}
    response = api.patch(f"/reforms/{reform.pk}", people.office, {"co_units": []})
    assert response.status_code == 200 and response.json()["co_units"] == []


# --- issue 8: from approval on, a reform's dates are the office's commitments ----------------------


def test_the_lead_unit_cannot_move_the_dates_of_an_approved_reform(api, people, reform_factory):
    reform = reform_factory(due_date=dt.date(2019, 6, 30))
    before = history_of(reform).count()
    response = api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"due_date": "2019-12-31", "goals": "新目标"})
    assert response.status_code == 422
    assert list(errors_by_field(response)) == ["due_date"]
    reform.refresh_from_db()
    assert reform.due_date == dt.date(2019, 6, 30) and reform.goals != "新目标"
    assert history_of(reform).count() == before
    # The same date sent back is no change: accepted.
    same = api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"due_date": "2019-06-30", "goals": "新目标"})
    assert same.status_code == 200, same.content


def test_the_lead_unit_proposes_dates_while_the_reform_is_a_draft(api, people, reform_factory):
    for status in (Status.DRAFT, Status.PROPOSED):
        reform = reform_factory(status=status)
        response = api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"due_date": "2019-12-31"})
        assert response.status_code == 200, (status, response.content)


def test_the_office_moves_an_approved_reforms_dates_with_a_reason(api, people, reform_factory):
    reform = reform_factory(due_date=dt.date(2019, 6, 30))
    refused = api.patch(f"/reforms/{reform.pk}", people.office, {"due_date": "2019-12-31"})
    assert refused.status_code == 422 and list(errors_by_field(refused)) == ["reason"]
    reform.refresh_from_db()
    assert reform.due_date == dt.date(2019, 6, 30)
    response = api.patch(f"/reforms/{reform.pk}", people.office, {"due_date": "2019-12-31", "reason": "区委常委会同意"})
    assert response.status_code == 200, response.content
    entry = history_of(reform).first()
    assert entry.action == "reform.update" and entry.changes["due_date"] == ["2019-06-30", "2019-12-31"]
    assert entry.changes["reason"] == "区委常委会同意"
