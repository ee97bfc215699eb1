"""Cache what pages are built from, keyed on the versions of the facts they read.

Every write that matters goes through a service and so appends to the audit trail. The append also
records, per **scope** it touches, the entry's sequence number (:class:`~reformledger.core.models.CacheVersion`):

- ``work:d12`` — the programme's work in district 12 (reforms, tasks, reports, orders, decisions…);
- ``org:d12`` — its organisation (units, people, roles); an org write bumps ``work:d12`` too;
- ``work:every`` / ``org:every`` — a write that concerns every district (the daily scan, a domain);
- ``work:*`` / ``org:*`` — bumped by every write of the family anywhere.

A cached value is stored under its own inputs *and the versions of the scopes it reads*. A value
that reads district 12's work depends on ``("work:d12", "work:every")``; a list across the whole
province on ``("work:*",)``. So a progress report in district 12 makes district 12's pages compute
afresh and leaves every other district's pages (and everything that reads only the organisation:
roles, filter options) as they were. Province-wide pages are composed of per-district parts
(:func:`per_district`) and of rows keyed on their own content (:func:`cached_rows`), so a write
re-renders only the part it changed ("Russian-doll" caching, key-based expiry: nothing is ever
deleted, stale keys simply stop being asked for and expire).

The versions live in the database, written in the writer's transaction: every process and cache
backend sees the same versions, and a rolled-back write leaves none. A request reads them once, at
its first lookup, and remembers them; a process reads only those changed since its last read
(``core.versions``).

A page or fragment also records **what it read** (:func:`depends_on`; every versioned lookup does
it by itself), stored with those scopes' versions and served while they stand (:func:`tracked`). So
a province-wide page whose rows are all of district 12 depends on district 12's work and on the
province's reform facts (``reforms:dN``, bumped only by writes to the reforms app's records), and a
progress report in district 40 leaves it served as it is.

Writes that bypass the services and the audit trail (raw SQL, the benchmark generator's
``audit=False`` path) change no version; a restart clears the default per-process cache.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import get_language

from .compiled import compiled
from .store import store
from .versions import caching_allowed, read_versions, request_memo

T = TypeVar("T")
TIMEOUT = 600

Scopes = tuple[str, ...]
WORK_ANYWHERE = "work:*"
ORG_ANYWHERE = "org:*"
#: What a value depends on when its caller names nothing narrower: any write anywhere.
EVERYTHING: Scopes = (WORK_ANYWHERE,)
#: Values built from the organisation only (roles, units, domains): unchanged by the day's work.
ORGANISATION: Scopes = (ORG_ANYWHERE,)
#: Apps whose writes are organisation facts; every other app's writes are the programme's work.
ORG_APPS = frozenset({"org"})
#: Records whose writes also bump a scope of their own besides the work's, by model label or app
#: label (registered by the app that owns them, :func:`register_fact_family`): ``reforms`` — the
#: reform rows a catalogue counts and lists by (year, tier, status, domain, units, text; the roll-up's
#: ``progress`` is the one reform column written outside the reforms services, so what reads it
#: depends on the work scope, never on this one); ``help`` — the help requests a badge counts.
_fact_families: dict[str, str] = {}
#: Families whose writes change nothing the programme's work pages show (the evaluation's ratings):
#: they bump their own family alone, so a public round's thousands of ratings leave the district's
#: catalogue, board and workbench served as they were.
_apart_families: set[str] = set()


#: Audited actions whose entries bump a family whatever record they are written on (an extension
#: request is audited on its task).
_action_families: dict[str, str] = {}
#: Families bumped with the work by every write of the work (:func:`register_work_family`), except
#: the entries of the "quiet" actions named for each: what such a write moved, its writer says
#: itself (:func:`moved_scopes`, ``core.audit.record_moved``).
_work_families: dict[str, frozenset[str]] = {}


def register_fact_family(label: str, family: str, *, apart: bool = False) -> None:
    """Writes audited on records of ``label`` (``"app"`` or ``"app.model"``) also bump
    ``family:dN``: a value made of those records alone (and the reform rows and the organisation it
    is scoped by) can depend on ``family`` and stay cached through the rest of the day's work.
    ``apart``: those writes bump the family alone, not the work (what reads those records depends
    on the family: :func:`fact_scopes`)."""
    _fact_families[label] = family
    if apart:
        _apart_families.add(family)


def register_action_family(actions: Iterable[str], family: str) -> None:
    """Entries of these audited actions bump ``family:dN`` too (see :func:`register_fact_family`)."""
    for action in actions:
        _action_families[action] = family


#: What the roll-up computes (levels, progress, warnings): a work family ``supervision`` registers, which a
#: report bumps only when it moved them (ADR 0052); the board, the workbench, the catalogues read it.
LEVELS = "levels"
#: Whether tasks are settled, with their dates and the orders' items: a work family ``supervision``
#: registers, quiet on progress reports (a report never settles a task nor moves a deadline), which
#: the orders' "tasks past their order's deadline" reads.
SETTLED = "settled"


def register_work_family(family: str, *, quiet_actions: Iterable[str]) -> None:
    """Every audited write of the work (and of the organisation) bumps ``family:dN`` too, except the
    entries of ``quiet_actions``: their writer bumps the family only when the write moved what the
    family stands for (``core.audit.record_moved``). So a value that reads the work but not what
    those actions change when they move nothing depends on ``family`` instead of the work, and
    stays cached through them (ADR 0052: ``levels``, a progress report that moves no level)."""
    _work_families[family] = frozenset(quiet_actions)


def families() -> set[str]:
    """Every family a district's scopes are named by: the work, the organisation and the registered ones."""
    return {"work", "org", *_fact_families.values(), *_work_families}


def moved_scopes(family: str, district_ids: Iterable[int | None]) -> set[str]:
    """The scopes of ``family`` that a write in these districts changes (``None``: no district)."""
    parts = {f"d{pk}" if pk else "every" for pk in district_ids}
    return {f"{family}:{part}" for part in parts} | {f"{family}:*"}


def work_scopes(district_ids: Iterable[int] | None) -> Scopes:
    """The scopes of the work in these districts (``None``: the whole province)."""
    if district_ids is None:
        return EVERYTHING
    return ("work:every", *(f"work:d{pk}" for pk in sorted(set(district_ids))))


def reform_fact_scopes(district_ids: Iterable[int] | None) -> Scopes:
    """The scopes of the reform rows of these districts as a catalogue counts them (their
    reforms-app records and their organisation's names and codes), and of writes to every district
    (``None``: the whole province's)."""
    if district_ids is None:
        return ("work:every", "reforms:*", "org:*")
    ids = sorted(set(district_ids))
    return ("work:every", "reforms:every", "org:every", *(f"{family}:d{pk}" for pk in ids for family in ("reforms", "org")))


def fact_scopes(family: str, district_ids: Iterable[int] | None) -> Scopes:
    """What a value made of ``family``'s records of these districts (and their reform rows and
    organisation) depends on: each district's parts (:func:`district_fact_scopes`) and the writes
    to every district. ``None``: every district's (the province office's reads), which a write of
    that family, reform row or organisation anywhere changes, and nothing else."""
    if district_ids is None:
        return (f"{family}:*", "reforms:*", "org:*")
    every = ("work:every", f"{family}:every", "reforms:every", "org:every")
    return tuple(dict.fromkeys((*every, *(s for pk in sorted(set(district_ids)) for s in district_fact_scopes(family, pk)))))


def district_fact_scopes(family: str, pk: int) -> Scopes:
    """What one district's part of a per-district value depends on (see :func:`per_district`): its
    work; or the records of ``family``, the reform rows they are scoped by and the organisation."""
    if family == "work":
        return (f"work:d{pk}",)
    return tuple(dict.fromkeys((f"{family}:d{pk}", f"reforms:d{pk}", f"org:d{pk}")))


# --- what a write touches -----------------------------------------------------------------------

#: ``model -> callable(obj) -> district id | None`` for models that do not carry ``district_id``
#: and whose related objects are not enough (registered by the app that owns the model).
_district_resolvers: dict[type[models.Model], Callable[[Any], int | None]] = {}
#: Related objects through which an object without ``district_id`` finds its district, when they
#: are already loaded (no query is made for them).
_DISTRICT_VIA = ("reform", "task", "order", "report", "unit")


def register_district_of(model: type[models.Model], resolve: Callable[[Any], int | None]) -> None:
    _district_resolvers[model] = resolve


def district_of(obj: models.Model) -> int | None:
    """The district an object belongs to, or None when it belongs to none (or to every one)."""
    resolve = _district_resolvers.get(type(obj))
    if resolve is not None:
        return resolve(obj)
    if hasattr(obj, "district_id"):
        return obj.district_id or (obj.pk if obj._meta.label_lower == "org.unit" else None)
    cache_of_related = obj._state.fields_cache
    for name in _DISTRICT_VIA:
        related = cache_of_related.get(name)
        if isinstance(related, models.Model):
            return district_of(related)
    return None


def write_scopes(obj: models.Model, changes: Mapping[str, Any] | None = None, *, action: str = "") -> set[str]:
    """The scopes a write to ``obj`` changes (both districts when it moved from one to another)."""
    label = obj._meta.app_label
    facts = {_fact_families.get(obj._meta.label_lower) or _fact_families.get(label), _action_families.get(action)} - {None}
    if label in ORG_APPS:
        families: tuple[str, ...] = ("org", "work")
    elif facts and facts <= _apart_families:
        families = tuple(sorted(f for f in facts if f))
    else:
        families = ("work", *sorted(f for f in facts if f))
    if "work" in families:
        families += tuple(f for f, quiet in sorted(_work_families.items()) if action not in quiet)
    districts = {district_of(obj)}
    moved = (changes or {}).get("district")
    if isinstance(moved, list | tuple) and len(moved) == 2:
        districts |= {value for value in moved if isinstance(value, int)}
    parts = {f"d{pk}" if pk else "every" for pk in districts}
    return {f"{family}:{part}" for family in families for part in parts} | {f"{family}:*" for family in families}


# --- what a read depends on ---------------------------------------------------------------------

#: The scopes read while a tracked value (:func:`tracked`) is computed; None when nothing tracks.
_reads: ContextVar[set[str] | None] = ContextVar("reformledger_reads", default=None)


def depends_on(scopes: Iterable[str]) -> None:
    """Record that the value being computed read these scopes (rows of these districts, say, read
    by a query that no versioned lookup made)."""
    reads = _reads.get()
    if reads is not None:
        reads.update(scopes)


def scope_versions(scopes: Sequence[str]) -> tuple[int, ...]:
    """The version of each scope (0 for a scope no write has touched yet), as this request read
    them at its first lookup (``core.versions``)."""
    depends_on(scopes)
    return read_versions(scopes)


def version_token(scopes: Sequence[str], versions: Sequence[int] | None = None) -> str:
    versions = scope_versions(scopes) if versions is None else versions
    return ",".join(f"{scope}={version}" for scope, version in zip(scopes, versions, strict=True))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


MISSING = object()


def if_current(stored: Any) -> Any:
    """The value of a tracked entry ``(scopes read, their versions, value)`` while those versions
    stand (and the scopes it read, recorded for whatever encloses it); ``MISSING`` otherwise."""
    if stored is None:
        return MISSING
    read, versions, value = stored
    return value if caching_allowed(read) and scope_versions(read) == versions else MISSING


def current_entry(key: str) -> Any:
    """The value of the tracked entry under ``key`` while the versions it read stand (see
    :func:`if_current`), ``MISSING`` otherwise: this process's near copy if it is current, else
    the shared cache's entry (``core.store``)."""
    found: Any = MISSING

    def usable(stored: Any) -> bool:
        nonlocal found
        found = if_current(stored)
        return found is not MISSING

    stored = store.get(key, usable=usable)
    return found if found is not MISSING else if_current(stored)


@contextmanager
def recording(scopes: Scopes) -> Iterator[set[str]]:
    """Collect the scopes read inside the block (starting with ``scopes``); on leaving, they are
    read by whatever encloses the block too."""
    outer = _reads.get()
    read = set(scopes)
    token = _reads.set(read)
    try:
        yield read
    finally:
        _reads.reset(token)
        if outer is not None:
            outer.update(read)


def keep(key: str, read: set[str], value: object) -> None:
    """Store a tracked value with the versions of what it read, as this request read them (the
    request's versions are one snapshot, taken before it computed anything)."""
    if caching_allowed(read):
        scopes = tuple(sorted(read))
        store.set(key, (scopes, scope_versions(scopes), value), TIMEOUT)


def tracked(key: str, compute: Callable[[], T], *, scopes: Scopes = ()) -> T:
    """``compute()``, stored under ``key`` (its inputs, no versions) with the scopes it read (its
    own ``scopes`` and every versioned lookup inside it) and their versions; served while those
    versions stand. What it read is added to the value that encloses it, cached or not."""
    if not caching_allowed(scopes):
        depends_on(scopes)
        return compute()
    value = current_entry(key)
    if value is not MISSING:
        return cast(T, value)
    with recording(scopes) as read:
        fresh = compute()
    keep(key, read, fresh)
    return fresh


def fragment_key(*parts: object, scopes: Scopes = EVERYTHING) -> str:
    """A cache key for a rendered fragment: its inputs, the language and its scopes' versions."""
    return digest("|".join(str(part) for part in (*parts, get_language(), version_token(scopes))))


def _cached(key: str, compute: Callable[[], T], scopes: Scopes) -> T:
    """``compute()``, stored under ``key`` + the scopes' versions (unless a write of this request
    that bumped one of them is uncommitted)."""
    if not caching_allowed(scopes):
        return compute()
    versions = scope_versions(scopes)
    full_key = f"{key}:{digest(version_token(scopes, versions))}"
    memo = request_memo()  # a value looked up twice in a request is fetched once
    seen: dict[str, Any] = memo.setdefault("values", {}) if memo is not None else {}
    if full_key in seen:
        return cast(T, seen[full_key])
    value: T | None = store.get(full_key)
    if value is None:
        value = compute()
        store.set(full_key, value, TIMEOUT)
    seen[full_key] = value
    return value


def cached_count(qs: QuerySet[Any], *, scopes: Scopes = EVERYTHING) -> int:
    """``qs.count()``, cached under the query's SQL and the versions of ``scopes``."""
    if qs.query.is_empty():  # ``qs.none()`` has no SQL
        return 0
    try:
        sql, params = qs.order_by().query.sql_with_params()
    except EmptyResultSet:  # a condition on ``none()`` (``task__in=Task.objects.none()``): nothing matches
        return 0
    text = f"{qs.db}|{connections[qs.db].vendor}|{sql}|{params!r}"
    return _cached(f"rl:count:{digest(text)}", qs.count, scopes)


class CachedCountPaginator(Paginator[Any]):
    """A Paginator whose total is cached until the next write (see module docstring)."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return int(super().count)


def once_a_request(request: Any, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once a request under ``name`` (a count the page and its menu both show, a list's
    filter form), with what it read: every call records the scopes the first one read, so a value
    kept on its reads (a late value, a fragment) that took it from here goes stale with it, like the
    one that computed it."""
    memo: dict[str, tuple[Any, frozenset[str]]] = request.__dict__.setdefault("_rl_once", {})
    if name not in memo:
        with recording(()) as read:
            value = compute()
        memo[name] = (value, frozenset(read))
    kept, read_then = memo[name]
    depends_on(read_then)
    return cast(T, kept)


def cached_value(key: str, compute: Callable[[], T], *, scopes: Scopes = EVERYTHING) -> T:
    """``compute()``, cached under ``key`` and the versions of ``scopes``.

    ``key`` must name every input of ``compute`` (for lists, ``reforms.selectors.list_key``): it
    is cheaper than compiling a query's SQL to key it, as :func:`cached_count` does.
    """
    return _cached(f"rl:value:{digest(key)}", compute, scopes)


@functools.lru_cache(maxsize=512)
def _district_layout(family: str, district_ids: tuple[int, ...]) -> tuple[Scopes, int, tuple[tuple[int, int], ...]]:
    """The scopes a per-district value of these districts reads, in order: the writes to every
    district's (the first ``every`` of them), then each district's part, which is
    ``scopes[start:end]`` (its bounds, in the order of ``district_ids``). A province office asks for
    the same hundred districts on every page: made once."""
    every = ("work:every",) if family == "work" else tuple(dict.fromkeys(("work:every", f"{family}:every", "reforms:every", "org:every")))
    scopes, bounds = list(every), []
    for pk in district_ids:
        part = district_fact_scopes(family, pk)
        bounds.append((len(scopes), len(scopes) + len(part)))
        scopes += part
    return tuple(scopes), len(every), tuple(bounds)


def per_district(
    key: str,
    district_ids: Sequence[int],
    compute: Callable[[list[int]], Mapping[int, T]],
    *,
    default: T,
    family: str = "work",
) -> dict[int, T]:
    """A value per district, each cached on its own district's version.

    ``compute(ids)`` returns the values of the districts asked for (one grouped query, typically);
    only districts written since their value was cached are computed again. Sums over the province
    (counts, totals by tier, the years in use) are then exact and cost one small query after a write.
    ``family="reforms"`` for values made of reform rows alone (counts and years of the catalogue,
    totals by tier): a district's part then waits for a write to its reforms or its organisation,
    and a progress report leaves it as it was (:func:`reform_fact_scopes`).

    The parts of one ``key`` live in one cache entry, ``{district: (its versions, value)}``: a
    province-wide figure is one lookup, not one per district. Each part carries the versions it was
    computed at, so an entry written by a slower process with older parts is only ever recomputed,
    never believed.
    """
    district_ids = tuple(district_ids)
    scopes, every, bounds = _district_layout(family, district_ids)
    versions = scope_versions(scopes)
    entry_key = f"rl:pd:{family}:{digest(key)}:{'.'.join(map(str, versions[:every]))}"
    allowed = caching_allowed(scopes)
    current = {pk: versions[start:end] for pk, (start, end) in zip(district_ids, bounds, strict=True)}
    # This process's copy is used as far as its parts stand, without asking the shared cache
    # whether another process counted the rest already: after a write, the district it moved is
    # one small grouped count here, cheaper than the round trip that would rarely spare it.
    stored: dict[int, tuple[tuple[int, ...], T]] = (store.get(entry_key) or {}) if allowed and district_ids else {}
    out: dict[int, T] = {}
    missing: list[int] = []
    for pk in district_ids:
        part = stored.get(pk)
        if part is not None and part[0] == current[pk]:
            out[pk] = part[1]
        else:
            missing.append(pk)
    if missing:
        computed = compute(missing)
        for pk in missing:
            out[pk] = computed.get(pk, default)
            stored[pk] = (current[pk], out[pk])
        if allowed:
            store.set(entry_key, stored, TIMEOUT)
    return out


def district_count(
    qs: QuerySet[Any] | Callable[[], QuerySet[Any]], district_ids: Sequence[int], *, district_field: str = "district_id",
    key: str | None = None, family: str = "work",
) -> int:
    """``qs.count()`` over the given districts, each district's part cached on that district's
    version: after a write, one small grouped count. ``district_field`` names the path to the
    district when the model does not carry it (``"task__district_id"`` for progress reports).
    ``key`` names everything ``qs`` is built from (cheaper than compiling its SQL, the default);
    with a key, ``qs`` may be a function building it, called only when a district's part is not kept."""
    build = qs if not isinstance(qs, QuerySet) else lambda: qs
    if not district_ids or (isinstance(qs, QuerySet) and qs.query.is_empty()):
        return 0
    if key is None:
        built = build()
        sql, params = built.order_by().query.sql_with_params()
        key = f"{built.db}|{connections[built.db].vendor}|{sql}|{params!r}"
    key = f"count|{key}|{district_field}"

    def counted(missing: tuple[int, ...]) -> QuerySet[Any, tuple[int, int]]:
        rows: QuerySet[Any, tuple[int, int]] = (
            build().order_by().filter(**{f"{district_field}__in": missing})
            .values_list(district_field).annotate(n=models.Count("pk"))
        )
        return rows

    def compute(missing: list[int]) -> dict[int, int]:
        # Compiled once per process for the key (core.compiled): after a write, only the count runs.
        return {district: n for district, n in compiled(key, counted, tuple(missing))}

    return sum(per_district(key, district_ids, compute, default=0, family=family).values())

