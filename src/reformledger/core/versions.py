"""The versions of the cache's scopes: written by every audited write, read by every cached lookup.

A scope's version is the audit sequence number of the last write that touched it
(:class:`~reformledger.core.models.CacheVersion`; ``core.cache`` explains the scopes). Writes record
them in their own transaction, while they hold the audit chain's head (``core.audit``), with the
number of one of their entries: versions are therefore numbered in the order their writes committed.

A request reads every version once, at its first lookup, and keeps them for the rest of the request:
one consistent set, none newer than the rows it reads afterwards (a value is never kept under a
version newer than its content). A province at work has about 1,100 versions, and reading them all
cost about a millisecond on every signed-in request. So each process keeps the last set it read
outside a transaction, with the chain's head ``H`` it was read at (ADR 0054; inside a transaction
every version is read, as before). A request reads, in one statement (one snapshot of the
database), the head, the hash of entry ``H`` (so a restored or flushed database, whose chain
differs, is noticed and read whole) and only the versions above ``H``: every version at most ``H``
was committed when the kept set was read, and is in it. The kept set with those few rows is
exactly the set a whole read would have returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from itertools import repeat
from typing import Any, NamedTuple

from django.db import connections, transaction

from .models import AuditEntry, AuditHead, CacheVersion
from .store import store


class Snapshot(NamedTuple):
    """Every version, as read at the chain's head ``seq`` (whose last hash is ``last_hash``)."""

    seq: int
    last_hash: str
    versions: dict[str, int]


#: The last set of versions this process read outside a transaction (never changed once made: a
#: newer read makes a new one).
_kept: Snapshot | None = None

#: The versions read during the current request (see :class:`DataVersionMiddleware`): a request
#: reads the versions once, however many cached values it looks up. ``None`` outside a request
#: (commands, tests calling selectors directly): every lookup reads the database.
_request_versions: ContextVar[dict[str, Any] | None] = ContextVar("reformledger_data_version", default=None)


def bump(scopes: Iterable[str], seq: int) -> None:
    """Record ``seq`` as the version of each scope (inside the writer's transaction, which holds the
    audit chain's head)."""
    scopes = set(scopes)
    rows = [CacheVersion(scope=scope, seq=seq) for scope in sorted(scopes)]
    if rows:
        CacheVersion.objects.bulk_create(rows, update_conflicts=True, unique_fields=["scope"], update_fields=["seq"])
    forget_data_version(scopes)


def _statement(since: Snapshot | None) -> tuple[str, list[Any]]:
    """One statement: the versions above ``since.seq``, the head (scope NULL) and the hash of entry
    ``since.seq`` (scope ``#``); or, without ``since``, every version and the head."""
    q = connections[CacheVersion.objects.db].ops.quote_name
    versions = f"SELECT {q('scope')}, {q('seq')}, NULL FROM {q(CacheVersion._meta.db_table)}"  # noqa: S608 - names are ours
    head = f"SELECT NULL, {q('seq')}, {q('last_hash')} FROM {q(AuditHead._meta.db_table)} WHERE {q('id')} = 1"  # noqa: S608 - names are ours
    if since is None:
        return f"{versions} UNION ALL {head}", []
    anchor = f"SELECT '#', {q('seq')}, {q('entry_hash')} FROM {q(AuditEntry._meta.db_table)} WHERE {q('seq')} = %s"  # noqa: S608 - names are ours
    return f"{versions} WHERE {q('seq')} > %s UNION ALL {head} UNION ALL {anchor}", [since.seq, since.seq]


def _read(since: Snapshot | None) -> Snapshot | None:
    """The versions as of now, from ``since`` and what changed after it; ``None`` when the chain
    is not the one ``since`` was read from (a restored or flushed database)."""
    with connections[CacheVersion.objects.db].cursor() as cursor:
        cursor.execute(*_statement(since))
        rows = cursor.fetchall()
    seq, last_hash = next(((int(seq), str(last)) for scope, seq, last in rows if scope is None), (0, ""))
    changed = {str(scope): int(seq) for scope, seq, _last in rows if scope is not None and scope != "#"}
    if since is None:
        return Snapshot(seq, last_hash, changed)
    anchor = next((str(last) for scope, _seq, last in rows if scope == "#"), None)
    if seq < since.seq or (since.seq and anchor != since.last_hash):
        return None
    return Snapshot(seq, last_hash, since.versions | changed if changed else since.versions)


def current_snapshot() -> Snapshot:
    """Every version as of now: what this process kept and the few written since (see above)."""
    global _kept
    kept = _kept
    if connections[CacheVersion.objects.db].in_atomic_block:
        # Inside a transaction (a write's, a test's): read what changed since the kept set, but keep
        # nothing. It sees its own uncommitted versions, and a test's database is rolled back under
        # the kept set (then the chain no longer holds the kept head's entry: read whole).
        inside = (_read(kept) if kept is not None else None) or _read(None)
        assert inside is not None
        return inside
    snapshot = _read(kept) if kept is not None else None
    if snapshot is None:
        if kept is not None:  # not the database the kept versions (and the near copies) came from
            store.forget_database()
        snapshot = _read(None)
    assert snapshot is not None
    # Read in autocommit: committed versions only. Any committed set is a correct base; threads
    # racing here only make the next read's few rows a few more.
    _kept = snapshot
    return snapshot


def _request_snapshot() -> tuple[dict[str, int], int]:
    """The versions and the chain's head: in a request, as read at its first lookup (and again
    after a write of its own, :func:`forget_data_version`); outside one, as of now."""
    memo = _request_versions.get()
    if memo is not None and "scopes" in memo:
        return memo["scopes"], memo["head"]
    snapshot = current_snapshot()
    if memo is not None:
        memo["scopes"], memo["head"] = snapshot.versions, snapshot.seq
    return snapshot.versions, snapshot.seq


def read_versions(scopes: Iterable[str]) -> tuple[int, ...]:
    """The version of each scope (0 for a scope no write has touched yet)."""
    known, _head = _request_snapshot()
    return tuple(map(known.get, scopes, repeat(0)))


def data_version() -> int:
    """The audit chain's length: it grows with every audited write (the version of everything)."""
    return _request_snapshot()[1]


def forget_data_version(scopes: Iterable[str] = ("*",)) -> None:
    """Called by every audited write with the scopes it bumped: the rest of the request reads the
    new versions.

    Until the write's transaction commits, the request caches nothing that depends on those scopes:
    a value computed from uncommitted rows must not be stored under a version number that a
    rollback would hand to another write. Values of scopes the write did not touch (the
    organisation, during a progress report) are still read from and kept in the cache: their rows
    are the committed ones.
    """
    memo = _request_versions.get()
    if memo is not None:
        pending = memo.get("uncommitted") or set()
        memo.clear()
        memo["uncommitted"] = pending | set(scopes)
        if not pending:
            transaction.on_commit(lambda: memo.pop("uncommitted", None))


def caching_allowed(scopes: Iterable[str] | None = None) -> bool:
    """Whether a value of ``scopes`` (``None``: of anything) may be read from and kept in the cache
    now: always, unless a write of this request has not committed yet and bumped one of them."""
    memo = _request_versions.get()
    pending = memo.get("uncommitted") if memo else None
    if not pending:
        return True
    if scopes is None or "*" in pending:
        return False
    return bool(pending.isdisjoint(scopes))


def request_memo() -> dict[str, Any] | None:
    """What the current request remembers (versions, values fetched once), ``None`` outside a request."""
    return _request_versions.get()


class DataVersionMiddleware:
    """Remember the versions read for the length of one request (one query per set, not per lookup)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _request_versions.set({})
        store.defer_writes()  # the cache's writes wait until the response is sent (core.store)
        try:
            return self.get_response(request)
        finally:
            _request_versions.reset(token)
