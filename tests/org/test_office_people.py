"""The office keeps its district's people on its own pages: add (with a one-time password), edit
contacts, roles, deactivate; never another district's people (ADR 0026; issue 9 findings 1 and 4)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from reformledger.core.models import ApiToken, AuditEntry
from reformledger.core.tokens import create_token
from reformledger.org.models import LeaderTier, Membership, Role, User
from reformledger.org.services import people as services
from tests.clients import sign_in
from tests.factories import MembershipFactory, UserFactory


def last_entry():
    return AuditEntry.objects.order_by("-seq").first()


def test_the_office_adds_a_person_with_a_one_time_password(client_for, people, district):
    client = client_for(people.office)
    response = client.post(reverse("org:person-new"), {
        "username": "wang", "full_name": "王五", "email": "wang@example.cn", "phone": "0755-1234",
        "role": Role.UNIT_STAFF, "unit": district.sub_b.pk, "title": "科员",
    })
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    person = User.objects.get(username="wang")
    password = response.context["password"]
    assert password in response.content.decode()
    assert person.check_password(password) and person.must_change_password
    assert (person.full_name, person.email, person.phone) == ("王五", "wang@example.cn", "0755-1234")
    assert Membership.objects.get(user=person).unit_id == district.sub_b.pk
    actions = list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["membership.add", "person.create"]
    assert password not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_the_office_grants_district_roles_but_never_the_province_s(people, district, other_district):
    person = people.unit_staff
    services.add_membership(user=people.office, person=person, role=Role.LEADER, unit=district.district,
                            leader_tier=LeaderTier.DOMAINS)
    assert Membership.objects.filter(user=person, role=Role.LEADER).exists()
    with pytest.raises(ValidationError):
        services.add_membership(user=people.office, person=person, role=Role.PROVINCE_OFFICE, unit=district.office_unit)
    with pytest.raises(PermissionDenied):
        services.add_membership(user=people.office, person=person, role=Role.UNIT_STAFF, unit=other_district.street)
    with pytest.raises(PermissionDenied):
        services.create_person(user=people.office, username="x", full_name="x", role=Role.UNIT_STAFF,
                               unit=other_district.street)
    assert not User.objects.filter(username="x").exists()


def test_the_office_cannot_grant_roles_to_another_district_s_person(people, other_people, district):
    with pytest.raises(PermissionDenied):
        services.add_membership(user=people.office, person=other_people.leader_main, role=Role.UNIT_STAFF,
                                unit=district.sub_a)


def test_a_person_who_also_belongs_to_another_district_is_neither_office_s_alone(people, other_people, other_district):
    MembershipFactory(user=people.unit_staff, unit=other_district.street, role=Role.UNIT_STAFF)
    for office in (people.office, other_people.office):
        assert not office.has_perm("org.manage_person", people.unit_staff)
        assert not office.has_perm("org.reset_password", people.unit_staff)


def test_the_office_edits_contacts_and_the_person_is_told_of_a_new_e_mail(client_for, people):
    response = client_for(people.office).post(reverse("org:person", args=[people.leader_main.pk]), {
        "full_name": "李书记", "email": "li@example.cn", "phone": "13800000000"})
    assert response.status_code == 302
    person = User.objects.get(pk=people.leader_main.pk)
    assert (person.full_name, person.email, person.phone) == ("李书记", "li@example.cn", "13800000000")
    assert last_entry().action == "person.update"
    inbox = client_for(person).get(reverse("supervision:inbox")).content.decode()
    assert "li@example.cn" in inbox


def test_an_e_mail_changed_by_someone_else_is_also_told_at_the_previous_address(client_for, people):
    """The password reset link goes to the new address: the owner learns of the change where they
    read, so an office member cannot quietly take a leader's account over by its e-mail."""
    from reformledger.supervision.models import Channel, Delivery

    User.objects.filter(pk=people.leader_main.pk).update(email="leader@old.example.cn")
    client_for(people.office).post(reverse("org:person", args=[people.leader_main.pk]), {
        "full_name": "李书记", "email": "taken@example.cn", "phone": ""})
    emailed = set(Delivery.objects.filter(channel=Channel.EMAIL).values_list("address", flat=True))
    assert {"leader@old.example.cn", "taken@example.cn"} <= emailed


def test_another_district_s_people_are_out_of_sight(client_for, people, other_people):
    client = client_for(people.office)
    names = [p.username for p in client.get(reverse("org:people")).context["page"].object_list]
    assert "ft_office" not in names and "ft_leader_main" not in names and "leader_main" in names
    for person in (other_people.office, other_people.leader_main, other_people.unit_staff):
        assert client.get(reverse("org:person", args=[person.pk])).status_code == 404
        assert client.post(reverse("org:person-password", args=[person.pk])).status_code == 404
        assert client.post(reverse("org:person-active", args=[person.pk]), {"active": "0"}).status_code == 404
    assert User.objects.get(pk=other_people.leader_main.pk).is_active
    names = [p.username for p in client_for(people.unit_staff).get(reverse("org:people")).context["page"].object_list]
    assert "ft_unit_staff" not in names and "other_staff" in names


@pytest.mark.parametrize("who", ["committee", "leader_main", "unit_staff"])
def test_a_person_s_page_is_read_only_but_for_the_office(client_for, people, who):
    client = client_for(getattr(people, who))
    page = client.get(reverse("org:person", args=[people.other_staff.pk]))
    assert page.status_code == 200 and not page.context["can_manage"]
    assert client.post(reverse("org:person", args=[people.other_staff.pk]),
                       {"full_name": "x", "email": "x@example.cn", "phone": ""}).status_code == 403
    assert client.post(reverse("org:person-password", args=[people.other_staff.pk])).status_code == 403
    assert User.objects.get(pk=people.other_staff.pk).full_name == "other_staff"


def test_a_deactivated_person_cannot_sign_in_nor_use_a_token(client_for, people, api):
    key = create_token(user=people.unit_staff)
    assert api.get("/me", token=key).status_code == 200
    signed_in = client_for(people.unit_staff)
    response = client_for(people.office).post(reverse("org:person-active", args=[people.unit_staff.pk]), {"active": "0"})
    assert response.status_code == 302
    assert not User.objects.get(pk=people.unit_staff.pk).is_active
    assert not sign_in(Client(), "unit_staff", "pw")
    assert api.get("/me", token=key).status_code == 401
    assert ApiToken.objects.get(user=people.unit_staff).revoked_at is not None
    assert signed_in.get(reverse("org:people")).status_code == 302  # the open session ends too
    assert {"person.deactivate", "token.revoke"} <= set(AuditEntry.objects.values_list("action", flat=True))
    # People are deactivated, never deleted: reactivation brings them back (tokens stay revoked).
    client_for(people.office).post(reverse("org:person-active", args=[people.unit_staff.pk]), {"active": "1"})
    assert sign_in(Client(), "unit_staff", "pw")
    assert api.get("/me", token=key).status_code == 401


def test_nobody_deactivates_themselves_or_removes_a_person_s_last_role(client_for, people):
    client = client_for(people.office)
    assert client.post(reverse("org:person-active", args=[people.office.pk]), {"active": "0"}).status_code == 403
    membership = Membership.objects.get(user=people.unit_staff)
    response = client.post(reverse("org:membership-remove", args=[people.unit_staff.pk, membership.pk]))
    assert response.status_code == 400
    assert "last role" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_office_cannot_manage_a_superuser_or_the_province_office(people, province_office, district):
    root = UserFactory(username="root", is_superuser=True)
    MembershipFactory(user=root, unit=district.office_unit, role=Role.OFFICE)
    for person in (root, province_office):
        assert not people.office.has_perm("org.manage_person", person)
        with pytest.raises(PermissionDenied):
            services.set_person_active(user=people.office, person=person, active=False)


def make_people(district, count: int) -> None:
    for i in range(count):
        user = UserFactory(username=f"p{i:03d}", full_name=f"人员{i}")
        MembershipFactory(user=user, unit=district.sub_b, role=Role.UNIT_STAFF)
        MembershipFactory(user=user, unit=district.department, role=Role.UNIT_HEAD)


@pytest.mark.parametrize("count", [5, 40])
def test_people_list_with_two_districts_runs_few_queries(client_for, people, other_people, district,
                                                         django_assert_max_num_queries, count):
    make_people(district, count)
    client = client_for(people.office)
    client.get(reverse("org:people"))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("org:people"))
    assert response.context["page"].paginator.count == count + 7
