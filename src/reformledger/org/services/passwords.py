"""Passwords: nobody sets another person's password to a value they then know without a trace.

- A person changes their own (with the old one) or resets it by an e-mail link (:func:`set_own_password`).
- The reform office may issue a one-time password for a person of its district
  (:func:`issue_one_time_password`): shown once to the office member, audited without the value, told
  to the person (inbox, e-mail), and the person must replace it at the next sign-in
  (``User.must_change_password``, enforced by ``org.middleware``). ADR 0026.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.core.registry import PersonNotice, notify_person

from ..models import User

#: Letters and digits that cannot be misread on a screen or over the phone (no 0/O, 1/l/I).
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REDACTED = "<redacted>"
#: What the person is told when someone else gave them a one-time password (never the password).
ONE_TIME_SUBJECT = gettext_lazy("A one-time password was issued for your account")
ONE_TIME_TEXT = gettext_lazy(
    "%(by)s issued a one-time password for your account. You will choose your own password when you next "
    "sign in. If you did not ask for this, tell the reform office at once."
)


def one_time_password() -> str:
    """Three groups of four (``k7Pq-x3Mz-R9tw``): 67 bits, with letters and digits, easy to read out."""
    while True:
        text = "".join(secrets.choice(ALPHABET) for _ in range(12))
        if any(c.isdigit() for c in text) and any(c.isalpha() for c in text):
            return "-".join(text[i : i + 4] for i in range(0, 12, 4))


def tell(
    person: User, *, by: User, key: str, subject: Promise, text: Promise, values: dict[str, str] | None = None,
    also_email: str = "",
) -> None:
    """Tell ``person`` about their account (inbox, e-mail where they have one: ``core.registry``),
    in the site's language: the message goes to a mailbox whose reader's language is unknown."""
    district_ids = sorted(d for d in person.memberships.values_list("unit__district_id", flat=True) if d)
    if not district_ids:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify_person(PersonNotice(person=person, district_id=district_ids[0], subject=str(subject),
                                   text=str(text) % (values or {}), sender=by, key=key, also_email=also_email))


@transaction.atomic
def issue_one_time_password(*, user: User, person: User) -> str:
    """A one-time password for ``person``, returned to be shown once; they must replace it."""
    require(user, "org.reset_password", person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("This person is deactivated: reactivate them first."))
    password = one_time_password()
    person.set_password(password)
    was = person.must_change_password
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    entry = log_action(user, "person.one_time_password", person,
                       {"password": [REDACTED, REDACTED], "must_change_password": [was, True]})
    tell(person, by=user, key=f"account:password:{entry.seq}", subject=ONE_TIME_SUBJECT, text=ONE_TIME_TEXT,
         values={"by": str(user)})
    return password


@transaction.atomic
def set_own_password(*, user: User, password: str, by_link: bool = False) -> None:
    """``user`` sets their own password (the form checked the old one, or the e-mail link proved
    who they are); a one-time password given to them is replaced."""
    require(user, "org.change_own_password", user)
    user.set_password(password)
    was = user.must_change_password
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    log_action(user, "person.password_reset_by_link" if by_link else "person.password_change", user,
               {"password": [REDACTED, REDACTED], "must_change_password": [was, False]})
