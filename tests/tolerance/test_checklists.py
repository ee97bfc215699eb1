"""The conditions and the negative list are data per district: seeded with the defaults on first
use, edited by the district's office alone (audited), read by its discipline reviewers and the
province office."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.core.models import AuditEntry
from reformledger.tolerance.defaults import CONDITIONS, NEGATIVE
from reformledger.tolerance.models import ChecklistItem, ItemKind
from reformledger.tolerance.services import checklists as services
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_a_new_district_gets_the_defaults_once(district):
    assert services.ensure_checklist(district=district.district) == len(CONDITIONS) + len(NEGATIVE)
    assert services.ensure_checklist(district=district.district) == 0
    kinds = list(ChecklistItem.objects.filter(district=district.district).values_list("kind", flat=True))
    assert kinds.count(ItemKind.CONDITION) == 6 and kinds.count(ItemKind.NEGATIVE) == len(NEGATIVE)
    assert AuditEntry.objects.filter(action="tolerance.checklist_seed").count() == len(kinds)


def test_the_seed_migration_gave_existing_districts_their_items():
    """The data migration's function seeds every district that has none (run here on a new one)."""
    d = UnitFactory(kind="district")
    importlib.import_module("reformledger.tolerance.migrations.0003_seed_checklists").seed(apps, None)
    assert ChecklistItem.objects.filter(district=d).count() == len(CONDITIONS) + len(NEGATIVE)


def test_the_office_adds_and_changes_items(district, people):
    services.ensure_checklist(district=district.district)
    item = services.add_item(user=people.office, district=district.district, kind=ItemKind.NEGATIVE, text="违规举债", sort_order=9)
    assert item.code and item.is_active
    services.change_item(user=people.office, item=item, text="违规举债融资", hint="", sort_order=9, is_active=False)
    item.refresh_from_db()
    assert item.text == "违规举债融资" and not item.is_active
    entry = AuditEntry.objects.filter(action="tolerance.checklist_change").get()
    assert entry.changes["is_active"] == [True, False]


@pytest.mark.parametrize("who", ["committee", "unit_staff", "leader_main"])
def test_others_of_the_district_do_not_edit(district, people, who):
    with pytest.raises(PermissionDenied):
        services.add_item(user=getattr(people, who), district=district.district, kind=ItemKind.CONDITION, text="x")
    assert not ChecklistItem.objects.filter(text="x").exists()


def test_another_districts_office_and_the_discipline_reviewer_do_not_edit(district, other_people, discipline, province_office):
    services.ensure_checklist(district=district.district)
    item = ChecklistItem.objects.filter(district=district.district).first()
    for user in (other_people.office, discipline, province_office):
        with pytest.raises(PermissionDenied):
            services.change_item(user=user, item=item, text="改", hint="", sort_order=1, is_active=True)
    item.refresh_from_db()
    assert item.text != "改"


def test_bad_input_names_the_field(district, people):
    with pytest.raises(ValidationError) as caught:
        services.add_item(user=people.office, district=district.district, kind=ItemKind.CONDITION, text=" ", sort_order=5000)
    assert set(caught.value.message_dict) == {"text", "sort_order"}
    with pytest.raises(ValidationError) as caught:
        services.add_item(user=people.office, district=district.district, kind="other", text="x")
    assert "kind" in caught.value.message_dict


def test_a_retired_item_is_no_longer_asked_and_answers_keep_their_words(district, people, failed_reform, apply_case, reform_factory):
    services.ensure_checklist(district=district.district)
    item = ChecklistItem.objects.get(district=district.district, code="not-repeated")
    case = apply_case(people.unit_staff, failed_reform)
    services.change_item(user=people.office, item=item, text="新的表述", hint="", sort_order=6, is_active=False)
    answer = case.answers.get(code="not-repeated")
    assert answer.text == "不属于同类问题再次发生"  # as answered
    later = apply_case(people.unit_head, reform_factory(code="LH-T2", status="suspended", year=2016))
    assert not later.answers.filter(code="not-repeated").exists()
