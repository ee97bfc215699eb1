"""Who the API thinks is calling: tokens from `create-token`, revoked tokens, the session, /me."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.utils import timezone

from reformledger.core.models import ApiToken
from reformledger.reforms.models import Reform, Status
from tests.clients import errors_by_field


def _token_from_command(username: str) -> str:
    out = io.StringIO()
    call_command("create-token", username, stdout=out)
    return out.getvalue().strip()


def test_a_token_made_by_create_token_works(api, people):
    token = _token_from_command("unit_staff")
    response = api.get("/me", token=token)
    assert response.status_code == 200
    assert response.json()["username"] == "unit_staff"


def test_a_revoked_token_is_refused_everywhere_even_for_public_reads(api, people, reform_factory):
    reform = reform_factory()
    token = _token_from_command("office")
    assert api.get("/me", token=token).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    for response in (
        api.get("/me", token=token),
        api.get("/reforms", token=token),
        api.get(f"/reforms/{reform.pk}", token=token),
        api.patch(f"/reforms/{reform.pk}", body={"progress": 90}, token=token),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert errors_by_field(response) == {}
    reform.refresh_from_db()
    assert reform.progress == 50


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Bearer ", "Basic b2ZmaWNlOnB3", "Token rl_abc", "rl_abc"]
)
def test_a_bad_authorization_header_is_401_not_a_silent_public_view(client, people, header):
    response = client.get("/api/v1/reforms", headers={"authorization": header})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_token_of_a_deactivated_person_is_refused(api, people):
    token = api.token(people.unit_staff)
    people.unit_staff.is_active = False
    people.unit_staff.save(update_fields=["is_active"])
    assert api.get("/me", token=token).status_code == 401


def test_me_is_401_for_anonymous_visitors(api, db):
    response = api.get("/me")
    assert response.status_code == 401
    assert response.json()["errors"] == []


def test_me_tells_roles_and_units(api, people, district):
    body = api.get("/me", people.unit_staff).json()
    assert body == {
        "id": people.unit_staff.pk,
        "username": "unit_staff",
        "full_name": "unit_staff",
        "roles": ["unit_staff"],
        "units": [
            {"id": district.sub_a.pk, "code": "lh-guiyuan", "name": "桂园街道", "role": "unit_staff"},
        ],
    }
    expert = api.get("/me", people.expert).json()
    assert expert["roles"] == ["expert"] and expert["units"] == []


def test_me_counts_a_superuser_as_the_province_office(api, people):
    people.resident.is_superuser = True
    people.resident.save(update_fields=["is_superuser"])
    assert api.get("/me", people.resident).json()["roles"] == ["province_office", "resident"]


def test_the_browser_session_can_read(client, people, reform_factory):
    draft = reform_factory(status=Status.DRAFT)
    client.force_login(people.unit_staff)
    assert client.get("/api/v1/me").json()["username"] == "unit_staff"
    codes = [item["code"] for item in client.get("/api/v1/reforms").json()["items"]]
    assert draft.code in codes  # the session user sees the unit's drafts, not just the public list


def test_a_session_write_needs_the_csrf_token(people, reform_factory):
    reform = reform_factory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.unit_staff)
    url = f"/api/v1/reforms/{reform.pk}"
    refused = browser.patch(url, '{"goals": "新目标"}', content_type="application/json")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail", "errors"}
    reform.refresh_from_db()
    assert reform.goals != "新目标"

    # What a page gives its scripts: the CSRF cookie and the (masked) token from {% csrf_token %}.
    request = RequestFactory().get("/")
    token = get_token(request)
    browser.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    accepted = browser.patch(
        url, '{"goals": "新目标"}', content_type="application/json", headers={"x-csrftoken": token}
    )
    assert accepted.status_code == 200, accepted.content
    reform.refresh_from_db()
    assert reform.goals == "新目标"


def test_a_token_write_needs_no_csrf_token(api, people, reform_factory):
    reform = reform_factory()
    api.client = Client(enforce_csrf_checks=True)
    response = api.patch(f"/reforms/{reform.pk}", people.unit_staff, {"goals": "新目标"})
    assert response.status_code == 200
    assert Reform.objects.get(pk=reform.pk).goals == "新目标"


def test_anonymous_writes_are_401_before_the_body_is_looked_at(api, people, reform_factory):
    reform = reform_factory()
    assert api.post("/reforms", body={"nonsense": True}).status_code == 401
    assert api.patch(f"/reforms/{reform.pk}", body={"progress": "lots"}).status_code == 401
    assert api.post(f"/reforms/{reform.pk}/transition", body={"status": "completed"}).status_code == 401
    assert api.patch("/reforms/999999", body={}).status_code == 401
