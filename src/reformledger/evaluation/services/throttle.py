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
from django.db import connection, transaction
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


def _hit_database(key: str, window: int) -> int:
    table = RateBucket._meta.db_table
    quoted = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quoted(table)} ({quoted('key')}, {quoted('window')}, {quoted('hits')}) VALUES (%s, %s, 1) "  # noqa: S608 - names are ours
        f"ON CONFLICT ({quoted('key')}, {quoted('window')}) DO UPDATE SET {quoted('hits')} = {quoted(table)}.{quoted('hits')} + 1 "
        f"RETURNING {quoted('hits')}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, window])
        hits = int(cursor.fetchone()[0])
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


def hit(limit: Limit) -> int:
    """Count one request against ``limit``; how many the key made in this window (this one too)."""
    now = time.time()
    window = int(now // limit.seconds)
    if getattr(settings, "REDIS_URL", None):
        return _hit_cache(limit.key, window, limit.seconds)
    return _hit_database(limit.key, window)


def check(*limits: Limit) -> None:
    """Count one request against each limit; :class:`Throttled` when any is over."""
    for limit in limits:
        if limit.per_window <= 0:
            continue
        if hit(limit) > limit.per_window:
            retry = limit.seconds - int(time.time()) % limit.seconds
            raise Throttled(
                _("Too many requests: wait %(seconds)d seconds and try again.") % {"seconds": retry}, retry_after=retry
            )
