"""/admin/ obeys the rules (issue 9, findings 1, 2 and 4; ADR 0026).

- The reform office has no admin: it keeps its district's units and people on its own pages.
- Business records are read-only for everybody, superusers included.
- A token's owner and revocation are read-only; revoking is an action, audited.
- People and units are the operator's (superusers) alone, audited; nobody is deleted.
"""

import pytest
from django.test import Client
from django.utils import timezone

from reformledger.core.models import ApiToken, AuditEntry
from reformledger.core.tokens import create_token
from reformledger.org.models import Role, Unit, User
from reformledger.reforms.models import Attachment, Reform, Status
from reformledger.supervision.models import Reminder, ReminderKind
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def office_client(people):
    client = Client()
    client.force_login(people.office)
    return client


@pytest.fixture
def root(reference_data):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def root_client(root):
    client = Client()
    client.force_login(root)
    return client


def test_the_office_has_no_admin(office_client, people, other_people, other_district):
    """Finding 1 (the /admin/ half): another district's people, password forms and robot addresses."""
    for url in [
        "/admin/",
        "/admin/org/user/",
        f"/admin/org/user/{other_people.office.pk}/change/",
        f"/admin/org/user/{other_people.leader_main.pk}/password/",
        f"/admin/org/unit/{other_district.street.pk}/change/",
        f"/admin/org/user/{people.unit_staff.pk}/password/",
    ]:
        response = office_client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


def test_the_office_cannot_set_a_leader_s_password_in_admin(office_client, people):
    """Finding 4: an office member set the password of leaders and acted as them."""
    office_client.post(
        f"/admin/org/user/{people.leader_main.pk}/password/",
        {"password1": "Pwned-12345x", "password2": "Pwned-12345x", "usable_password": "true"},
    )
    assert not User.objects.get(pk=people.leader_main.pk).check_password("Pwned-12345x")


def test_the_office_cannot_hand_its_token_to_a_peer_or_a_leader(office_client, people, district, api):
    """Finding 2: the owner of one's own token changed to a peer office account, then to a leader."""
    peer = UserFactory(username="peer")
    MembershipFactory(user=peer, unit=district.office_unit, role=Role.OFFICE)
    key = create_token(user=people.office)
    token = ApiToken.objects.get(user=people.office)
    for target in (peer, people.leader_main):
        office_client.post(f"/admin/core/apitoken/{token.pk}/change/", {"user": target.pk, "name": "x"})
    token.refresh_from_db()
    assert token.user_id == people.office.pk
    assert api.get("/me", token=key).json()["username"] == "office"


def test_a_token_s_owner_and_revocation_are_read_only_even_for_a_superuser(root_client, people, api):
    key = create_token(user=people.office)
    token = ApiToken.objects.get(user=people.office)
    token.revoked_at = timezone.now()
    token.save()
    page = root_client.get(f"/admin/core/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert 'name="user"' not in page.content.decode() and 'name="revoked_at' not in page.content.decode()
    response = root_client.post(
        f"/admin/core/apitoken/{token.pk}/change/", {"user": people.leader_main.pk, "revoked_at_0": "", "revoked_at_1": ""}
    )
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.user_id == people.office.pk and token.revoked_at is not None  # not un-revoked
    assert api.get("/me", token=key).status_code == 401
    assert root_client.post(f"/admin/core/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 403


def test_revoking_is_an_audited_action(root_client, people, api):
    key = create_token(user=people.unit_staff)
    token = ApiToken.objects.get(user=people.unit_staff)
    response = root_client.post(
        "/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk], "index": 0}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id, entry.actor_name) == ("token.revoke", str(token.pk), "root")
    assert api.get("/me", token=key).status_code == 401


def test_reforms_are_read_only_in_admin_even_for_a_superuser(root_client, reform_factory, district, other_district):
    """Finding 4: progress 37 on a completed reform; a reform moved to another district; an HTML
    attachment stored without the content check."""
    reform = reform_factory(status=Status.COMPLETED, progress=100)
    change_url = f"/admin/reforms/reform/{reform.pk}/change/"
    assert root_client.get(change_url).status_code == 200  # the operator looks
    response = root_client.post(change_url, {
        "code": reform.code, "title": reform.title, "progress": 37, "district": other_district.district.pk,
        "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "0",
        "attachments-0-name": "x.html", "attachments-0-is_public": "on",
    })
    assert response.status_code == 403
    reform.refresh_from_db()
    assert (reform.progress, reform.district_id) == (100, district.district.pk)
    assert not Attachment.objects.filter(reform=reform).exists()
    assert root_client.get("/admin/reforms/reform/add/").status_code == 403
    assert root_client.post(f"/admin/reforms/reform/{reform.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Reform.objects.filter(pk=reform.pk).exists()


@pytest.mark.parametrize("model", ["supervision/task", "supervision/progressreport", "supervision/order",
                                   "reforms/plan", "reforms/ledgerimport", "core/auditentry", "core/apitoken"])
def test_business_records_cannot_be_added_in_admin(root_client, model):
    assert root_client.get(f"/admin/{model}/add/").status_code == 403


def test_the_operator_edits_people_and_units_audited(root_client, people, district):
    before = AuditEntry.objects.count()
    unit = district.sub_b
    response = root_client.post(f"/admin/org/unit/{unit.pk}/change/", {
        "code": unit.code, "name": "黄贝街道办", "kind": unit.kind, "parent": unit.parent_id, "sort_order": 0,
        "is_active": "on", "webhook_url": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=unit.pk).name == "黄贝街道办"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.changes["name"]) == ("admin.change", ["黄贝街道", "黄贝街道办"])


def test_nobody_deletes_a_person_in_admin(root_client, root, people):
    other_root = UserFactory(username="root2", is_superuser=True, is_staff=True)
    for person in (people.unit_staff, other_root, root):
        assert root_client.post(f"/admin/org/user/{person.pk}/delete/", {"post": "yes"}).status_code == 403
        assert User.objects.filter(pk=person.pk).exists()
    response = root_client.post("/admin/org/user/", {"action": "delete_selected", "_selected_action": [people.unit_staff.pk]})
    assert User.objects.filter(pk=people.unit_staff.pk).exists()
    assert response.status_code in (200, 302)


def test_a_password_the_operator_sets_must_be_replaced(root_client, people):
    response = root_client.post(
        f"/admin/org/user/{people.unit_staff.pk}/password/",
        {"password1": "New-pass-2026x", "password2": "New-pass-2026x", "usable_password": "true"},
    )
    assert response.status_code == 302
    person = User.objects.get(pk=people.unit_staff.pk)
    assert person.check_password("New-pass-2026x") and person.must_change_password
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id, entry.actor_name) == ("admin.password", str(person.pk), "root")
    assert "New-pass" not in str(entry.changes)


def test_people_outside_the_office_have_no_admin(people):
    client = Client()
    client.force_login(people.unit_head)
    assert client.get("/admin/org/user/").status_code == 302


def test_the_person_is_told_of_a_password_the_operator_set(root_client, people):
    root_client.post(
        f"/admin/org/user/{people.unit_staff.pk}/password/",
        {"password1": "New-pass-2026x", "password2": "New-pass-2026x", "usable_password": "true"},
    )
    reminder = Reminder.objects.get(kind=ReminderKind.ACCOUNT)
    assert list(reminder.deliveries.values_list("user_id", flat=True)) == [people.unit_staff.pk]
    assert "New-pass" not in reminder.text
