"""Sending a one-time code: a pluggable backend, chosen by ``settings.EVALUATION_CODE_SENDER``
(a dotted path to a class with ``send(*, identifier, code, minutes)``).

* :class:`ConsoleSender` (the default, and the demo's): writes the code to the server's console
  and log; for trying Reform Ledger out, never for residents.
* :class:`EmailSender`: e-mail through Django's mail settings (``EMAIL_*``); refuses mobile numbers.

A province plugs its SMS gateway by writing a class with the same ``send`` (calling the gateway's
HTTP API, raising :class:`CodeNotSent` when it refuses) and setting the dotted path in the
environment: see ``docs/guide/residents.md``.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .identity import EMAIL, Identifier

logger = logging.getLogger("reformledger.evaluation.codes")

DEFAULT_SENDER = "reformledger.evaluation.senders.ConsoleSender"


class CodeNotSent(Exception):
    """The backend could not send the code (the message is shown to the person)."""


class CodeSender(Protocol):
    def send(self, *, identifier: Identifier, code: str, minutes: int) -> None: ...


class ConsoleSender:
    """Prints the code (and logs it): the demo's backend."""

    def send(self, *, identifier: Identifier, code: str, minutes: int) -> None:
        line = f"[reformledger] one-time code for {identifier.masked}: {code} (valid {minutes} min)"
        print(line, file=sys.stdout, flush=True)  # noqa: T201 - the console backend's whole point
        logger.info("one-time code for %s: %s", identifier.masked, code)


class EmailSender:
    """Sends the code by e-mail (Django's mail settings); a mobile number is refused."""

    def send(self, *, identifier: Identifier, code: str, minutes: int) -> None:
        if identifier.kind != EMAIL:
            raise CodeNotSent(_("Codes are sent by e-mail here: give an e-mail address."))
        subject = _("Your verification code: %(code)s") % {"code": code}
        body = _("Your verification code is %(code)s. It is valid for %(minutes)d minutes. If you did not ask for it, ignore this message.") % {
            "code": code, "minutes": minutes,
        }
        try:
            send_mail(subject, body, None, [identifier.value])
        except OSError as exc:
            logger.warning("code e-mail to %s failed: %s", identifier.masked, exc)
            raise CodeNotSent(_("The code could not be sent just now; try again later.")) from exc


def code_sender() -> CodeSender:
    """The configured backend."""
    return import_string(getattr(settings, "EVALUATION_CODE_SENDER", "") or DEFAULT_SENDER)()
