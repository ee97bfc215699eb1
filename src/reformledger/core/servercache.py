"""The cache the processes of one server share when there is no Redis (ADR 0060).

diskcache's Django backend: SQLite files in the var dir (``CACHE_DIR``), safe for several processes
and threads at once, each lookup a read of a local file (tens of microseconds), never a wait: a
lookup or a write that would wait longer than ``DATABASE_TIMEOUT`` for another process is a miss,
not an error. ``core.store`` keeps near copies in each process, as it does with Redis, so most
lookups do not reach the files at all.

Five differences from diskcache's own backend:

- **Kept open between requests.** Django closes every cache when a request finishes; diskcache's
  ``close`` closes its SQLite connections, which the next request would then open again (with their
  pragmas). They belong to their thread and stay valid, so this backend keeps them.
- **Many read at once in one statement per shard**: ``get_many`` (a page's rows, looked up
  together) asked SQLite once a key, 15–30 µs each; it is one ``SELECT … WHERE key IN (…)`` per
  shard, read as diskcache's own ``get`` reads (least recently stored out first, no statistics:
  nothing is written by a lookup).
- **Many written at once in one statement per shard**, never waiting: ``set_many`` (what
  ``core.store`` writes after a response) took a transaction, and a commit, per entry; it is one
  ``INSERT … ON CONFLICT DO UPDATE`` per shard, counted by diskcache's own triggers. A write that
  would wait for another process's is dropped: it only saves others work. And it culls (expired
  entries, then the least recently stored beyond ``size_limit``) once in :data:`CULL_EVERY` writes
  of a process, not at every entry written (``cull_limit`` 0): each entry cost five statements.
- **Emptied with the database it was filled from**: its files are removed when the server starts
  (``reformledger serve``: :func:`remove_server_cache_files`), and it is emptied when a process
  finds another database under it (``core.versions``: a backup restored, the demo loaded afresh;
  :func:`empty_if_server_cache`). The entries outlive the processes, and a version number of
  another database could name other content.
- **Written without waiting for the disk** (``sqlite_synchronous`` 0 in the settings): a commit
  that waited cost a cold page 4–6 ms; a cache lost or damaged by a power cut is removed when the
  server starts again, and every entry can be computed afresh.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import time
from collections.abc import Iterable, Mapping
from typing import Any

from diskcache import DjangoCache, Timeout
from diskcache.core import MODE_RAW
from django.core.cache import BaseCache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.exceptions import ImproperlyConfigured

from .bulk import chunks

#: A process culls the shards it writes to once in this many ``set_many``.
CULL_EVERY = 64
#: Keys asked in one statement at most (SQLite's limit on parameters is 999 in old builds).
GET_MANY_CHUNK = 500
#: Entries written in one statement at most (eleven parameters each).
SET_MANY_CHUNK = 80


class ServerCache(DjangoCache):  # type: ignore[misc]  # diskcache is untyped
    """diskcache's Django backend, its connections kept open between requests, ``get_many`` and
    ``set_many`` one statement per shard."""

    def __init__(self, directory: str, params: dict[str, Any]) -> None:
        super().__init__(directory, params)
        # ``get_many`` reads as diskcache's own fast ``get`` does, which holds only when a lookup
        # writes nothing.
        if self._cache.eviction_policy != "least-recently-stored" or self._cache.statistics:
            raise ImproperlyConfigured("ServerCache needs eviction_policy 'least-recently-stored' and no statistics.")
        self._writes = itertools.count(1)

    def close(self, **kwargs: Any) -> None:
        """Keep the connections: they are this thread's, and opening them costs every request."""

    def _by_shard(self, names: Iterable[str], version: int | None) -> dict[int, list[tuple[str, str]]]:
        fanout = self._cache
        out: dict[int, list[tuple[str, str]]] = {}
        for name in names:
            key = self.make_key(name, version=version)  # as diskcache does: no memcached key warnings
            out.setdefault(fanout._hash(key) % fanout._count, []).append((name, key))
        return out

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """The entries of ``keys`` that are there and not expired: one statement per shard."""
        found: dict[str, Any] = {}
        now = time.time()
        for index, items in self._by_shard(keys, version).items():
            shard = self._cache._shards[index]
            disk = shard._disk
            wanted = {disk.put(key): name for name, key in items}  # (stored key, raw) → name
            stored = [db_key for db_key, _raw in wanted]
            for chunk in chunks(stored, GET_MANY_CHUNK):
                select = (
                    "SELECT key, raw, mode, filename, value FROM Cache WHERE key IN ("  # noqa: S608 - placeholders only
                    + ", ".join(["?"] * len(chunk)) + ") AND (expire_time IS NULL OR expire_time > ?)"
                )
                try:
                    rows = shard._sql(select, [*chunk, now]).fetchall()
                except sqlite3.OperationalError:  # locked beyond the timeout: misses, as diskcache's get
                    continue
                for db_key, raw, mode, filename, value in rows:
                    name = wanted.get((db_key, raw))
                    if name is None:
                        continue
                    try:
                        found[name] = disk.fetch(mode, filename, value, False)
                    except OSError:  # deleted meanwhile
                        continue
        return found

    def set_many(self, data: Mapping[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        """Write ``data`` in one transaction per shard; the keys not written (another process held a
        shard longer than the cache's timeout). Bytes kept in the database (shorter than
        ``disk_min_file_size``: what ``core.store`` writes) go in one ``INSERT … ON CONFLICT DO
        UPDATE`` per shard, which diskcache's triggers count as its own writes do; anything else,
        or a key whose entry is a file, through diskcache's ``set`` (it removes the old file)."""
        expire = self.get_backend_timeout(timeout=timeout)
        failed: list[str] = []
        for index, items in self._by_shard(data, version).items():
            shard = self._cache._shards[index]
            try:
                with shard.transact(retry=False):
                    self._write_shard(shard, [(key, data[name]) for name, key in items], expire)
            except Timeout:
                failed += [name for name, _key in items]
        if next(self._writes) % CULL_EVERY == 0:
            self.cull_now()
        return failed

    @staticmethod
    def _write_shard(shard: Any, entries: list[tuple[str, Any]], expire: float | None) -> None:
        """Inside the shard's transaction: ``entries`` (key, value) written."""
        disk = shard._disk
        now = time.time()
        expire_time = None if expire is None else now + expire
        inline: dict[tuple[Any, bool], tuple[str, Any]] = {}  # (stored key, raw) → (key, value)
        by_file: list[tuple[str, Any]] = []
        for key, value in entries:
            if type(value) is bytes and len(value) < disk.min_file_size:
                inline[disk.put(key)] = (key, value)
            else:
                by_file.append((key, value))
        if inline:
            stored = [db_key for db_key, _raw in inline]
            filed = {
                (db_key, raw)
                for chunk in chunks(stored, GET_MANY_CHUNK)
                for db_key, raw in shard._sql(
                    "SELECT key, raw FROM Cache WHERE filename IS NOT NULL AND key IN ("  # noqa: S608 - placeholders only
                    + ", ".join(["?"] * len(chunk)) + ")",
                    chunk,
                ).fetchall()
            }
            by_file += [inline.pop(pair) for pair in filed if pair in inline]
            rows = [
                (db_key, raw, now, expire_time, now, 0, None, 0, MODE_RAW, None, sqlite3.Binary(value))
                for (db_key, raw), (_key, value) in inline.items()
            ]
            for chunk in chunks(rows, SET_MANY_CHUNK):
                shard._sql(
                    "INSERT INTO Cache (key, raw, store_time, expire_time, access_time, access_count, tag, size, mode, "  # noqa: S608 - placeholders only
                    "filename, value) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                    + " ON CONFLICT (key, raw) DO UPDATE SET store_time = excluded.store_time, "
                    "expire_time = excluded.expire_time, access_time = excluded.access_time, access_count = 0, "
                    "tag = NULL, size = 0, mode = excluded.mode, filename = NULL, value = excluded.value",
                    [part for row in chunk for part in row],
                )
        for key, value in by_file:
            shard.set(key, value, expire=expire)

    def cull_now(self) -> None:
        """Remove the expired entries, then the least recently stored beyond the size limit (what
        diskcache does at every write unless ``cull_limit`` is 0). A shard another process holds is
        left for the next time."""
        for shard in self._cache._shards:
            try:
                shard.cull(retry=False)
            except Timeout:
                continue


def empty_if_server_cache(cache: BaseCache) -> bool:
    """Empty ``cache`` when it is this server's disk cache (not Redis: it also holds the sessions and
    the rate limits, and other servers' entries); whether it was."""
    if not isinstance(cache, ServerCache):
        return False
    cache.clear()
    return True


def remove_server_cache_files(caches_setting: Mapping[str, Mapping[str, Any]]) -> bool:
    """Before the server's processes start: remove the disk cache's files, when the default cache
    is one (``CACHES``); whether it was. Removed, not emptied: its SQLite files are written without
    waiting for the disk (``sqlite_synchronous`` 0), so after a power loss they may be damaged, and a
    damaged file could not be emptied."""
    default = caches_setting.get("default", {})
    if default.get("BACKEND") != f"{ServerCache.__module__}.{ServerCache.__qualname__}":
        return False
    shutil.rmtree(str(default["LOCATION"]), ignore_errors=True)
    return True
