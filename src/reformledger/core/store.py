"""Where the versioned cache keeps its entries (``core.cache``, ``core.fragments``, ``core.late``).

With a per-process cache (``CACHE_IN_MEMORY=1``) this is that cache and nothing more. With a shared
cache — Redis (``REDIS_URL``: several processes, several servers), or by default the server's disk
cache (``core.servercache``: the processes of one server, ADR 0060) — every lookup is a round trip
or a file read, about 0.3 ms to Redis on a virtual machine's loopback, and a page made of parts
makes several (ADR 0057). Two things make
them fewer, and neither can serve anything a lookup in the shared cache would not:

- **a near copy** in each process of what it read and wrote, asked first. Every entry the
  versioned cache keeps is either named by its content (a row's HTML under its row's version, a
  count under its scopes' versions) or carries the versions of what it read and is believed only
  while they stand (``core.cache.if_current``). A copy kept here is the same bytes as the shared
  one was when it was read or written; it is believed by the same test, so it can be older than
  the shared entry but never wrong. A copy that no longer passes the test gives way to the shared
  entry (``get(key, usable=…)``): another process may have computed it afresh since. Its size is bounded in bytes (``NEAR_CACHE_BYTES``, least
  recently used out first), and it is emptied when the database is not the one it was filled from
  (``core.versions`` notices a restored or flushed audit chain), as is the server's disk cache.
- **writes after the response.** Inside a request, what the request computed is written to the
  shared cache when the response has been sent (``request_finished``), in one round trip; the near
  copy has it at once, so the rest of the request (and every later request of this process) reads
  it. Nothing waits for a write that only saves other processes work.

Only the versioned cache uses this: sessions, rate limits and anything else that must be seen by
every process at once keep using the shared cache directly.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished

from .servercache import empty_if_server_cache

logger = logging.getLogger(__name__)

#: Entries larger than this are not copied near (a whole page): one lookup saved for much memory.
NEAR_ENTRY_MAX_BYTES = 128 * 1024


class NearCopies:
    """A bounded, thread-safe map of pickled values with their expiry, least recently used out first."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit = limit_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The value under ``key``, or None when there is none (or it expired)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            raw = entry[1]
        return _loads(raw)

    def put(self, key: str, value: Any, timeout: float) -> None:
        self.put_raw(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), timeout)

    def put_raw(self, key: str, raw: bytes, timeout: float) -> None:
        """Keep ``raw``, a value already pickled (as the shared cache holds it)."""
        if len(raw) > min(NEAR_ENTRY_MAX_BYTES, self.limit):
            with self._lock:
                self._drop(key)
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = (time.monotonic() + timeout, raw)
            self.size += len(raw)
            while self.size > self.limit:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[1])


class _Pending(threading.local):
    """This thread's writes to the shared cache (pickled), waiting for its request's response to be sent."""

    def __init__(self) -> None:
        self.deferring = False
        self.writes: dict[str, tuple[bytes, float]] = {}


#: The shared cache's key version of the entries written here: each is pickled once, by this
#: module, and the same bytes are the near copy and the shared entry (the shared cache's own
#: serializer then only wraps bytes). Another version never reads them as values.
RAW_VERSION = 2


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _loads(raw: bytes) -> Any:
    return pickle.loads(raw)  # noqa: S301 - our own values, pickled by this module


class VersionedStore:
    """The shared cache (``caches["default"]``), with a near copy and writes after the response
    when it is not already a per-process cache (see the module docstring)."""

    def __init__(self) -> None:
        self.near = NearCopies(int(getattr(settings, "NEAR_CACHE_BYTES", 32 * 1024 * 1024)))
        self._pending = _Pending()

    @property
    def shared(self) -> BaseCache:
        return caches["default"]

    def _layered(self) -> bool:
        """Whether the shared cache is another process's (a per-process cache needs no copy)."""
        return not isinstance(self.shared, LocMemCache | DummyCache)

    def get(self, key: str, *, usable: Callable[[Any], bool] | None = None) -> Any:
        """The entry under ``key``, or None. ``usable``: for an entry believed only while the
        versions it carries stand, whether it still is; a near copy that is not gives way to the
        shared entry, which another process may have computed since."""
        if not self._layered():
            return self.shared.get(key)
        near = self.near.get(key)
        if near is not None and (usable is None or usable(near)):
            return near
        waiting = self._pending.writes.get(key)
        if waiting is not None:
            return _loads(waiting[0])
        raw = self.shared.get(key, version=RAW_VERSION)
        if raw is None:
            return near
        self.near.put_raw(key, raw, self._timeout(None))
        return _loads(raw)

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        if not self._layered():
            return dict(self.shared.get_many(keys))
        found: dict[str, Any] = {}
        asked = []
        for key in keys:
            value = self.near.get(key)
            if value is None and key in self._pending.writes:
                value = _loads(self._pending.writes[key][0])
            if value is None:
                asked.append(key)
            else:
                found[key] = value
        if asked:
            seconds = self._timeout(None)
            for key, raw in self.shared.get_many(asked, version=RAW_VERSION).items():
                self.near.put_raw(key, raw, seconds)
                found[key] = _loads(raw)
        return found

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self.set_many({key: value}, timeout)

    def set_many(self, values: Mapping[str, Any], timeout: float | None = None) -> None:
        if not values:
            return
        if not self._layered():
            self.shared.set_many(dict(values), timeout)
            return
        seconds = self._timeout(timeout)
        raws = {key: _dumps(value) for key, value in values.items()}
        for key, raw in raws.items():
            self.near.put_raw(key, raw, seconds)
        if self._pending.deferring:
            self._pending.writes.update((key, (raw, seconds)) for key, raw in raws.items())
        else:
            self.shared.set_many(raws, seconds, version=RAW_VERSION)

    def clear(self) -> None:
        """Empty the shared cache and this process's near copies (other processes' copies are
        emptied when they notice the database changed under them, ``core.versions``)."""
        self._pending.writes.clear()
        self.near.clear()
        self.shared.clear()

    def forget_database(self) -> None:
        """The database is not the one the entries were read from: drop this process's near copies,
        and the server's disk cache, which outlives the process (``core.servercache``)."""
        self.near.clear()
        empty_if_server_cache(self.shared)

    # --- the request's writes -------------------------------------------------------------------

    def defer_writes(self) -> None:
        """From now until the request finishes, writes to the shared cache wait for the response."""
        self.flush()  # a request that never finished (no ``request_finished``) leaves nothing behind
        self._pending.deferring = True

    def flush(self, **_signal: Any) -> None:
        """Write what the request computed to the shared cache, in one round trip per expiry."""
        pending = self._pending
        pending.deferring = False
        writes, pending.writes = pending.writes, {}
        by_timeout: dict[float, dict[str, bytes]] = {}
        for key, (raw, seconds) in writes.items():
            by_timeout.setdefault(seconds, {})[key] = raw
        for seconds, values in by_timeout.items():
            try:
                self.shared.set_many(values, seconds, version=RAW_VERSION)
            except Exception:  # the response is sent: a cache that failed costs other processes work, no more
                logger.exception("writing %d cache entries after the response failed", len(values))

    def _timeout(self, timeout: float | None) -> float:
        default = self.shared.default_timeout
        return float(timeout if timeout is not None else default if default is not None else 300)


store = VersionedStore()
request_finished.connect(store.flush, dispatch_uid="reformledger-store-flush")
