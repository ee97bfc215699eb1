"""Nobody sets another person's password to a value they then know without a trace (issue 9,
finding 4; ADR 0026): people change or reset their own; the office issues a one-time password that
is audited (without the value), told to the person and replaced at their next sign-in."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import User
from reformledger.supervision.models import Channel, Delivery, Reminder, ReminderKind
from tests.clients import english_client, sign_in
from tests.factories import UserFactory


def issue(client_for, office, person):
    response = client_for(office).post(reverse("org:person-password", args=[person.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.context["password"]


def test_a_one_time_password_for_a_leader_is_audited_told_and_must_be_replaced(client_for, people):
    leader = people.leader_main
    User.objects.filter(pk=leader.pk).update(email="leader@example.cn")
    password = issue(client_for, people.office, leader)
    leader.refresh_from_db()
    assert leader.check_password(password) and leader.must_change_password
    # Audited, without the value.
    entry = AuditEntry.objects.filter(action="person.one_time_password").get()
    assert (entry.actor_name, entry.object_id) == ("office", str(leader.pk))
    assert password not in str(entry.changes)
    # Told: in the inbox, and by e-mail (the worker sends the pending delivery).
    reminder = Reminder.objects.get(kind=ReminderKind.ACCOUNT)
    assert "one-time password" in reminder.subject or "一次性密码" in reminder.subject
    assert password not in reminder.subject + reminder.text
    channels = set(Delivery.objects.filter(reminder=reminder, user=leader).values_list("channel", flat=True))
    assert channels == {Channel.INBOX, Channel.EMAIL}


def test_the_next_sign_in_goes_to_the_change_page_until_the_password_is_replaced(client_for, people):
    password = issue(client_for, people.office, people.unit_staff)
    client = english_client()
    assert sign_in(client, "unit_staff", password)
    response = client.get(reverse("supervision:my-tasks"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    assert client.get("/api/v1/me").status_code == 403
    page = client.get(response["Location"])
    assert page.status_code == 200 and "one-time password" in page.content.decode()
    response = client.post(reverse("password_change") + "?next=/office/org/people/", {
        "old_password": password, "new_password1": "Meiyou-ren-zhidao-77", "new_password2": "Meiyou-ren-zhidao-77",
        "next": "/office/org/people/"})
    assert response.status_code == 302 and response["Location"] == "/office/org/people/"
    person = User.objects.get(pk=people.unit_staff.pk)
    assert not person.must_change_password and person.check_password("Meiyou-ren-zhidao-77")
    assert client.get(reverse("supervision:my-tasks")).status_code == 200  # still signed in
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor_name) == ("person.password_change", "unit_staff")


@pytest.mark.parametrize("who", ["province_office", "root", "ft_leader_main", "self"])
def test_the_office_cannot_reset_these_passwords(client_for, people, other_people, province_office, who):
    person = {"province_office": province_office, "ft_leader_main": other_people.leader_main,
              "self": people.office}.get(who) or UserFactory(username="root", is_superuser=True)
    response = client_for(people.office).post(reverse("org:person-password", args=[person.pk]))
    assert response.status_code in (403, 404)
    person.refresh_from_db()
    assert person.check_password("pw") and not person.must_change_password
    assert not AuditEntry.objects.filter(action="person.one_time_password").exists()


def test_everybody_changes_their_own_password(client_for, people):
    client = client_for(people.resident)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(reverse("password_change"), {
        "old_password": "pw", "new_password1": "Wo-de-mima-2026", "new_password2": "Wo-de-mima-2026"})
    assert response.status_code == 302
    assert User.objects.get(pk=people.resident.pk).check_password("Wo-de-mima-2026")


def test_no_reset_link_without_mail(client):
    assert client.get(reverse("password_reset")).status_code == 404
    assert reverse("password_reset") not in client.get(reverse("login")).content.decode()


@override_settings(EMAIL_CONFIGURED=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_person_resets_their_own_password_by_an_e_mail_link(people):
    User.objects.filter(pk=people.unit_head.pk).update(email="head@example.cn", must_change_password=True)
    client = Client()
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    assert client.post(reverse("password_reset"), {"email": "head@example.cn"}).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "Zi-ji-de-mima-9", "new_password2": "Zi-ji-de-mima-9"})
    assert response.status_code == 302
    person = User.objects.get(pk=people.unit_head.pk)
    assert person.check_password("Zi-ji-de-mima-9") and not person.must_change_password
    assert AuditEntry.objects.order_by("-seq").first().action == "person.password_reset_by_link"
