"""Append to and verify the hash-chained audit trail.

Every service calls :func:`log_action` inside its transaction. The chain's head row is locked
for the append, so concurrent writers queue up and the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .bulk import insert_new
from .cache import write_scopes
from .models import AuditEntry, AuditHead
from .versions import bump

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

GENESIS_HASH = "0" * 64


#: Types stored as they are (checked by exact type first: most values are of these).
_NATIVE = frozenset({str, int, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    """A value as the audit trail stores it: JSON-native, so it hashes the same after a round trip."""
    kind = type(value)
    if kind in _NATIVE:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _NATIVE else to_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [to_jsonable(v) for v in value]
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose values differ."""
    out = {}
    for key in after:
        old, new = to_jsonable(before.get(key)), to_jsonable(after[key])
        if old != new:
            out[key] = [old, new]
    return out


#: The hash formula new entries are written with (``AuditEntry.hash_version``).
HASH_VERSION = 2


def _payload(entry: AuditEntry) -> bytes:
    """The entry's canonical JSON: only values stored in the entry itself (ADR 0027).

    Formula 1 (entries written before the actor was copied in) hashes the actor's id, read from the
    copy; formula 2 also hashes the actor's display name and its own number. ``actor_id`` (the join,
    nulled when a person is deleted) is never read.
    """
    body: dict[str, Any] = {
        "seq": entry.seq,
        "created_at": to_jsonable(entry.created_at),
        "actor_id": entry.actor_id_copy,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    if entry.hash_version != 1:
        body |= {"v": entry.hash_version, "actor_display": entry.actor_display}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_payload(entry)).hexdigest()


@dataclass(frozen=True)
class Change:
    """One write to record: ``action`` on ``obj`` with ``changes`` ({field: [before, after]})."""

    action: str
    obj: models.Model
    changes: Mapping[str, Any]


def _object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def log_actions(actor: AbstractBaseUser | AnonymousUser | None, items: Iterable[Change]) -> list[AuditEntry]:
    """Append several entries in one go (one lock, one bulk insert, one upsert of the versions).

    The entries are known by their ``seq``: a large append goes through COPY on PostgreSQL, which
    leaves their ``pk`` unset (``core.bulk``).

    The versions are written here, under the head's lock, with this append's last number: so they
    are numbered in commit order, which ``core.versions`` relies on to read only those written since
    a process last read them (ADR 0054). Never write a version anywhere else."""
    items = list(items)
    if not items:
        return []
    with transaction.atomic():
        # The head row is made by a migration; get_or_create covers a database flushed by tests.
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        now = timezone.now()
        actor_id = getattr(actor, "pk", None)
        actor_name = actor.get_username() if actor is not None and actor_id else ""
        actor_display = str(actor)[:150] if actor is not None and actor_id else ""
        entries = []
        scopes: set[str] = set()
        for item in items:
            scopes |= write_scopes(item.obj, item.changes, action=item.action)
            head.seq += 1
            entry = AuditEntry(
                seq=head.seq,
                created_at=now,
                actor_id=actor_id,
                actor_id_copy=actor_id,
                actor_name=actor_name,
                actor_display=actor_display,
                hash_version=HASH_VERSION,
                action=item.action,
                object_type=_object_type(item.obj),
                object_id=str(item.obj.pk),
                object_repr=str(item.obj)[:300],
                changes=to_jsonable(item.changes),
                prev_hash=head.last_hash,
            )
            entry.entry_hash = compute_hash(entry)
            head.last_hash = entry.entry_hash
            entries.append(entry)
        insert_new(AuditEntry, entries)
        head.save(update_fields=["seq", "last_hash"])
        # The versions of what these entries changed (core.cache): pages built from other
        # districts' work stay cached.
        bump(scopes, head.seq)
    return entries


def record_moved(entry: AuditEntry, scopes: Iterable[str]) -> None:
    """Bump ``scopes`` to ``entry``'s number: for a write audited by a quiet action of a work family
    (``core.cache.register_work_family``) that turned out to move what the family stands for.

    Call it in the transaction that appended ``entry``, after its last append: that transaction
    holds the chain's head until it ends, so the number is its own (no other write's state is ever
    kept under it) and the versions are locked after the head, in the order every append takes
    them (no deadlock). Refused otherwise.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_moved() must run in the transaction that appended the entry")
    head = AuditHead.objects.select_for_update().filter(pk=1).values_list("seq", flat=True).first()
    if head != entry.seq:
        raise RuntimeError("record_moved() must follow the last append of its transaction")
    bump(scopes, entry.seq)


def log_action(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry for ``action`` on ``obj`` by ``actor`` (None for the system)."""
    return log_actions(actor, [Change(action, obj, changes or {})])[0]


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    message: str


def verify_chain(chunk_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every break in the chain, first to last; yields nothing when the log is intact."""
    prev_hash, expected_seq = GENESIS_HASH, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, f"entry #{expected_seq} is missing (next present is #{entry.seq})")
        if entry.prev_hash != prev_hash:
            yield ChainProblem(entry.seq, f"entry #{entry.seq} does not follow the entry before it")
        if compute_hash(entry) != entry.entry_hash:
            yield ChainProblem(entry.seq, f"entry #{entry.seq} was altered after it was written")
        prev_hash, expected_seq = entry.entry_hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        yield ChainProblem(None, "the chain head is missing")
    elif head.seq != expected_seq - 1 or head.last_hash != prev_hash:
        yield ChainProblem(
            expected_seq, f"the log ends at #{expected_seq - 1} but the head records #{head.seq}: entries were removed"
        )


def history_of(obj: models.Model) -> QuerySet[AuditEntry]:
    """The audit entries of one object, newest first."""
    return AuditEntry.objects.filter(object_type=_object_type(obj), object_id=str(obj.pk)).order_by("-seq")
