"""Residents (群众) sign up with a mobile number or an e-mail address, verified by a one-time code.

1. :func:`send_code` — a code of six digits to the identifier, through the configured backend
   (:mod:`..senders`); stored hashed, valid :data:`CODE_MINUTES` minutes; at most
   :data:`CODES_PER_IDENTIFIER` codes an hour per identifier and :data:`CODES_PER_ADDRESS` per
   address (the codes of the last hour are the counters).
2. :func:`verify_resident` — the code checked (at most :data:`MAX_ATTEMPTS` tries per code, each
   failed try recorded even though nothing else is written), then in one transaction: the account
   (a new one when the visitor signs up; the signed-in person's otherwise), the :class:`Resident`
   (the identifier's keyed hash, the contact only if the resident agrees, the community) and the
   ``resident`` role in that community. Audited.

One identifier is one resident: the hash is unique, so a number already verified for another
account is refused (said only to whoever holds a valid code for it: no one learns from the form
which numbers are registered).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, log_actions
from reformledger.org.models import Membership, Role, Unit, UnitKind, User

from ..hashing import address_hash
from ..identity import Identifier, code_hash, new_code, read_identifier, same_code
from ..models import Resident, VerificationCode
from ..senders import CodeNotSent, code_sender

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
CODES_PER_IDENTIFIER = 5
CODES_PER_ADDRESS = 20
#: Where a resident may live: a community, or a sub-district when they do not know their community.
HOME_KINDS = (UnitKind.COMMUNITY, UnitKind.SUB_DISTRICT)


@dataclass(frozen=True)
class NewAccount:
    """The account a visitor signs up for: a user name and a password they choose."""

    username: str
    password: str
    full_name: str = ""


def send_code(*, identifier: str, address: str | None) -> Identifier:
    """Send a one-time code to ``identifier``; the normalised identifier (its ``masked`` for the page).
    ValidationError naming ``identifier`` when it is not a number or address, when too many codes
    went to it or from this address in the last hour, or when the backend could not send it."""
    ident = read_identifier(identifier)
    sender = address_hash(address or "")
    since = timezone.now() - dt.timedelta(hours=1)
    if VerificationCode.objects.filter(identifier_hash=ident.hashed, created_at__gte=since).count() >= CODES_PER_IDENTIFIER:
        raise ValidationError({"identifier": [_("Too many codes were sent to this number or address: try again in an hour.")]})
    if sender and VerificationCode.objects.filter(address_hash=sender, created_at__gte=since).count() >= CODES_PER_ADDRESS:
        raise ValidationError({"identifier": [_("Too many codes were asked for from your network: try again in an hour.")]})
    code = new_code()
    with transaction.atomic():
        VerificationCode.objects.create(
            identifier_hash=ident.hashed, code_hash=code_hash(code, identifier_hash=ident.hashed), address_hash=sender,
            expires_at=timezone.now() + dt.timedelta(minutes=CODE_MINUTES),
        )
        try:
            code_sender().send(identifier=ident, code=code, minutes=CODE_MINUTES)
        except CodeNotSent as exc:
            raise ValidationError({"identifier": [str(exc)]}) from exc
    return ident


def _check_code(ident: Identifier, code: str) -> VerificationCode:
    """The live code just given, spent; ValidationError naming ``code`` otherwise (a wrong try is
    counted and kept: this runs in its own transaction, before the resident is written)."""
    error: ValidationError | None = None
    with transaction.atomic():
        sent = (
            VerificationCode.objects.select_for_update()
            .filter(identifier_hash=ident.hashed, used_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if sent is None or sent.expires_at <= timezone.now():
            raise ValidationError({"code": [_("This code has expired or was never sent: ask for a new one.")]})
        if sent.attempts >= MAX_ATTEMPTS:
            raise ValidationError({"code": [_("Too many wrong tries: ask for a new code.")]})
        if not same_code(code or "", sent.code_hash, identifier_hash=ident.hashed):
            VerificationCode.objects.filter(pk=sent.pk).update(attempts=sent.attempts + 1)
            left = MAX_ATTEMPTS - sent.attempts - 1
            error = ValidationError({"code": [_("This is not the code we sent (%(left)d tries left).") % {"left": left}]})
    if error is not None:  # raised after the block, so the counted try is committed
        raise error
    return sent


def _check_home(community: Unit | None) -> Unit:
    if community is None or community.kind not in HOME_KINDS or not community.is_active:
        raise ValidationError({"community": [_("Choose the community (or sub-district) you live in.")]})
    return community


def _new_user(account: NewAccount) -> User:
    username = (account.username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken: choose another.")]
    person = User(username=username, full_name=(account.full_name or "").strip()[:100])
    try:
        validate_password(account.password, person)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    person.set_password(account.password)
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError({k: v for k, v in exc.message_dict.items()}) from None
    person.save()
    return person


def verify_resident(
    *, user: User | None, identifier: str, code: str, community: Unit | None, keep_contact: bool,
    address: str | None = None, account: NewAccount | None = None,
) -> Resident:
    """Check ``code`` for ``identifier`` and make the person a verified resident of ``community``:
    ``user`` when signed in (a person already verified is refused), else a new account
    (``account``). ``keep_contact``: the resident agrees that the office keeps the number or address
    to contact them; otherwise only its keyed hash is kept."""
    ident = read_identifier(identifier)
    home = _check_home(community)
    if user is None and account is None:
        raise ValidationError({"username": [_("Choose a user name and a password for your account.")]})
    if user is not None and Resident.objects.filter(user=user).exists():
        raise ValidationError({"identifier": [_("Your account is verified already.")]})
    _check_code(ident, code)
    try:
        with transaction.atomic():
            person = user if user is not None else _new_user(account)  # type: ignore[arg-type]
            resident = Resident.objects.create(
                user=person, identifier_hash=ident.hashed, contact=ident.value if keep_contact else "",
                community=home, verified_at=timezone.now(),
            )
            VerificationCode.objects.filter(identifier_hash=ident.hashed, used_at__isnull=True).update(used_at=timezone.now())
            membership, made = Membership.objects.get_or_create(user=person, unit=home, role=Role.RESIDENT, defaults={"title": ""})
            changes = [
                Change("resident.verify", resident, {
                    "person": [None, person.get_username()], "community": [None, home.pk],
                    "kind": [None, ident.kind], "contact_kept": [None, bool(keep_contact)],
                }),
            ]
            if made:
                changes.append(Change("membership.add", membership, {
                    "person": [None, person.get_username()], "role": [None, Role.RESIDENT], "unit": [None, home.pk],
                }))
            log_actions(person, changes)
    except IntegrityError:
        raise ValidationError({"identifier": [_("This number or address is already verified for another account.")]}) from None
    if user is not None:
        user.__dict__.pop("_verified_resident", None)  # rules.verified_resident's memo of "not yet"
    return resident
