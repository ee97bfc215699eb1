"""Keyed hashes of what identifies a rater or a sender (pure: no database).

What a rating records about where it came from (the address and the device, for the office's
anomaly flags and the rate limits) and the rating codes of printed packs: each kept only as a keyed
hash under the installation's identity key (:func:`.identity.keyed_hash`, the one key of every hash
the evaluation keeps), prefixed by its purpose, so the same text hashes differently as a code and
as an address, the same address hashes alike whichever channel a rating came by, and nothing can be
recomputed (or a 10-character code guessed offline) from the database alone.
"""

from __future__ import annotations

from .identity import keyed_hash as identity_hash

CODE = "rating-code"
ADDRESS = "address"
DEVICE = "device"


def keyed_hash(purpose: str, value: str) -> str:
    """The hex HMAC-SHA256 of ``value`` for ``purpose`` (64 characters)."""
    return identity_hash(f"{purpose}:{value}")


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
