"""Rendered pages, fragments and rows kept in the cache (``core.cache`` holds the versions they are
kept on and the tracking of what they read, ADR 0011, 0017, 0033).

* :func:`cached_rows` — each row's HTML, kept on the row's own content (``row_version``);
* :func:`cached_fragment` — a template's output, kept while what it read stands;
* :func:`personal_page` — a signed-in person's whole GET page, kept while what it read stands;
  what a page shows that changes more often than the page (badges, the inbox's unread count) is a
  late value, filled as the page is served (``core.late``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.contrib.messages import get_messages
from django.db import models
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .cache import (
    EVERYTHING,
    MISSING,
    ORGANISATION,
    TIMEOUT,
    Scopes,
    current_entry,
    digest,
    fragment_key,
    keep,
    recording,
    tracked,
)
from .store import store
from .versions import caching_allowed

T = TypeVar("T")


@functools.cache
def _row_fields(model: type[models.Model]) -> tuple[tuple[str, ...], frozenset[str]]:
    """A model's column attributes, and the names of its forward relations."""
    concrete = model._meta.concrete_fields
    return tuple(f.attname for f in concrete), frozenset(f.name for f in concrete if f.is_relation)


def row_version(obj: models.Model) -> tuple[Any, ...]:
    """An object's own version: the values of its columns and of the objects its foreign keys
    loaded with it (``select_related``). Two equal versions render the same row. Columns not
    loaded (``only()``) are not shown either, and not fetched here. Reverse relations Django cached
    on it are not followed (a case study's reform caches its case study: that way lies a loop); a
    row that shows one names it in its own ``version_of``."""
    attnames, forward = _row_fields(type(obj))
    loaded = obj.__dict__
    values = tuple(loaded[name] for name in attnames if name in loaded)
    related = tuple(
        sorted(
            (name, row_version(value))
            for name, value in obj._state.fields_cache.items()
            if name in forward and isinstance(value, models.Model)
        )
    )
    return (obj._meta.label_lower, values, related)


def cached_rows(
    rows: Sequence[T], *, name: str, version_of: Callable[[T], object], render: Callable[[T], str],
    load: Callable[[list[T]], list[T]] | None = None,
) -> list[SafeString]:
    """Each row's HTML (or, for an API's list, its JSON), cached on the row's own version
    (``version_of(row)``: what it shows).

    A list that changed in one row re-renders that row only; rows are shared by every page and
    person showing them (``name`` and ``version_of`` must hold everything ``render`` reads). From its
    second rendering the list is also kept whole, under all its rows' versions: a list whose rows all
    stand is then one lookup.

    ``load``: the rows are keys only (the columns ``version_of`` reads); ``load(missing)`` reads in
    full, in one query and in their order (one for each), the rows whose HTML is not kept; each is
    rendered and kept under its full row's own version (what it shows, never older than its key).
    """
    language = get_language()
    versions = [version_of(row) for row in rows]
    # The list as a whole first, under all its rows' versions: after a write elsewhere (a level moved
    # on a task of another page) the page's rows stand, and they are one lookup, not one per row.
    whole = f"rl:rows:{name}:{digest(f'{language}|{versions!r}')}"
    kept = store.get(whole) if rows else None
    if kept is not None:
        return [mark_safe(html) for html in kept]  # noqa: S308 - rendered by an autoescaping template or format_html

    def key_of(version: object) -> str:
        return f"rl:row:{name}:{digest(f'{language}|{version!r}')}"

    keys = [key_of(version) for version in versions]
    found = store.get_many(keys) if keys else {}
    missing = [i for i, key in enumerate(keys) if found.get(key) is None]
    full = (load([rows[i] for i in missing]) if load is not None else [rows[i] for i in missing]) if missing else []
    html_of = dict(found)
    fresh = {}
    for i, row in zip(missing, full, strict=True):
        html_of[keys[i]] = fresh[key_of(version_of(row)) if load is not None else keys[i]] = render(row)
    html = [html_of[key] for key in keys]
    entries: dict[str, object] = dict(fresh)
    # Kept whole from the list's second rendering, when some of its rows were kept already: a list
    # nobody opened before (every row rendered now) is often never opened again, and its rows are
    # kept one by one (ADR 0060: what a page nobody opened writes). A row loaded in full may be
    # newer than its key: then never under the keys' versions.
    if rows and (not missing or (load is None and len(missing) < len(rows))):
        entries[whole] = html
    if entries:
        store.set_many(entries, TIMEOUT)
    return [mark_safe(text) for text in html]  # noqa: S308 - rendered by an autoescaping template or format_html


def cached_fragment(
    request: Any,
    template_name: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]],
    *,
    key_parts: tuple[object, ...] = (),
    scopes: Scopes = EVERYTHING,
    query: str | None = None,
) -> SafeString:
    """``template_name`` rendered with ``context``, cached until a write changes ``scopes`` or
    anything else its rendering read (:func:`depends_on`, the versioned lookups inside it).

    The key holds everything the fragment is made of: the template, the path and query string
    (links, sort headers, pagination), ``key_parts`` (the SQL and parameters of the rows it shows)
    and the language; the entry holds the versions of what it read. So a cached fragment is exactly
    what rendering would give. The fragment must not contain anything per session (no CSRF token,
    no messages). ``context`` may be a callable, called only when the fragment is not cached.
    ``query``: the part of the query string the fragment is made of, when it is not all of it (a
    filter bar is the same on every page of its list: :func:`~.pagination.list_query`).
    """
    query = request.GET.urlencode() if query is None else query
    key = "rl:fragment:" + fragment_key(template_name, request.path, query, *key_parts, scopes=())
    html = tracked(
        key, lambda: render_to_string(template_name, context() if callable(context) else context, request), scopes=scopes
    )
    return mark_safe(html)  # noqa: S308 - the output of an autoescaping template render


ScopesOf = Callable[[Any], Scopes]


def personal_page(
    view: Callable[..., Any] | None = None, *, scopes: ScopesOf | None = None, query: Callable[[Any], str] | None = None,
) -> Any:
    """Keep a signed-in person's GET page until a write changes what it shows; serve it again
    without rendering. ``@personal_page`` depends on every write; ``@personal_page(scopes=f)``
    on the scopes ``f(request)`` names (e.g. the work of the person's districts) and on whatever
    else the page read (the versioned lookups made while rendering it, :func:`depends_on`).

    The key holds everything such a page is made of: the person, their CSRF secret (the page's
    forms carry a token derived from it), the full path, the htmx headers, today's date (pages say
    "overdue by n days") and the language (what no audited write changes, such as the inbox's unread
    count, is a late value: ``core.late``); the entry holds the
    versions of the scopes the page read. Pages with pending messages, and requests inside a transaction that wrote, are rendered as
    usual. Put it inside the view's permission decorators.

    ``query(request.GET)``: the part of the query string the page itself is made of, when the rest
    (a list's page number and cursor, its sort) is read only by its late values registered
    ``per_query`` (``core.late``): the page is then kept once for every page of its list.
    """
    if view is None:
        return lambda inner: personal_page(inner, scopes=scopes, query=query)

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        secret = request.META.get("CSRF_COOKIE")
        if (
            request.method != "GET"
            or not secret
            or not request.user.is_authenticated
            or len(get_messages(request))
            or not caching_allowed()
        ):
            return view(request, *args, **kwargs)
        key = "rl:page:" + fragment_key(
            request.user.pk,
            secret,
            request.get_full_path() if query is None else f"{request.path}?{query(request.GET)}",
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            timezone.localdate(),
            scopes=(),
        )
        cached = current_entry(key)
        if cached is not MISSING:
            get_token(request)  # renew the CSRF cookie as a render would
            content, content_type, vary = cached
            response = HttpResponse(content, content_type=content_type)
            if vary:
                response["Vary"] = vary
            return response
        with recording((*ORGANISATION, *(scopes(request) if scopes is not None else EVERYTHING))) as read:
            response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            keep(key, read, (response.content, response["Content-Type"], response.get("Vary", "")))
        return response

    return wrapped
