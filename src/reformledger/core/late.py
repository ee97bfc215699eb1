"""Values a page shows that change more often than the page: put in place each time it is served.

A signed-in person's page is kept whole while everything it read stands (``core.fragments``:
:func:`~reformledger.core.fragments.personal_page`). A menu badge counting the reports waiting for
review changes with every report of the district; were it counted while the page renders, every
report would make every page of the district render again, and pages would be cold all day (issue
7's working day). So such a value is written into the page as a **mark** (:func:`late`), and
:class:`LateValuesMiddleware` puts the values in place in every HTML response it serves. The kept
page keeps the marks; its entry no longer depends on what only the marked values read (ADR 0055:
"hole punching", as edge-side includes do for a shared page).

- An area registers each kind of late value with :func:`register_late`: ``fill(request, arg)``
  returns the value's HTML (already escaped). A filler must read only through versioned lookups
  (``core.cache``: counts per district, fragments): the values of one response are kept together
  for the person, on the versions of what they read, so a page served again costs one cache read
  for all of them.
- A mark is an HTML comment with a nonce derived from the secret key and the value's kind and
  argument. What people write is escaped (``<`` becomes ``&lt;``), so no text of theirs can ever
  be read as a mark; a comment with another nonce is left as it is.
- Outside a request that passes the middleware (a template rendered by a command, a test calling
  a template tag), :func:`late` gives the value itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .cache import ORGANISATION, digest, tracked

Filler = Callable[[Any, str], str]

_fillers: dict[str, Filler] = {}
#: Kinds whose values no audited write changes (the inbox's unread count: reading lowers it), so
#: they cannot be kept on versions: computed every time they are served.
_unkept: set[str] = set()
#: Kinds whose values are kept fragments already: no entry of their own (``register_late``).
_in_group_only: set[str] = set()
#: Kinds whose values are made of the request's query string: kept per query string.
_per_query: set[str] = set()
#: Whether the current request passes :class:`LateValuesMiddleware` (its responses are filled).
_marking: ContextVar[bool] = ContextVar("reformledger_late_marking", default=False)
_MARK = re.compile(rb"<!--rl-late:([0-9a-f]{16}):([a-z][a-z0-9-]*):([A-Za-z0-9_.-]*)-->")
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_ARG = re.compile(r"[A-Za-z0-9_.-]*")


def register_late(
    kind: str, fill: Filler, *, kept: bool = True, own_entry: bool = True, per_query: bool = False,
) -> None:
    """``fill(request, arg)`` gives the HTML of a late value of ``kind`` (see the module docstring).
    ``kept=False`` for a value that no audited write changes: it is computed every time.
    ``own_entry=False`` for a value that is a kept fragment already (``cached_fragment``, shared by
    everyone who sees the same): it is kept with the response's other values, not on its own too.
    ``per_query=True`` for a value made of the request's query string (a list's page, filters and
    sort): it is kept per query string, so the page that marks it may be kept for every page of
    its list (``personal_page(query=…)``)."""
    if not _NAME.fullmatch(kind):
        raise ValueError(f"a late value's kind is lower-case letters, digits and dashes: {kind!r}")
    _fillers[kind] = fill
    if not kept:
        _unkept.add(kind)
    if not own_entry:
        _in_group_only.add(kind)
    if per_query:
        _per_query.add(kind)


@functools.cache
def _nonce() -> str:
    return digest(f"reformledger.late:{settings.SECRET_KEY}")[:16]


def late(request: Any, kind: str, arg: str = "") -> SafeString:
    """The value ``kind(arg)`` for this request: a mark that the middleware fills, or the value
    itself outside a request that passes it."""
    if kind not in _fillers:
        raise KeyError(f"no late value {kind!r} is registered")
    if not _ARG.fullmatch(arg):
        raise ValueError(f"a late value's argument is letters, digits, '_', '.' and '-': {arg!r}")
    if _marking.get():
        return mark_safe(f"<!--rl-late:{_nonce()}:{kind}:{arg}-->")  # noqa: S308 - our own mark, no outside text
    return mark_safe(_fillers[kind](request, arg))  # noqa: S308 - the filler's escaped HTML


#: How deep late values may hold marks of their own (a kept fragment's CSRF token in the board's results).
DEPTH = 3


def fill(request: Any, content: bytes) -> bytes:
    """``content`` with every mark of ours replaced by its value. A value is computed with marks of
    its own kept as marks (what it keeps must hold nothing per session either), and those are filled
    in turn, up to :data:`DEPTH` deep."""
    for _depth in range(DEPTH):
        if b"<!--rl-late:" not in content:
            break
        token = _marking.set(True)
        try:
            filled = _fill_once(request, content)
        finally:
            _marking.reset(token)
        if filled == content:
            break
        content = filled
    return content


def _fill_once(request: Any, content: bytes) -> bytes:
    """``content`` with every mark of ours replaced by its value, the values of one response
    computed together (or read together from the cache)."""
    nonce = _nonce().encode()
    marks = sorted({(kind.decode(), arg.decode()) for found, kind, arg in _MARK.findall(content) if found == nonce})
    if not marks:
        return content
    user = getattr(request, "user", None)
    # The day too: a value may say "overdue by n days", which midnight changes without any write.
    person = f"rl:late:{getattr(user, 'pk', None)}:{get_language()}:{timezone.localdate()}"
    # A value made of the query string (a list's page) is kept per query string, and so is the group.
    query = f":{digest(request.GET.urlencode())[:32]}" if any(kind in _per_query for kind, _arg in marks) else ""
    key = f"{person}:{digest(repr(marks))}{query}"

    def own_key(kind: str, arg: str) -> str:
        return f"{person}:one:{kind}:{arg}{query if kind in _per_query else ''}"

    def compute(marks: list[tuple[str, str]]) -> dict[str, str]:
        return {f"{kind}:{arg}": _fillers[kind](request, arg) if kind in _fillers else "" for kind, arg in marks}

    def compute_each(marks: list[tuple[str, str]]) -> dict[str, str]:
        # Each value kept on its own as well, on what it read: when the group is stale (a level
        # moved), the values whose reads still stand (the orders overdue, most badges) are read
        # back, and only the others are computed again.
        return {
            f"{kind}:{arg}": "" if kind not in _fillers
            else _fillers[kind](request, arg) if kind in _in_group_only
            else tracked(own_key(kind, arg), functools.partial(_fillers[kind], request, arg), scopes=ORGANISATION)
            for kind, arg in marks
        }

    kept = [mark for mark in marks if mark[0] not in _unkept]
    # On the organisation too: who sees which entries and counts is the person's roles, which a
    # filler may read from the request's memo (no versioned lookup to record).
    values = tracked(key, lambda: compute_each(kept), scopes=ORGANISATION) if kept else {}
    values |= compute([mark for mark in marks if mark[0] in _unkept])

    def put(match: re.Match[bytes]) -> bytes:
        if match.group(1) != nonce:
            return match.group(0)
        return values.get(f"{match.group(2).decode()}:{match.group(3).decode()}", "").encode()

    return _MARK.sub(put, content)


class LateValuesMiddleware:
    """Let pages mark their late values, and fill them in every HTML response (inside
    ``DataVersionMiddleware``: the values are read on the request's versions)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _marking.set(True)
        try:
            response = self.get_response(request)
        finally:
            _marking.reset(token)
        if (
            not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and b"<!--rl-late:" in response.content
        ):
            response.content = fill(request, response.content)
        return response
