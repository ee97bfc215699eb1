"""Cache the results of aggregate queries until the next write.

Every write that matters goes through a service and so appends to the audit trail; the chain
head's sequence number is therefore a version of the whole database's content. A count or an
aggregate cached under (its SQL, that version) is exact: the next write changes the version and the
next read computes it afresh. Reading the version is one primary-key lookup, far cheaper than
counting 54,000 reforms.

Writes that bypass the services and the audit trail (raw SQL, the benchmark generator's
``audit=False`` path) do not change the version; with the default per-process cache a restart
clears it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .models import AuditHead

T = TypeVar("T")
TIMEOUT = 600


def data_version() -> int:
    """The audit chain's length: it grows with every audited write."""
    return AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0


def _key(kind: str, qs: QuerySet, extra: str = "") -> str:
    sql, params = qs.query.sql_with_params()
    text = f"{qs.db}|{connections[qs.db].vendor}|{sql}|{params!r}|{extra}"
    return f"rl:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached_for_query(kind: str, qs: QuerySet, compute: Callable[[], T], *, extra: str = "") -> T:
    """``compute()``, cached under ``qs``'s SQL and the current data version."""
    key = f"{_key(kind, qs, extra)}:{data_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def cached_count(qs: QuerySet) -> int:
    return cached_for_query("count", qs.order_by(), qs.count)


class CachedCountPaginator(Paginator):
    """A Paginator whose total is cached until the next write (see module docstring)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count

