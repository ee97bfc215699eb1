"""The audit chain's anchor: its head (sequence and hash) at a moment, signed, kept outside the database.

The chain alone cannot tell when someone with write access to the database removes the newest
entries and rewinds the head, or rewrites history and recomputes every hash after it. An anchor is
the head at a moment, signed with HMAC-SHA256 under a key the database never holds
(``AUDIT_ANCHOR_KEY``, from the environment), that the operator keeps elsewhere: another machine, a
printed bulletin. Checking the chain against an anchor asks whether the chain still holds that entry
with that hash: a cut tail or a history rewritten before the anchor no longer does (ADR 0027).

One chain per installation, across every district: an anchor covers all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import GENESIS_HASH, ChainProblem
from .models import AuditEntry, AuditHead

#: The anchor document's format (its ``format`` field).
FORMAT = "reformledger-audit-anchor/1"
#: The shortest key ``audit-anchor`` accepts (characters).
KEY_MIN_LENGTH = 32
_FIELDS = ("format", "seq", "hash", "time", "hmac")


class AnchorError(Exception):
    """An anchor cannot be made or read: no key, or a document that is not an anchor."""


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at ``time``: entry ``seq`` with hash ``hash``; ``hmac`` is the hex
    HMAC-SHA256 of :meth:`message` under the anchor key, empty when no key was set."""

    seq: int
    hash: str
    time: str  # ISO 8601, UTC, to the second
    hmac: str = ""

    def message(self) -> bytes:
        """What is signed: the canonical JSON of the format, the sequence, the hash and the time."""
        body = {"format": FORMAT, "seq": self.seq, "hash": self.hash, "time": self.time}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    @property
    def taken_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.time)

    def document(self) -> str:
        """The anchor as the operator keeps it: a small JSON document."""
        body = {"format": FORMAT, "seq": self.seq, "hash": self.hash, "time": self.time, "hmac": self.hmac}
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """An anchor from :meth:`document`'s text; :class:`AnchorError` naming what is wrong."""
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise AnchorError(_("The anchor is not JSON: %(error)s") % {"error": exc}) from exc
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise AnchorError(_("This is not an audit anchor (format %(format)s expected).") % {"format": FORMAT})
        missing = [name for name in _FIELDS if name not in body]
        if missing:
            raise AnchorError(_("The anchor lacks %(fields)s.") % {"fields": ", ".join(missing)})
        seq, digest, time, mac = body["seq"], body["hash"], body["time"], body["hmac"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise AnchorError(_("The anchor's seq is not a sequence number."))
        if not all(isinstance(value, str) for value in (digest, time, mac)):
            raise AnchorError(_("The anchor's hash, time and hmac must be text."))
        try:
            dt.datetime.fromisoformat(time)
        except ValueError as exc:
            raise AnchorError(_("The anchor's time is not a date and time.")) from exc
        return cls(seq=seq, hash=digest, time=time, hmac=mac)


def anchor_key() -> bytes | None:
    """The signing key (``AUDIT_ANCHOR_KEY``, from the environment), or None when it is not set."""
    key = getattr(settings, "AUDIT_ANCHOR_KEY", "")
    return key.encode() if key else None


def require_key() -> bytes:
    """The signing key; :class:`AnchorError` saying how to set it when it is not set."""
    key = anchor_key()
    if key is None:
        raise AnchorError(
            _("Set AUDIT_ANCHOR_KEY in the environment (at least %(n)d characters) to sign or check an anchor.")
            % {"n": KEY_MIN_LENGTH}
        )
    return key


def sign(anchor: Anchor, key: bytes) -> str:
    return hmac.new(key, anchor.message(), hashlib.sha256).hexdigest()


def take_anchor(*, key: bytes | None) -> Anchor:
    """The chain's head now, signed with ``key`` when one is given."""
    head = AuditHead.objects.filter(pk=1).first()
    seq, digest = (head.seq, head.last_hash) if head is not None else (0, GENESIS_HASH)
    anchor = Anchor(seq=seq, hash=digest, time=timezone.now().astimezone(dt.UTC).replace(microsecond=0).isoformat())
    return replace(anchor, hmac=sign(anchor, key)) if key else anchor


def current_anchor() -> Anchor:
    """The head now for a document (the monthly bulletin): signed when ``AUDIT_ANCHOR_KEY`` is set."""
    return take_anchor(key=anchor_key())


def head_problem(anchor: Anchor) -> ChainProblem | None:
    """Why the head taken in ``anchor`` is not the chain's last entry, if it is not (nothing to anchor)."""
    if anchor.seq == 0:
        return None if anchor.hash == GENESIS_HASH else ChainProblem(0, _("The chain head is empty but has a hash."))
    last = AuditEntry.objects.filter(seq=anchor.seq).values_list("entry_hash", flat=True).first()
    if last != anchor.hash:
        return ChainProblem(anchor.seq, _("The chain head does not match entry #%(seq)d.") % {"seq": anchor.seq})
    return None


def check_anchor(anchor: Anchor, *, key: bytes) -> list[ChainProblem]:
    """What is wrong between the chain and a kept anchor; empty when the chain still holds it."""
    if not anchor.hmac or not hmac.compare_digest(sign(anchor, key), anchor.hmac):
        return [ChainProblem(anchor.seq, _("The anchor's signature does not match: the file was altered, or signed with another key."))]
    if anchor.seq == 0:
        return [] if anchor.hash == GENESIS_HASH else [ChainProblem(0, _("The anchor of an empty chain has a hash."))]
    stored = AuditEntry.objects.filter(seq=anchor.seq).values_list("entry_hash", flat=True).first()
    values = {"seq": anchor.seq, "time": anchor.time}
    if stored is None:
        return [ChainProblem(anchor.seq, _("Entry #%(seq)d, anchored at %(time)s, is missing: the log was cut back.") % values)]
    if stored != anchor.hash:
        return [
            ChainProblem(
                anchor.seq,
                _("Entry #%(seq)d no longer has the hash anchored at %(time)s: history up to it was rewritten.") % values,
            )
        ]
    return []
