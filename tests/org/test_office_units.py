"""The office keeps its district's units on its own pages, through services, audited (ADR 0026)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import Unit, UnitKind
from reformledger.org.services import units as services


def last_entry():
    return AuditEntry.objects.order_by("-seq").first()


def test_the_office_adds_a_unit_in_its_district(client_for, people, district):
    client = client_for(people.office)
    assert client.get(reverse("org:unit-new")).status_code == 200
    response = client.post(reverse("org:unit-new"), {
        "parent": district.sub_a.pk, "code": "lh-guiyuan-c2", "name": "红岭社区", "kind": UnitKind.COMMUNITY,
        "sort_order": 3, "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
    })
    unit = Unit.objects.get(code="lh-guiyuan-c2")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit", args=[unit.pk])
    assert (unit.parent_id, unit.district_id, unit.webhook_url.startswith("https://qyapi")) == (
        district.sub_a.pk, district.district.pk, True)
    entry = last_entry()
    assert (entry.action, entry.actor_name, entry.object_id) == ("unit.create", "office", str(unit.pk))


def test_a_unit_s_form_names_the_field_in_error(client_for, people, district):
    response = client_for(people.office).post(reverse("org:unit-new"), {
        "parent": district.sub_a.pk, "code": district.sub_b.code, "name": "x", "kind": UnitKind.COMMUNITY,
        "webhook_url": "not a url",
    })
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"code", "webhook_url"} or "webhook_url" in response.context["form"].errors
    assert not Unit.objects.filter(name="x").exists()


def test_the_office_cannot_add_a_unit_to_another_district_nor_a_district(people, district, other_district):
    with pytest.raises(PermissionDenied):
        services.create_unit(user=people.office, parent=other_district.street, code="ft-x", name="x",
                             kind=UnitKind.COMMUNITY)
    with pytest.raises(ValidationError):
        services.create_unit(user=people.office, parent=district.district, code="lh-x", name="x",
                             kind=UnitKind.DISTRICT)


def test_the_office_edits_the_robot_address(client_for, people, district):
    unit = district.sub_b
    response = client_for(people.office).post(reverse("org:unit", args=[unit.pk]), {
        "code": unit.code, "name": unit.name, "kind": unit.kind, "sort_order": 0,
        "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
    })
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.webhook_url == "https://oapi.dingtalk.com/robot/send?access_token=t"
    entry = last_entry()
    assert entry.action == "unit.update" and set(entry.changes) == {"webhook_url"}


def test_a_robot_address_off_the_allow_list_is_refused(client_for, people, district):
    response = client_for(people.office).post(reverse("org:unit", args=[district.sub_b.pk]), {
        "code": district.sub_b.code, "name": "n", "kind": district.sub_b.kind, "webhook_url": "https://127.0.0.1/x",
    })
    assert response.status_code == 400
    assert response.context["form"].errors["webhook_url"]
    assert Unit.objects.get(pk=district.sub_b.pk).webhook_url == ""


@pytest.mark.parametrize(("who", "status"), [("ft_office", 404), ("committee", 403), ("unit_staff", 403),
                                             ("province_office", 403)])
def test_a_unit_s_page_is_the_office_s_of_its_district(client_for, people, other_people, province_office, district,
                                                       who, status):
    user = {"ft_office": other_people.office, "province_office": province_office}.get(who) or getattr(people, who)
    client = client_for(user)
    assert client.get(reverse("org:unit", args=[district.sub_a.pk])).status_code == status
    response = client.post(reverse("org:unit", args=[district.sub_a.pk]), {
        "code": "hacked", "name": "hacked", "kind": UnitKind.SUB_DISTRICT, "webhook_url": "http://127.0.0.1/"})
    assert response.status_code == status
    assert Unit.objects.get(pk=district.sub_a.pk).webhook_url == ""


def test_the_office_moves_a_unit_within_its_district_only(client_for, people, district, other_district):
    client = client_for(people.office)
    community = district.community_a
    assert client.post(reverse("org:unit-move", args=[community.pk]), {"parent": district.sub_b.pk}).status_code == 302
    community.refresh_from_db()
    assert community.parent_id == district.sub_b.pk and community.district_id == district.district.pk
    assert last_entry().changes == {"parent": [district.sub_a.pk, district.sub_b.pk]}
    # Not into another district, not under itself or its own sub-units.
    response = client.post(reverse("org:unit-move", args=[community.pk]), {"parent": other_district.street.pk})
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        services.move_unit(user=people.office, unit=community, parent=other_district.street)
    with pytest.raises(ValidationError):
        services.move_unit(user=people.office, unit=district.sub_b, parent=community)
    assert Unit.objects.get(pk=community.pk).parent_id == district.sub_b.pk


def test_the_office_deactivates_a_unit_without_active_sub_units(client_for, people, district):
    client = client_for(people.office)
    response = client.post(reverse("org:unit-active", args=[district.sub_a.pk]), {"active": "0"})
    assert response.status_code == 400
    assert "Deactivate its sub-units first." in response.content.decode()
    assert client.post(reverse("org:unit-active", args=[district.community_a.pk]), {"active": "0"}).status_code == 302
    assert not Unit.objects.get(pk=district.community_a.pk).is_active
    assert last_entry().action == "unit.deactivate"


def test_the_unit_tree_shows_the_reader_s_district_only(client_for, people, other_people, district, other_district,
                                                       province_office):
    html = client_for(people.office).get(reverse("org:units")).content.decode()
    assert "桂园街道" in html and "园岭街道" not in html
    assert reverse("org:unit", args=[district.sub_a.pk]) in html
    html = client_for(other_people.unit_staff).get(reverse("org:units")).content.decode()
    assert "园岭街道" in html and "桂园街道" not in html
    html = client_for(province_office).get(reverse("org:units")).content.decode()
    assert "园岭街道" in html and "桂园街道" in html
    assert reverse("org:unit", args=[district.sub_a.pk]) not in html  # reads, keeps nothing
