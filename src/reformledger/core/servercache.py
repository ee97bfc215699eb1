"""The cache the processes of one server share when there is no Redis (ADR 0060).

diskcache's Django backend: SQLite files in the var dir (``CACHE_DIR``), safe for several processes
and threads at once, each lookup a read of a local file (tens of microseconds), never a wait: a
lookup or a write that would wait longer than ``DATABASE_TIMEOUT`` for another process is a miss,
not an error. ``core.store`` keeps near copies in each process, as it does with Redis, so most
lookups do not reach the files at all.

Three differences from diskcache's own backend:

- **Kept open between requests.** Django closes every cache when a request finishes; diskcache's
  ``close`` closes its SQLite connections, which the next request would then open again (with their
  pragmas). They belong to their thread and stay valid, so this backend keeps them.
- **Many written at once in one transaction per shard**, never waiting: ``set_many`` (what
  ``core.store`` writes after a response) took a transaction, and a commit, per entry. A write that
  would wait for another process's is dropped: it only saves others work.
- **Emptied with the database it was filled from**: :func:`empty_if_server_cache` is called when the
  server starts (``reformledger serve``) and when a process finds another database under it
  (``core.versions``: a backup restored, the demo loaded afresh). The entries outlive the processes,
  and a version number of another database could name other content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diskcache import DjangoCache, Timeout
from django.core.cache import BaseCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class ServerCache(DjangoCache):  # type: ignore[misc]  # diskcache is untyped
    """diskcache's Django backend, its connections kept open between requests, ``set_many`` in one
    transaction per shard."""

    def close(self, **kwargs: Any) -> None:
        """Keep the connections: they are this thread's, and opening them costs every request."""

    def set_many(self, data: Mapping[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        """Write ``data`` in one transaction per shard; the keys not written (another process held a
        shard longer than the cache's timeout)."""
        fanout = self._cache
        expire = self.get_backend_timeout(timeout=timeout)
        by_shard: dict[int, list[tuple[str, str, Any]]] = {}
        for name, value in data.items():
            key = self.make_and_validate_key(name, version=version)
            by_shard.setdefault(fanout._hash(key) % fanout._count, []).append((name, key, value))
        failed: list[str] = []
        for index, items in by_shard.items():
            shard = fanout._shards[index]
            try:
                with shard.transact(retry=False):
                    for _name, key, value in items:
                        shard.set(key, value, expire=expire)
            except Timeout:
                failed += [name for name, _key, _value in items]
        return failed


def empty_if_server_cache(cache: BaseCache) -> bool:
    """Empty ``cache`` when it is this server's disk cache (not Redis: it also holds the sessions and
    the rate limits, and other servers' entries); whether it was."""
    if not isinstance(cache, ServerCache):
        return False
    cache.clear()
    return True
