"""Queries built and compiled once per process, run many times (ADR 0059).

Django builds a queryset (each ``filter`` resolves its lookups and joins) and compiles it to SQL
every time it runs. For the lists our pages read most, that costs far more than the query itself: on
the benchmark's machine the workbench's first red tasks (five tables joined) cost 1.9–2.9 ms of
Python through the ORM and 0.2 ms run as SQL; an inbox count 0.6 ms against 0.17 ms. A page that a
level move made stale asks four or five such queries again.

:func:`compiled` runs ``build(*args)`` with its SQL made once per process for ``key``:

- ``key`` names everything ``build`` reads besides ``args`` (who is asking as far as it changes
  the SQL, the filters, a date): two calls with the same key and arguments must build the same
  query. A key that leaves something out would run another query's SQL, so ``COMPILED_QUERIES_CHECK``
  (on in the tests) builds every query afresh as well and fails loudly when the SQL or its parameters
  differ from what the kept SQL would run.
- ``args`` are the values that change from call to call (a person's id, a list of districts): whole
  numbers or text, or tuples of them. ``build`` is first called with stand-ins in their place, and
  each stand-in must reach the SQL as a parameter unchanged (an equality or ``IN``; not inside
  ``icontains``, which adds ``%``): a stand-in that does not is an error, raised at once. The number
  of items of a tuple is part of the key.
- The rows are what the queryset gives (model instances with what ``select_related`` joined, or the
  tuples of ``values_list``): Django's own iterables make them, from the kept compiler's columns.

Only reads (a read that locks its rows, ``select_for_update``, included): writes go the plain way.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, Union

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")
#: A value that changes from call to call: a whole number, text, or a tuple of them.
Arg = Union[int, str, tuple[int | str, ...]]  # noqa: UP007 - an alias used at run time

#: How many compiled queries a process keeps (the least recently used make way).
KEEP = 2048
#: Stand-ins no real row has: negative ids within a 32-bit column's range, and text no one types.
_INT_STAND_IN = -2_000_000_000
_TEXT_STAND_IN = "\x1frl-compiled-{}\x1f"


@dataclass(frozen=True)
class _Kept:
    queryset: QuerySet[Any] | None  # None: the query matches nothing (EmptyResultSet)
    compiler: SQLCompiler | None
    sql: str
    params: tuple[Any, ...]
    #: For each parameter: the index of the stand-in it is (into the flattened arguments), or -1.
    slots: tuple[int, ...]


#: A shape whose stand-ins the ORM turned into an empty query (an id out of a small column's range):
#: its calls are built and run the plain way.
_PLAIN = _Kept(None, None, "", (), ())
_kept: OrderedDict[Hashable, _Kept] = OrderedDict()
_lock = threading.Lock()


def compiled(key: Hashable, build: Callable[..., QuerySet[Any, T]], *args: Arg) -> list[T]:
    """The rows of ``build(*args)``, its SQL built once per process for ``key`` and the shape of
    ``args`` (see the module docstring)."""
    flat = _flatten(args)
    shape = (key, tuple(len(a) if isinstance(a, tuple) else -1 for a in args))
    with _lock:
        kept = _kept.get(shape)
        if kept is not None:
            _kept.move_to_end(shape)
    if kept is None:
        kept = _compile(shape, build, args) or _PLAIN
        with _lock:
            _kept[shape] = kept
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    if kept is _PLAIN:  # a stand-in that the ORM turned into nothing: this shape goes the plain way
        return list(build(*args))
    params = tuple(flat[slot] if slot >= 0 else value for slot, value in zip(kept.slots, kept.params, strict=True))
    if getattr(settings, "COMPILED_QUERIES_CHECK", False):
        _check(shape, build, args, kept, params)
    if kept.queryset is None or kept.compiler is None:
        return []
    return _run(kept.queryset, kept.compiler, kept.sql, params)


def compiled_one(key: Hashable, build: Callable[..., QuerySet[Any, T]], *args: Arg) -> T | None:
    """The one row of ``build(*args)`` (a lookup by a unique column), or None; see :func:`compiled`."""
    found = compiled(key, build, *args)
    return found[0] if found else None


def forget() -> None:
    """Drop every kept query (tests that change what a key cannot see, such as the database)."""
    with _lock:
        _kept.clear()


def _flatten(args: Sequence[Arg]) -> list[int | str]:
    flat: list[int | str] = []
    for arg in args:
        for value in arg if isinstance(arg, tuple) else (arg,):
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise TypeError(f"a compiled query's argument is a whole number or text, not {type(value).__name__}")
            flat.append(value)
    return flat


def _stand_ins(args: Sequence[Arg]) -> tuple[list[Any], list[int | str]]:
    """``args`` with every value replaced by a stand-in of its type, and the stand-ins in order."""
    made: list[int | str] = []

    def stand_in(value: int | str) -> int | str:
        made.append(_INT_STAND_IN - len(made) if isinstance(value, int) else _TEXT_STAND_IN.format(len(made)))
        return made[-1]

    out: list[Any] = [tuple(stand_in(v) for v in arg) if isinstance(arg, tuple) else stand_in(arg) for arg in args]
    return out, made


def _compile(shape: Hashable, build: Callable[..., QuerySet[Any]], args: Sequence[Arg]) -> _Kept | None:
    stand_ins, made = _stand_ins(args)
    queryset = build(*stand_ins)
    if queryset._result_cache is not None:
        raise ImproperlyConfigured(f"compiled query {shape!r}: build() must give a queryset not yet read")
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        if made:
            return None  # it may be empty only for the stand-ins (an id out of a column's range)
        return _Kept(None, None, "", (), ())
    position = {value: index for index, value in enumerate(made)}
    slots = tuple(position.get(value, -1) if isinstance(value, int | str) and not isinstance(value, bool) else -1
                  for value in params)
    missing = set(range(len(made))) - set(slots)
    if missing:
        raise ImproperlyConfigured(
            f"compiled query {shape!r}: argument {sorted(missing)} does not reach the SQL as a parameter "
            "of its own (an equality or IN); put that value in the key instead"
        )
    return _Kept(queryset, compiler, sql, tuple(params), slots)


def _run(queryset: QuerySet[Any, T], template: SQLCompiler, sql: str, params: tuple[Any, ...]) -> list[T]:
    """Evaluate ``queryset`` through a copy of its kept compiler, on this thread's connection, with
    ``sql`` and ``params`` instead of compiling again."""
    compiler = copy.copy(template)
    compiler.connection = connections[queryset.db]
    compiler.as_sql = lambda *_args, **_kwargs: (sql, params)  # type: ignore[method-assign]
    query = copy.copy(queryset.query)
    query.get_compiler = lambda *_args, **_kwargs: compiler  # type: ignore[method-assign]
    # A shallow copy made by hand: copying a QuerySet with ``copy`` would evaluate it (__getstate__).
    run = object.__new__(type(queryset))
    run.__dict__.update(queryset.__dict__, _result_cache=None, _query=query, _prefetch_done=False)
    run._fetch_all()  # Django's own evaluation: its row iterable, then any prefetch_related lookups
    rows: list[T] = run._result_cache  # type: ignore[assignment]
    return rows


def _check(shape: Hashable, build: Callable[..., QuerySet[Any]], args: Sequence[Arg], kept: _Kept,
           params: tuple[Any, ...]) -> None:
    fresh = build(*args)
    try:
        expected = fresh.query.get_compiler(using=fresh.db).as_sql()
    except EmptyResultSet:
        expected = ("", ())
    if (expected[0], tuple(expected[1])) != (kept.sql, params):
        raise AssertionError(
            f"compiled query {shape!r}: the kept SQL is not the query build() gives now; its key leaves "
            f"something out.\nkept:  {kept.sql} {params!r}\nfresh: {expected[0]} {tuple(expected[1])!r}"
        )
