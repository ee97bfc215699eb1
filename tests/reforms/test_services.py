"""Catalogue writes: validation, the lifecycle, and concurrent edits."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reformledger.core.audit import history_of, verify_chain
from reformledger.core.models import AuditEntry
from reformledger.org.models import Domain
from reformledger.reforms import services
from reformledger.reforms.models import Reform, Status, Tier


def valid_data(district, **overrides):
    data = {
        "code": "LH-2019-ZD-01",
        "title": "罗湖医改：医疗集团一体化",
        "tier": Tier.KEY,
        "year": 2019,
        "domain": Domain.objects.get(code="public-services"),
        "lead_unit": district.department,
        "start_date": dt.date(2019, 1, 1),
        "due_date": dt.date(2019, 12, 31),
    }
    data.update(overrides)
    return data


def test_office_creates_a_reform_in_its_district_and_it_is_audited(people, district):
    reform = services.create_reform(user=people.office, data={**valid_data(district), "co_units": [district.sub_a]})
    assert reform.district == district.district
    assert reform.status == Status.DRAFT
    assert list(reform.co_units.all()) == [district.sub_a]
    entry = history_of(reform).get()
    assert entry.action == "reform.create"
    assert entry.changes["co_units"] == [None, [district.sub_a.pk]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": dt.date(2018, 12, 31)}, "due_date"),
        ({"progress": 101}, "progress"),
        ({"title": ""}, "title"),
        ({"tier": Tier.UPPER}, "source_level"),
        ({"tier": "national"}, "tier"),
        ({"co_units": "lead"}, "co_units"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(people, district, overrides, field):
    if overrides.get("co_units") == "lead":
        overrides["co_units"] = [district.department]
    before = (Reform.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        services.create_reform(user=people.office, data=valid_data(district, **overrides))
    assert field in excinfo.value.message_dict
    assert (Reform.objects.count(), AuditEntry.objects.count()) == before


def test_duplicate_code_is_refused(people, district, reform_factory):
    reform_factory(code="LH-2019-ZD-01")
    with pytest.raises(ValidationError) as excinfo:
        services.create_reform(user=people.office, data=valid_data(district))
    assert "code" in excinfo.value.message_dict


def test_a_unit_creates_only_drafts_for_its_own_unit(people, district):
    data = valid_data(district, tier=Tier.MICRO, lead_unit=district.sub_a, status=Status.APPROVED)
    reform = services.create_reform(user=people.unit_staff, data=data)
    assert reform.status == Status.DRAFT


def test_invalid_transition_is_refused_with_a_clear_message(people, reform_factory):
    reform = reform_factory(status=Status.DRAFT)
    with pytest.raises(ValidationError) as excinfo:
        services.transition_reform(user=people.office, reform=reform, to_status=Status.COMPLETED)
    assert "status" in excinfo.value.message_dict
    reform.refresh_from_db()
    assert reform.status == Status.DRAFT


def test_full_lifecycle_is_recorded_step_by_step(people, reform_factory):
    reform = reform_factory(status=Status.DRAFT, progress=0)
    steps = [
        (people.unit_staff, Status.PROPOSED),
        (people.committee, Status.APPROVED),
        (people.unit_head, Status.IN_PROGRESS),
        (people.office, Status.SUSPENDED),
        (people.office, Status.IN_PROGRESS),
    ]
    for user, status in steps:
        reform = services.transition_reform(user=user, reform=reform, to_status=status, note="会议决定")
    # Completed only through 办结: the last step is the office accepting the application.
    reform = services.complete_reform(user=people.office, reform=reform, completion_id=1, note="同意办结")
    assert reform.progress == 100
    moves = [e.changes["status"] for e in reversed(history_of(reform))]
    assert moves == [
        ["draft", "proposed"],
        ["proposed", "approved"],
        ["approved", "in_progress"],
        ["in_progress", "suspended"],
        ["suspended", "in_progress"],
        ["in_progress", "completed"],
    ]


def test_update_without_changes_writes_no_entry(people, reform_factory):
    reform = reform_factory()
    before = AuditEntry.objects.count()
    services.update_reform(user=people.office, reform=reform, data={"title": reform.title})
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_reform_lose_nothing(people, reform_factory):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has one writer at a time; row locks are exercised on PostgreSQL")
    reform = reform_factory(progress=0)
    errors = []

    def edit(user, field, value):
        try:
            services.update_reform(user=user, reform=reform, data={field: value})
        except Exception as exc:  # pragma: no cover - asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(people.office, "goals", "目标一")),
        threading.Thread(target=edit, args=(people.unit_staff, "measures", "举措一")),
        threading.Thread(target=edit, args=(people.unit_head, "deliverables", "成果一")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    reform.refresh_from_db()
    assert (reform.goals, reform.measures, reform.deliverables) == ("目标一", "举措一", "成果一")
    assert history_of(reform).count() == 3
    assert list(verify_chain()) == []


def test_a_completed_reform_is_at_100_percent(people, reform_factory):
    reform = reform_factory(status=Status.IN_PROGRESS, progress=100)
    reform.status, reform.progress = Status.COMPLETED, 55
    with pytest.raises(ValidationError) as excinfo:
        services._validate(reform, None)
    assert "progress" in excinfo.value.message_dict


def test_co_units_come_from_the_reform_s_district(people, district, other_district, reform_factory):
    foreign = other_district.street
    reform = reform_factory()
    with pytest.raises(ValidationError) as excinfo:
        services.update_reform(user=people.unit_staff, reform=reform, data={"co_units": [foreign]})
    assert "co_units" in excinfo.value.message_dict
    assert not reform.co_units.exists()


def test_the_responsible_leader_is_a_leader_or_a_unit_head(people, reform_factory):
    reform = reform_factory()
    with pytest.raises(ValidationError) as excinfo:
        services.update_reform(user=people.office, reform=reform, data={"responsible_leader": people.resident})
    assert "responsible_leader" in excinfo.value.message_dict
    services.update_reform(user=people.office, reform=reform, data={"responsible_leader": people.unit_head})
    services.update_reform(user=people.office, reform=reform, data={"responsible_leader": people.leader_main})


def test_a_deactivated_unit_s_staff_lose_its_reforms(people, district, reform_factory):
    from reformledger.core.audit import log_action
    from reformledger.org.models import User
    from reformledger.reforms import selectors

    reform = reform_factory(status=Status.DRAFT)
    assert selectors.visible_reforms(User.objects.get(pk=people.unit_staff.pk)).filter(pk=reform.pk).exists()
    district.sub_a.is_active = False
    district.sub_a.save()
    log_action(people.office, "admin.change", district.sub_a, {"is_active": [True, False]})
    staff = User.objects.get(pk=people.unit_staff.pk)
    assert not selectors.visible_reforms(staff).filter(pk=reform.pk).exists()
    assert not staff.has_perm("reforms.change_reform", reform)
