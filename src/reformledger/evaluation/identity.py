"""How a resident's mobile number or e-mail address is read and kept: normalised, then kept only
as a keyed hash (HMAC-SHA256), so that one number is one rater and the database alone does not
give the number back (ADR "keyed hashes of residents' identifiers"). The same key hashes the
one-time codes and the addresses and devices that ratings record. Pure: no database.

The key is ``settings.EVALUATION_IDENTITY_KEY`` when set (a province sets its own, kept apart
from ``SECRET_KEY`` so that rotating the session key does not make every resident new), else one
derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MOBILE = "mobile"
EMAIL = "email"

#: A mainland mobile number: 11 digits starting with 1 (an optional +86 or 0086 before it).
_MOBILE_RE = re.compile(r"^(?:\+?86|0086)?(1\d{10})$")


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier: ``kind`` is ``mobile`` or ``email``; ``value`` what the code is sent to."""

    kind: str
    value: str

    @property
    def hashed(self) -> str:
        return keyed_hash(f"{self.kind}:{self.value}")

    @property
    def masked(self) -> str:
        """What a page may show: ``138****5678``, ``z***@example.org``."""
        if self.kind == MOBILE:
            return f"{self.value[:3]}****{self.value[-4:]}"
        name, _at, domain = self.value.partition("@")
        return f"{name[:1]}***@{domain}"


def read_identifier(raw: str, *, field: str = "identifier") -> Identifier:
    """A mobile number (spaces and dashes allowed) or an e-mail address; ValidationError naming ``field``."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError({field: [_("Give your mobile number or e-mail address.")]})
    if len(text) > 254:
        raise ValidationError({field: [_("This is too long for a mobile number or an e-mail address.")]})
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError({field: [_("This is not a valid e-mail address.")]}) from None
        name, _at, domain = text.rpartition("@")
        return Identifier(EMAIL, f"{name}@{domain.lower()}".lower())
    digits = re.sub(r"[\s\-()]", "", text)
    match = _MOBILE_RE.match(digits)
    if not match:
        raise ValidationError({field: [_("Give an 11-digit mobile number (starting with 1) or an e-mail address.")]})
    return Identifier(MOBILE, match.group(1))


def _key() -> bytes:
    own = getattr(settings, "EVALUATION_IDENTITY_KEY", "")
    if own:
        return own.encode()
    return hashlib.sha256(b"reformledger.evaluation.identity:" + settings.SECRET_KEY.encode()).digest()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` under the installation's identity key (64 hex digits)."""
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def new_code(length: int = 6) -> str:
    """A one-time code of ``length`` digits."""
    return "".join(secrets.choice("0123456789") for _i in range(length))


def same_code(code: str, code_hash: str, *, identifier_hash: str) -> bool:
    """Whether ``code`` is the one hashed for this identifier (constant time)."""
    return hmac.compare_digest(keyed_hash(f"code:{identifier_hash}:{code.strip()}"), code_hash)


def code_hash(code: str, *, identifier_hash: str) -> str:
    return keyed_hash(f"code:{identifier_hash}:{code}")
