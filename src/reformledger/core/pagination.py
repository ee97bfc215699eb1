"""Keyset pagination with page numbers: "next" and "previous" never make the database skip rows.

A deep ``OFFSET`` makes the database read and throw away every row before the page (page 300 of
the province's catalogue reads 15,000 rows to show 50). Here the links to the next and the previous
page carry a **cursor**, the sort values of the last (first) row shown, and the page is fetched with
``WHERE (sort keys) > cursor ORDER BY … LIMIT n``: the same few index entries whatever the depth.
The page number stays in the URL for people (``?page=7&after=…``), so the pagination bar, bookmarks
and "page 7 of 1,080" work as before; a page number without a cursor (typed in, or a number in the
bar) is fetched by offset from whichever end of the list is nearer.

The ordering must end in a unique field (``code`` or ``id``); a nullable field sorts its NULLs
last going up and first going down, on every database, so that a cursor means the same thing on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.functional import cached_property

from .compiled import compiled

#: The query parameters that carry a cursor.
AFTER, BEFORE = "after", "before"
#: The parameters that choose a page of a list rather than the list.
PAGE_PARAMS = ("page", AFTER, BEFORE)


def list_query(params: Any) -> str:
    """The query string without the page it asks for: what a list's filters are made of."""
    kept = params.copy()
    for name in PAGE_PARAMS:
        kept.pop(name, None)
    return str(kept.urlencode())


def _order_by(fields: Sequence[str], *, reverse: bool = False) -> list[OrderBy]:
    out = []
    for name in fields:
        descending = name.startswith("-") != reverse
        field = F(name.lstrip("-"))
        out.append(field.desc(nulls_first=True) if descending else field.asc(nulls_last=True))
    return out


def _nullable(model: Any, name: str) -> bool:
    """Whether the column may hold NULL (a column across a relation is taken to)."""
    if model is None:
        return True
    try:
        return bool(model._meta.get_field(name).null)
    except FieldDoesNotExist:
        return True


def _after(name: str, value: Any, *, descending: bool, nullable: bool = True) -> Q:
    """Rows that come after ``value`` in the column's order (NULLs last going up, first going down).

    For a column that cannot be NULL the condition is a plain range, which an index can seek to.
    """
    if descending:
        return Q(**{f"{name}__isnull": False}) if value is None else Q(**{f"{name}__lt": value})
    if value is None:
        return Q(pk__in=[])
    after = Q(**{f"{name}__gt": value})
    return after | Q(**{f"{name}__isnull": True}) if nullable else after


def _equal(name: str, value: Any) -> Q:
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


def after_step(
    fields: Sequence[str], values: Sequence[Any], depth: int, *, reverse: bool = False, model: Any = None,
) -> Q:
    """The rows after the cursor row that share its first ``depth`` sort values and come after it in
    the next one. The steps from the deepest (``len(fields) - 1``) to 0 follow each other in the
    list's order, and each is an equality prefix and one range: an index on the sort keys seeks to it
    (a single ``a < x OR (a = x AND b > y)`` makes PostgreSQL scan from the list's start and filter).
    """
    name = fields[depth]
    column, descending = name.lstrip("-"), name.startswith("-") != reverse
    step = _after(column, values[depth], descending=descending, nullable=_nullable(model, column))
    for prior, value in zip(fields[:depth], values[:depth], strict=True):
        step &= _equal(prior.lstrip("-"), value)
    return step


def encode_cursor(sort: str, values: Sequence[Any]) -> str:
    raw = json.dumps([sort, [v.isoformat() if hasattr(v, "isoformat") else v for v in values]], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(model: Any, fields: Sequence[str], sort: str, cursor: str) -> list[Any] | None:
    """The sort values a cursor carries, or None when it is malformed or for another sort."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, values = json.loads(raw)
        if cursor_sort != sort or not isinstance(values, list) or len(values) != len(fields):
            return None
        return [
            None if value is None else model._meta.get_field(name.lstrip("-")).to_python(value)
            for name, value in zip(fields, values, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, LookupError, ValidationError, FieldDoesNotExist):
        return None


class KeysetPage(Page[Any]):
    """A page that knows the cursors of its neighbours (see :func:`reformledger.reforms.templatetags.ui.pagination_bar`)."""

    def __init__(self, object_list: list[Any], number: int, paginator: KeysetPaginator) -> None:
        super().__init__(object_list, number, paginator)
        self.keyset: KeysetPaginator = paginator

    def cursor_params(self, number: int) -> dict[str, str]:
        """The cursor to put beside ``page=number`` in a link: only for the next and previous page."""
        if not self.object_list:
            return {}
        if number == self.number + 1:
            return {AFTER: self.keyset.cursor_of(self.object_list[-1])}
        if number == self.number - 1:
            return {BEFORE: self.keyset.cursor_of(self.object_list[0])}
        return {}


class KeysetPaginator(Paginator[Any]):
    """A Paginator over a queryset ordered by ``fields`` that fetches by cursor when it has one.

    ``count`` may be given (a cached total, e.g. :func:`reformledger.core.cache.district_count`) so
    that the paginator never counts.
    """

    def __init__(
        self, object_list: QuerySet[Any] | Callable[[], QuerySet[Any]], per_page: int, *, fields: Sequence[str],
        sort: str, count: int | None = None, key: Hashable | None = None,
    ) -> None:
        if not isinstance(object_list, QuerySet) and count is None:
            raise TypeError("a paginator over a function building its queryset is given its count")
        super().__init__(object_list, per_page)  # type: ignore[arg-type]  # a builder: never sliced by Paginator
        self._build = object_list if not isinstance(object_list, QuerySet) else (lambda: object_list)
        self.fields, self.sort = list(fields), sort
        #: What ``object_list`` is built from, when the caller names it: a page by number then runs
        #: SQL compiled once per process (core.compiled).
        self.key = key
        if count is not None:
            self.__dict__["count"] = count

    @cached_property
    def queryset(self) -> QuerySet[Any]:
        """The list's queryset; with a ``key`` and a function building it, built only when a page's
        SQL is not compiled yet (or a cursor is followed)."""
        return self._build()

    def cursor_of(self, row: Any) -> str:
        return encode_cursor(self.sort, [getattr(row, name.lstrip("-")) for name in self.fields])

    def page_for(self, params: Any) -> KeysetPage:
        """The page the query parameters ask for (``page``, and ``after`` or ``before``)."""
        number = self.validate_number_or_first(params.get("page"))
        for name, reverse in ((AFTER, False), (BEFORE, True)):
            raw = params.get(name)
            values = decode_cursor(self.queryset.model, self.fields, self.sort, raw) if raw else None
            if values is not None:
                rows = self._rows_after(values, reverse=reverse)
                if rows:
                    return KeysetPage(rows[::-1] if reverse else rows, number, self)
        return self._page_by_offset(number)

    def _rows_after(self, values: list[Any], *, reverse: bool) -> list[Any]:
        """Up to a page of rows after the cursor, step by step (:func:`after_step`): one query when
        the page shares the cursor's leading sort values, one more each time it crosses to the next.
        With a ``key`` and a cursor of whole numbers and text (no NULL, no date), each step runs SQL
        compiled once per process (core.compiled): the cursor's values are its parameters."""
        order = _order_by(self.fields, reverse=reverse)
        model = self.queryset.model
        plain = self.key is None or not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values)
        rows: list[Any] = []
        for depth in range(len(self.fields) - 1, -1, -1):
            size = self.per_page - len(rows)

            def build(*cursor: Any, depth: int = depth, size: int = size) -> QuerySet[Any]:
                step = after_step(self.fields, list(cursor), depth, reverse=reverse, model=model)
                return self.queryset.filter(step).order_by(*order)[:size]

            if plain:
                rows += build(*values[: depth + 1])
            else:
                key = ("after", self.key, self.sort, tuple(self.fields), depth, size, reverse)
                rows += compiled(key, build, *values[: depth + 1])
            if len(rows) >= self.per_page:
                break
        return rows

    def validate_number_or_first(self, number: Any) -> int:
        try:
            return int(self.validate_number(number))
        except InvalidPage:  # a bad or out-of-range number shows the nearest page, as get_page does
            try:
                return 1 if int(number) < 1 else self.num_pages
            except (TypeError, ValueError):
                return 1

    def _page_by_offset(self, number: int) -> KeysetPage:
        """Page ``number`` by offset, counted from the nearer end of the list."""
        start = (number - 1) * self.per_page
        if number > (self.num_pages + 1) // 2 and self.count:
            from_end = max(0, self.count - start - self.per_page)
            size = min(self.per_page, self.count - start)
            rows = self._slice(from_end, size, reverse=True)[::-1]
        else:
            rows = self._slice(start, self.per_page, reverse=False)
        return KeysetPage(rows, number, self)

    def _slice(self, start: int, size: int, *, reverse: bool) -> list[Any]:
        def build() -> QuerySet[Any]:
            return self.queryset.order_by(*_order_by(self.fields, reverse=reverse))[start : start + size]

        if self.key is None:
            return list(build())
        return compiled(("page", self.key, self.sort, tuple(self.fields), start, size, reverse), build)
