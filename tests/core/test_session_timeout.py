"""Sessions end (issue 9, finding 5; ADR 0028): after SESSION_IDLE_MINUTES (30) without a request,
and SESSION_MAX_HOURS (12) after sign-in however busy; "last seen" is written at most once a minute."""

import time

import pytest
from django.conf import settings

from reformledger.core.middleware import SessionTimeoutMiddleware as Timeout
from tests.clients import english_client

PAGE = "/office/reforms/"


@pytest.fixture
def client(people):
    client = english_client()
    client.force_login(people.office)
    assert client.get(PAGE).status_code == 200
    return client


def _shift(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[getattr(Timeout, key.upper())] = now - ago
    session.save()


def test_the_defaults():
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 12 * 3600  # no longer Django's two weeks


def test_a_session_idle_for_thirty_minutes_ends(client):
    _shift(client, seen=31 * 60)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in page.content.decode()


def test_a_session_used_within_the_half_hour_goes_on(client):
    _shift(client, seen=29 * 60, started=3 * 3600)
    assert client.get(PAGE).status_code == 200
    assert client.session[Timeout.SEEN] >= int(time.time()) - 5  # the request counted as activity


def test_a_busy_session_still_ends_after_twelve_hours(client):
    _shift(client, seen=10, started=12 * 3600 + 60)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_last_seen_is_written_at_most_once_a_minute(client):
    _shift(client, seen=5)
    before = client.session[Timeout.SEEN]
    response = client.get(PAGE)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the session was not saved again
    assert client.session[Timeout.SEEN] == before


def test_the_api_by_session_times_out_too(client):
    assert client.get("/api/v1/me").status_code == 200
    _shift(client, seen=31 * 60)
    assert client.get("/api/v1/me").status_code == 401


def test_signing_in_starts_the_clock_without_an_extra_write(people):
    client = english_client()
    client.force_login(people.office)
    assert isinstance(client.session[Timeout.STARTED], int)
    response = client.get(PAGE)
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the first page did not save the session
