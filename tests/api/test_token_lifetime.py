"""API tokens expire and die with their owner's password (issue 9, finding 5; ADR 0028)."""

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from reformledger.core.admin import ApiTokenAdmin
from reformledger.core.models import ApiToken
from reformledger.core.tokens import create_token


def test_a_token_lasts_ninety_days_by_default(api, people):
    create_token(user=people.office)
    token = ApiToken.objects.get()
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)


def test_an_expired_token_is_401_with_a_clear_message(api, people):
    key = create_token(user=people.office)
    assert api.get("/me", token=key).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api.get("/me", token=key)
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired. Ask the reform office for a new one."
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/reforms", token=key).status_code == 401  # not a silent public view either


def test_a_token_dies_when_its_owners_password_changes(api, people):
    key = create_token(user=people.unit_staff)
    assert api.get("/me", token=key).status_code == 200
    people.unit_staff.set_password("a-new-password-for-sure")
    people.unit_staff.save()
    response = api.get("/me", token=key)
    assert response.status_code == 401
    assert "password changed" in response.json()["detail"]
    # A new token, made under the new password, works.
    assert api.get("/me", token=create_token(user=people.unit_staff)).status_code == 200


def test_a_token_survives_other_changes_to_its_owner(api, people):
    key = create_token(user=people.unit_staff)
    people.unit_staff.first_name = "改名"
    people.unit_staff.save()
    assert api.get("/me", token=key).status_code == 200


def test_create_token_takes_days_and_says_how_long(people):
    out, err = io.StringIO(), io.StringIO()
    call_command("create-token", "office", "--days", "7", stdout=out, stderr=err)
    assert out.getvalue().strip().startswith("rl_")  # the token alone on stdout, for scripts
    assert "7 days" in err.getvalue()
    token = ApiToken.objects.get()
    assert dt.timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=7)


def test_the_admin_cannot_extend_a_token():
    assert "expires_at" in ApiTokenAdmin.readonly_fields
