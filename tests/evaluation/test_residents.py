"""Residents: a one-time code (hashed, short-lived, limited tries and sends), then the account, the
resident (keyed hash of the identifier; the contact only if agreed) and the resident role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reformledger.core.models import AuditEntry
from reformledger.evaluation.identity import read_identifier
from reformledger.evaluation.models import Resident, VerificationCode
from reformledger.evaluation.services import residents as resident_services
from reformledger.org.models import Membership, Role, User
from tests.evaluation.ratings_fixtures import *  # noqa: F403 - the fixtures of rounds, residents and ratings

pytestmark = pytest.mark.django_db

ACCOUNT = resident_services.NewAccount(username="newcomer", password="a-long-Passphrase-42")


def test_sign_up_with_a_mobile_number(sent_codes, district):
    ident = resident_services.send_code(identifier="+86 138-0013-8000", address="10.1.1.1")
    assert ident.value == "13800138000" and ident.masked == "138****8000"
    (value, code), = sent_codes
    stored = VerificationCode.objects.get()
    assert code not in stored.code_hash and stored.expires_at <= timezone.now() + dt.timedelta(minutes=10)
    resident = resident_services.verify_resident(
        user=None, identifier="13800138000", code=code, community=district.community_a, keep_contact=False, account=ACCOUNT,
    )
    assert resident.user.username == "newcomer" and resident.user.check_password(ACCOUNT.password)
    assert resident.contact == "" and "13800138000" not in resident.identifier_hash and resident.verified_at
    assert Membership.objects.filter(user=resident.user, role=Role.RESIDENT, unit=district.community_a).exists()
    assert AuditEntry.objects.filter(action="resident.verify").exists()
    # The code is spent; the same number cannot become a second resident.
    resident_services.send_code(identifier="13800138000", address=None)
    other = resident_services.NewAccount(username="second", password="another-Passphrase-42")
    with pytest.raises(ValidationError) as caught:
        resident_services.verify_resident(
            user=None, identifier="13800138000", code=sent_codes[-1][1], community=district.community_a, keep_contact=True, account=other,
        )
    assert "identifier" in caught.value.message_dict
    assert not User.objects.filter(username="second").exists()


def test_a_signed_in_person_verifies_an_email_and_keeps_the_contact(sent_codes, people, district):
    resident_services.send_code(identifier="Zhang.San@Example.ORG", address=None)
    resident = resident_services.verify_resident(
        user=people.resident, identifier="zhang.san@example.org", code=sent_codes[0][1], community=district.community_a, keep_contact=True,
    )
    assert resident.contact == "zhang.san@example.org" and resident.user == people.resident
    assert Resident.objects.get(user=people.resident).identifier_hash == read_identifier("ZHANG.SAN@example.org").hashed


def test_wrong_codes_are_counted_and_the_code_dies(sent_codes, district):
    resident_services.send_code(identifier="13900139000", address=None)
    for _i in range(resident_services.MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            resident_services.verify_resident(
                user=None, identifier="13900139000", code="000000" if sent_codes[0][1] != "000000" else "111111",
                community=district.community_a, keep_contact=False, account=ACCOUNT,
            )
    assert VerificationCode.objects.get().attempts == resident_services.MAX_ATTEMPTS
    with pytest.raises(ValidationError) as caught:
        resident_services.verify_resident(
            user=None, identifier="13900139000", code=sent_codes[0][1], community=district.community_a, keep_contact=False, account=ACCOUNT,
        )
    assert "code" in caught.value.message_dict


def test_an_expired_code_is_refused(sent_codes, district):
    resident_services.send_code(identifier="13700137000", address=None)
    VerificationCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        resident_services.verify_resident(
            user=None, identifier="13700137000", code=sent_codes[0][1], community=district.community_a, keep_contact=False, account=ACCOUNT,
        )


def test_sends_are_limited_per_identifier_and_address(sent_codes):
    for _i in range(resident_services.CODES_PER_IDENTIFIER):
        resident_services.send_code(identifier="13600136000", address="10.9.9.9")
    with pytest.raises(ValidationError):
        resident_services.send_code(identifier="13600136000", address="10.9.9.10")
    for i in range(resident_services.CODES_PER_ADDRESS - resident_services.CODES_PER_IDENTIFIER):
        resident_services.send_code(identifier=f"135{i:08d}", address="10.9.9.9")
    with pytest.raises(ValidationError):
        resident_services.send_code(identifier="13400134000", address="10.9.9.9")


@pytest.mark.parametrize("raw", ["", "12345", "not-an-email@", "2" * 11, "a" * 300])
def test_bad_identifiers(raw):
    with pytest.raises(ValidationError) as caught:
        read_identifier(raw)
    assert "identifier" in caught.value.message_dict


def test_the_email_backend_refuses_a_mobile(settings, mailoutbox=None):
    settings.EVALUATION_CODE_SENDER = "reformledger.evaluation.senders.EmailSender"
    with pytest.raises(ValidationError):
        resident_services.send_code(identifier="13300133000", address=None)
    resident_services.send_code(identifier="li@example.org", address=None)
