"""/admin/ for the reform office: audited, and no way to grant oneself more than the office has."""

import pytest
from django.test import Client

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role, User
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def office_client(people):
    client = Client()
    client.force_login(people.office)
    return client


def test_the_office_cannot_make_anyone_superuser(office_client, people):
    page = office_client.get(f"/admin/org/user/{people.unit_staff.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    office_client.post(
        f"/admin/org/user/{people.office.pk}/change/",
        {"username": "office", "is_superuser": "on", "is_active": "on", "is_staff": "on",
         "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
    )
    assert not User.objects.get(pk=people.office.pk).is_superuser


def test_the_office_cannot_touch_a_superuser_or_another_office_member(office_client, people, district):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, unit=district.office_unit, role=Role.OFFICE)
    for target in (root, colleague):
        assert office_client.get(f"/admin/org/user/{target.pk}/password/").status_code == 403
        office_client.post(
            f"/admin/org/user/{target.pk}/password/",
            {"password1": "Pwned-12345x", "password2": "Pwned-12345x", "usable_password": "true"},
        )
        assert not User.objects.get(pk=target.pk).check_password("Pwned-12345x")


def test_a_password_reset_by_the_office_is_audited(office_client, people):
    before = AuditEntry.objects.count()
    response = office_client.post(
        f"/admin/org/user/{people.unit_staff.pk}/password/",
        {"password1": "New-pass-2026x", "password2": "New-pass-2026x", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=people.unit_staff.pk).check_password("New-pass-2026x")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_id, entry.actor_name) == ("admin.password", str(people.unit_staff.pk), "office")
    assert "New-pass" not in str(entry.changes)


def test_the_office_manages_roles_in_the_person_s_page(office_client, people):
    response = office_client.get(f"/admin/org/user/{people.unit_staff.pk}/change/")
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"], "memberships are edited on the person's page"


def test_people_outside_the_office_have_no_admin(people):
    client = Client()
    client.force_login(people.unit_head)
    assert client.get("/admin/org/user/").status_code in (302, 403)
