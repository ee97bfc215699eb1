"""Rate limits: fixed windows of counted requests per key (an account, a hashed address).

In the database by default (one upsert per key and request on :class:`~..models.RateBucket`, so
every process of a server agrees without anything else to run); in Redis when ``REDIS_URL`` is set
(the shared cache: ``cache.add`` then ``cache.incr``, atomic there). Old windows are swept now and
then. A request over a limit raises :class:`Throttled` (the API answers 429 with ``Retry-After``,
a page 429 with the message); it is counted all the same, so a flood stays slowed down.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

from ..models import RateBucket

#: One upsert in ~500 also deletes the windows older than an hour.
SWEEP_ODDS = 500


class Throttled(Exception):
    """Too many requests: ``retry_after`` seconds until the window ends."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    key: str
    per_window: int
    seconds: int = 60


def _hit_database(keys: list[str], window: int) -> dict[str, int]:
    """One upsert for every key (one statement, one commit; in the caller's transaction if it has one):
    the hits of each in this window."""
    table = RateBucket._meta.db_table
    q = connection.ops.quote_name
    values = ", ".join(["(%s, %s, 1)"] * len(keys))
    sql = (
        f"INSERT INTO {q(table)} ({q('key')}, {q('window')}, {q('hits')}) VALUES {values} "  # noqa: S608 - names are ours
        f"ON CONFLICT ({q('key')}, {q('window')}) DO UPDATE SET {q('hits')} = {q(table)}.{q('hits')} + 1 "
        f"RETURNING {q('key')}, {q('hits')}"
    )
    params: list[str | int] = []
    for key in keys:
        params += [key, window]
    # One statement is its own transaction (autocommit): no BEGIN and COMMIT round trips around it.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits = {str(key): int(n) for key, n in cursor.fetchall()}
    if random.randrange(SWEEP_ODDS) == 0:  # noqa: S311 - not for secrets
        RateBucket.objects.filter(window__lt=window - 3600).delete()
    return hits


def _hit_cache(key: str, window: int, seconds: int) -> int:
    name = f"rl-throttle:{key}:{window}"
    cache.add(name, 0, timeout=seconds * 2)
    try:
        return int(cache.incr(name))
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=seconds * 2)
        return 1


def _window(limit: Limit, now: float) -> int:
    return int(now // limit.seconds)


def hits(limit: Limit) -> int:
    """How many times ``limit.key`` was counted in the current window (nothing counted now)."""
    window = _window(limit, time.time())
    if getattr(settings, "REDIS_URL", None):
        return int(cache.get(f"rl-throttle:{limit.key}:{window}") or 0)
    return RateBucket.objects.filter(key=limit.key, window=window).values_list("hits", flat=True).first() or 0


def over(limit: Limit) -> bool:
    """Whether ``limit`` is already used up in the current window (to refuse before counting: a
    page that counts only what went wrong, such as refused rating codes)."""
    return hits(limit) >= limit.per_window


def count(limit: Limit) -> int:
    """Count one event against ``limit`` and return the window's hits so far."""
    window = _window(limit, time.time())
    if getattr(settings, "REDIS_URL", None):
        return _hit_cache(limit.key, window, limit.seconds)
    return _hit_database([limit.key], window).get(limit.key, 0)


def check(*limits: Limit) -> None:
    """Count one request against each limit; :class:`Throttled` when any is over. Limits of the
    same window length are counted together (one statement in the database)."""
    now = time.time()
    active = [limit for limit in limits if limit.per_window > 0]
    for seconds in sorted({limit.seconds for limit in active}):
        group = {limit.key: limit for limit in active if limit.seconds == seconds}
        window = int(now // seconds)
        if getattr(settings, "REDIS_URL", None):
            hits = {key: _hit_cache(key, window, seconds) for key in group}
        else:
            hits = _hit_database(list(group), window)
        if any(hits.get(key, 0) > limit.per_window for key, limit in group.items()):
            retry = seconds - int(now) % seconds
            raise Throttled(
                _("Too many requests: wait %(seconds)d seconds and try again.") % {"seconds": retry}, retry_after=retry
            )
