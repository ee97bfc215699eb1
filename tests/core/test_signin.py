"""Sign-in lock-out (issue 9, finding 5; ADR 0028): after repeated failures for one username, or
from one address, signing in is paused, on the page login and the admin's, with a clear message
and one audit entry per lock-out."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from reformledger.core.models import AuditEntry
from reformledger.core.signin import client_ip
from tests.clients import english_client

PASSWORD = "river-lantern-42"


@pytest.fixture
def office(people):
    people.office.set_password(PASSWORD)
    people.office.save()
    return people.office


def _fail(client: Client, username: str, times: int, url: str = "/accounts/login/", **extra) -> None:
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong-guess"}, **extra)
        assert response.status_code in (200, 429)


def test_twenty_wrong_passwords_then_the_right_one_is_refused(office):
    client = english_client()
    _fail(client, "office", 20)
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins" in html and "15 minutes" in html
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    assert client.get("/office/reforms/").status_code == 302  # not signed in


def test_the_message_is_in_chinese_by_default(office):
    client = Client()
    _fail(client, "office", settings.AXES_FAILURE_LIMIT)
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_the_limit_is_five_and_a_success_before_it_clears_the_count(office):
    client = english_client()
    _fail(client, "office", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 302  # four failures: still allowed, and the count starts again
    client.post("/accounts/logout/")
    _fail(client, "office", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/accounts/login/", {"username": "office", "password": PASSWORD}).status_code == 302


def test_an_account_is_locked_from_every_address(office):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(english_client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "office", 1)
    response = english_client(REMOTE_ADDR="10.0.9.9").post(
        "/accounts/login/", {"username": "office", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_an_address_is_locked_for_every_account(office, people):
    client = english_client(REMOTE_ADDR="10.1.1.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, f"someone-{n}", 1)
    assert client.post("/accounts/login/", {"username": "office", "password": PASSWORD}).status_code == 429
    # The person signs in from their own desk.
    other = english_client(REMOTE_ADDR="10.1.1.2")
    assert other.post("/accounts/login/", {"username": "office", "password": PASSWORD}).status_code == 302


def test_the_admin_login_is_locked_too(office):
    office.is_staff = True
    office.save()
    client = english_client()
    _fail(client, "office", 20, url="/admin/login/")
    response = client.post("/admin/login/", {"username": "office", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_lock_ends_after_the_cool_off(office):
    client = english_client()
    _fail(client, "office", settings.AXES_FAILURE_LIMIT)
    assert client.post("/accounts/login/", {"username": "office", "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=16))
    assert client.post("/accounts/login/", {"username": "office", "password": PASSWORD}).status_code == 302


def test_one_audit_entry_per_lock_out(office):
    client = english_client(REMOTE_ADDR="10.2.2.2")
    _fail(client, "office", 12)
    entries = AuditEntry.objects.filter(action="signin.lock_out")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_type == "org.user" and entry.object_id == str(office.pk)
    assert entry.changes == {"username": [None, "office"], "ip_address": [None, "10.2.2.2"]}


def test_a_lock_out_on_an_unknown_username_is_audited_too(db):
    _fail(english_client(REMOTE_ADDR="10.3.3.3"), "nobody-here", settings.AXES_FAILURE_LIMIT)
    entry = AuditEntry.objects.get(action="signin.lock_out")
    assert entry.object_type == "axes.accessattempt"
    assert entry.changes["username"] == [None, "nobody-here"]


def _request(remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=remote, headers=headers)


def test_the_forwarded_header_is_ignored_unless_the_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("10.9.9.9", "1.2.3.4")) == "10.9.9.9"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("10.9.9.9", "1.2.3.4")) == "10.9.9.9"  # not from our proxy
    # From the proxy: the right-most address it did not add itself (a client may prepend lies).
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 10.20.30.40")) == "10.20.30.40"
    assert client_ip(_request("127.0.0.1", "10.20.30.40, 127.0.0.1")) == "10.20.30.40"
    assert client_ip(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    # A client that writes its own entries left of garbage does not choose its address.
    assert client_ip(_request("127.0.0.1", "6.6.6.6, junk:1")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(office):
    proxy = english_client(REMOTE_ADDR="127.0.0.1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(proxy, f"guess-{n}", 1, headers={"X-Forwarded-For": "10.5.5.5"})
    locked = proxy.post("/accounts/login/", {"username": "office", "password": PASSWORD},
                        headers={"X-Forwarded-For": "10.5.5.5"})
    assert locked.status_code == 429
    fine = proxy.post("/accounts/login/", {"username": "office", "password": PASSWORD},
                      headers={"X-Forwarded-For": "10.5.5.6"})
    assert fine.status_code == 302
