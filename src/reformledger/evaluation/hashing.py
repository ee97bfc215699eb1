"""Keyed hashes of what identifies a rater or a sender (pure: no database).

One helper for every identifier the evaluation keeps only as a hash: a resident's mobile number or
e-mail address, a rating code, the address and the device (user agent) a rating came from. Each is
an HMAC-SHA256 under the installation's ``SECRET_KEY``, with a salt per purpose, so the same text
hashes differently as a code and as an address, and nothing can be recomputed (or a 10-character
code guessed offline) from the database alone. Rotating ``SECRET_KEY`` makes every stored hash
unmatchable: residents verify again, unused codes stop working (say so before rotating).
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

SALT = "reformledger.evaluation."

IDENTIFIER = "identifier"
CODE = "code"
ADDRESS = "address"
DEVICE = "device"


def keyed_hash(purpose: str, value: str) -> str:
    """The hex HMAC-SHA256 of ``value`` for ``purpose`` (64 characters)."""
    return salted_hmac(SALT + purpose, value, algorithm="sha256").hexdigest()


def code_hash(code: str) -> str:
    """The hash of a rating code as :func:`normalise_code` spells it."""
    return keyed_hash(CODE, normalise_code(code))


def address_hash(address: str) -> str:
    return keyed_hash(ADDRESS, address.strip()) if address and address.strip() else ""


def device_hash(device: str) -> str:
    return keyed_hash(DEVICE, device.strip()[:500]) if device and device.strip() else ""


def normalise_code(code: str) -> str:
    """A code as typed (``abcde-fghjk``, with spaces) as it was printed (``ABCDEFGHJK``)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())
