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
from contextvars import ContextVar
from functools import wraps
from typing import TypeVar

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import AuditHead

T = TypeVar("T")
TIMEOUT = 600


#: The data version read during the current request (see :class:`DataVersionMiddleware`): a
#: request reads it once, however many cached counts, stats and fragments it looks up. ``None``
#: outside a request (commands, tests calling selectors directly): every call reads the database.
_request_version: ContextVar[dict | None] = ContextVar("reformledger_data_version", default=None)


def data_version() -> int:
    """The audit chain's length: it grows with every audited write."""
    memo = _request_version.get()
    if memo is not None and "seq" in memo:
        return memo["seq"]
    seq = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    if memo is not None:
        memo["seq"] = seq
    return seq


def forget_data_version() -> None:
    """Called by every audited write: the rest of the request reads the new version.

    Until the write's transaction commits, the request caches nothing: a value computed from
    uncommitted rows must not be stored under a version number that a rollback would hand to
    another write.
    """
    memo = _request_version.get()
    if memo is not None:
        memo.clear()
        memo["uncommitted"] = True
        transaction.on_commit(lambda: memo.pop("uncommitted", None))


def _caching_allowed() -> bool:
    memo = _request_version.get()
    return not (memo and memo.get("uncommitted"))


class DataVersionMiddleware:
    """Remember the data version for the length of one request (one query at most, not one per lookup)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set({})
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def fragment_key(*parts: object) -> str:
    """A cache key for a rendered fragment: its inputs, the language and the data version."""
    text = "|".join(str(part) for part in (*parts, get_language(), data_version()))
    return hashlib.sha256(text.encode()).hexdigest()


def _cached(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, stored under ``key`` + the data version (unless a write is uncommitted)."""
    if not _caching_allowed():
        return compute()
    full_key = f"{key}:{data_version()}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value


def cached_count(qs: QuerySet) -> int:
    """``qs.count()``, cached under the query's SQL and the current data version."""
    if qs.query.is_empty():  # ``qs.none()`` has no SQL
        return 0
    sql, params = qs.order_by().query.sql_with_params()
    text = f"{qs.db}|{connections[qs.db].vendor}|{sql}|{params!r}"
    return _cached(f"rl:count:{hashlib.sha256(text.encode()).hexdigest()}", qs.count)


class CachedCountPaginator(Paginator):
    """A Paginator whose total is cached until the next write (see module docstring)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count


def cached_value(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, cached under ``key`` and the current data version.

    ``key`` must name every input of ``compute`` (for lists, ``reforms.selectors.list_key``): it
    is cheaper than compiling a query's SQL to key it, as :func:`cached_count` does.
    """
    return _cached(f"rl:value:{hashlib.sha256(key.encode()).hexdigest()}", compute)


def cached_fragment(
    request, template_name: str, context: dict | Callable[[], dict], *, key_parts: tuple = ()
) -> str:
    """``template_name`` rendered with ``context``, cached until the next write.

    The key holds everything the fragment is made of: the template, the path and query string
    (links, sort headers, pagination), ``key_parts`` (the SQL and parameters of the rows it shows),
    the language and the data version. So a cached fragment is exactly what rendering would give.
    The fragment must not contain anything per session (no CSRF token, no messages).
    ``context`` may be a callable, called only when the fragment is not cached.
    """
    if not _caching_allowed():
        return mark_safe(render_to_string(template_name, context() if callable(context) else context, request))  # noqa: S308
    key = "rl:fragment:" + fragment_key(template_name, request.path, request.GET.urlencode(), *key_parts)
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, context() if callable(context) else context, request)
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 - the output of an autoescaping template render



#: Per-person facts that a page shows but that no audited write changes (e.g. the unread count of
#: the inbox, which reading lowers): each is a ``callable(request)`` whose value joins the key of
#: :func:`personal_page`. Areas above ``core`` register theirs in their ``AppConfig.ready``.
_personal_key_parts: list[Callable[..., object]] = []


def add_personal_key_part(part: Callable[..., object]) -> None:
    if part not in _personal_key_parts:
        _personal_key_parts.append(part)


def personal_page(view):
    """Keep a signed-in person's GET page until the next write; serve it again without rendering.

    The key holds everything such a page is made of: the person, their CSRF secret (the page's
    forms carry a token derived from it), the full path, the htmx headers, today's date (pages say
    "overdue by n days"), the registered per-person parts, the language and the data version. Pages with pending messages, and requests inside a transaction that wrote, are
    rendered as usual. Put it inside the view's permission decorators.
    """
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        secret = request.META.get("CSRF_COOKIE")
        if (
            request.method != "GET"
            or not secret
            or not request.user.is_authenticated
            or len(get_messages(request))
            or not _caching_allowed()
        ):
            return view(request, *args, **kwargs)
        key = "rl:page:" + fragment_key(
            request.user.pk,
            secret,
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            timezone.localdate(),
            *(part(request) for part in _personal_key_parts),
        )
        cached = cache.get(key)
        if cached is not None:
            get_token(request)  # renew the CSRF cookie as a render would
            content, content_type, vary = cached
            response = HttpResponse(content, content_type=content_type)
            if vary:
                response["Vary"] = vary
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response.content, response["Content-Type"], response.get("Vary", "")), TIMEOUT)
        return response

    return wrapped
