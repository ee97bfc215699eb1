"""The one writer of the rating tallies (:mod:`..models.tallies`).

Every service that stores ratings calls :func:`count` in the same transaction, before its audit
entry (so the chain's lock is not held while the tally rows are locked): one ``INSERT … ON CONFLICT
DO UPDATE`` that adds to the counts, rows in key order so two raters never wait on each other in
opposite orders. A person's rating is stored and counted by :func:`store_counted` (one statement on
PostgreSQL: ADR 0062). :func:`recount` rebuilds a round's tallies from its ratings (after a bulk load that
went round the services, e.g. the benchmark's COPY) and :func:`disagreements` lists where the tallies
and the ratings differ (``reformledger evaluation-tallies --check``; the tests run it after every
kind of write).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum, Value

from reformledger.core.bulk import chunks, insert_values

from ..models import GAVE_FIELDS, SCORE_FIELDS, SCORE_MIN, Rating, RatingTally, Round, TallyFacet

Key = tuple[int, str, int, int, int, str]  # round, facet, reform, dimension, community, channel
#: A tally's figures: count, squares, then how many gave each score (``gave_1`` … ``gave_5``).
Figures = list[int]
CHUNK = 400
COLUMNS = ("round_id", "facet", "reform_key", "dimension", "community_key", "channel", "count", "squares", *GAVE_FIELDS)
ADDED = ("count", "squares", *GAVE_FIELDS)


def _empty() -> Figures:
    return [0] * (2 + len(GAVE_FIELDS))


def _tally(round: Round, ratings: Iterable[Any]) -> dict[Key, Figures]:  # noqa: A002
    """The tally figures ``ratings`` add up to: per reform (count, Σ total²), per reform and scored
    dimension (the count of each score), per community and channel (count)."""
    size = len(round.dimensions)
    found: dict[Key, Figures] = {}
    for rating in ratings:
        scores = [getattr(rating, name) for name in SCORE_FIELDS]
        mine = scores[:size]
        total = sum(mine) if size and None not in mine else 0  # a rating missing a score has no total
        row = found.setdefault((round.pk, TallyFacet.REFORM, rating.reform_id, 0, 0, ""), _empty())
        row[0] += 1
        row[1] += total * total
        for dimension, value in enumerate(scores, start=1):
            if value is not None:
                found.setdefault((round.pk, TallyFacet.SCORE, rating.reform_id, dimension, 0, ""), _empty())[2 + value - SCORE_MIN] += 1
        found.setdefault((round.pk, TallyFacet.PLACE, 0, 0, rating.community_id or 0, rating.channel), _empty())[0] += 1
    return found


def _upsert(
    rows: Sequence[tuple[Key, Figures]], *, source: str = "{rows}", by_column: bool = False,
) -> tuple[str, list[Any]]:
    """The statement that adds ``rows`` to the tallies: ``source`` gives them (``{rows}``: their
    ``VALUES`` lists), in key order, so two writers never wait on each other in opposite orders.

    ``by_column`` (PostgreSQL): ``{rows}`` is ``unnest`` of one array a column instead, so the
    statement and its few parameters are the same however many rows it adds (psycopg then keeps the
    parsed statement, which it does not for one of over 50 parameters, and the server its plan)."""
    quote = connection.ops.quote_name
    table = quote(RatingTally._meta.db_table)
    keys = ", ".join(quote(c) for c in COLUMNS[:6])
    added = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in ADDED)
    if by_column:
        given = _unnested()
        params: list[Any] = [list(column) for column in zip(*((*key, *figures) for key, figures in rows), strict=True)]
    else:
        given = "VALUES " + ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(rows))
        params = [part for key, figures in rows for part in (*key, *figures)]
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in COLUMNS)}) {source.format(rows=given)} "  # noqa: S608 (names, not values)
        f"ON CONFLICT ({keys}) DO UPDATE SET {added}"
    )
    return sql, params


@functools.cache
def _unnested() -> str:
    """``unnest`` of one array parameter a tally column, each cast to its column's type (PostgreSQL;
    made once: it is on every rating's path)."""
    return "unnest(" + ", ".join(f"%s::{RatingTally._meta.get_field(c).db_type(connection)}[]" for c in COLUMNS) + ")"


def count(*, round: Round, ratings: Sequence[Rating]) -> None:  # noqa: A002
    """Add ``ratings``, just stored in ``round`` in the caller's transaction, to its tallies."""
    rows = sorted(_tally(round, ratings).items())
    with connection.cursor() as cursor:
        for chunk in chunks(rows, CHUNK):
            cursor.execute(*_upsert(chunk))


def store_counted(*, round: Round, rating: Rating) -> bool:  # noqa: A002
    """Store ``rating`` (new, by a person: ``rater`` set) in ``round`` and add it to the tallies, at
    once; False, storing and counting nothing, when the person has rated its reform in the round
    already (the constraint ``one_rating_per_person``, which decides concurrent duplicates too).

    On PostgreSQL this is one statement, atomic by itself (the rating inserted unless a duplicate,
    its tally rows added only if it was): no transaction to open and close around two statements,
    a rating's hot path (ADR 0062). Elsewhere, the ORM's insert and :func:`count` in a transaction.
    """
    prepared = insert_values(rating) if connection.vendor == "postgresql" else None
    if prepared is None:
        try:
            with transaction.atomic():
                rating.save(force_insert=True)
                count(round=round, ratings=[rating])
        except IntegrityError:
            if Rating.objects.filter(round=round, reform_id=rating.reform_id, rater_id=rating.rater_id).exists():
                return False
            raise
        return True
    columns, values = prepared
    quote, table = connection.ops.quote_name, Rating._meta.db_table
    person = [quote(column) for column in ("round_id", "reform_id", "rater_id")]  # one_rating_per_person
    tallied, tally_params = _upsert(sorted(_tally(round, [rating]).items()), by_column=True,
                                    source="SELECT * FROM {rows} AS v WHERE EXISTS (SELECT 1 FROM stored) ORDER BY 1, 2, 3, 4, 5, 6")
    sql = (
        f"WITH stored AS (INSERT INTO {quote(table)} ({', '.join(columns)}) "  # noqa: S608 (names, not values)
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({', '.join(person)}) WHERE {person[2]} IS NOT NULL DO NOTHING RETURNING {quote('id')}), "
        f"counted AS ({tallied}) SELECT {quote('id')} FROM stored"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *tally_params])
        found = cursor.fetchone()
    if found is None:
        return False
    rating.pk = found[0]
    rating._state.adding, rating._state.db = False, connection.alias
    return True


def _recounted(round: Round) -> dict[Key, Figures]:  # noqa: A002
    """The round's tallies as its ratings give them, counted in the database (a few grouped reads)."""
    size = len(round.dimensions)
    ratings = Rating.objects.filter(round=round).order_by()
    found: dict[Key, Figures] = {}
    squares: Any = Value(0)
    if size:  # a rating missing a score has no total (NULL), as in _tally
        total = sum((F(name) for name in SCORE_FIELDS[1:size]), F(SCORE_FIELDS[0]))
        squares = Sum(total * total)
    for reform_id, n, sq in ratings.values("reform_id").annotate(n=Count("*"), sq=squares).values_list("reform_id", "n", "sq"):
        found[(round.pk, TallyFacet.REFORM, reform_id, 0, 0, "")] = [n, int(sq or 0), *[0] * len(GAVE_FIELDS)]
    for dimension, name in enumerate(SCORE_FIELDS, start=1):
        gave = {f"g{k}": Count("pk", filter=Q(**{name: SCORE_MIN + k})) for k in range(len(GAVE_FIELDS))}
        for reform_id, *counts in ratings.exclude(**{name: None}).values("reform_id").annotate(**gave).values_list("reform_id", *gave):
            found[(round.pk, TallyFacet.SCORE, reform_id, dimension, 0, "")] = [0, 0, *counts]
    for community_id, channel, n in ratings.values("community_id", "channel").annotate(n=Count("*")).values_list("community_id", "channel", "n"):
        found.setdefault((round.pk, TallyFacet.PLACE, 0, 0, community_id or 0, channel), _empty())[0] += n
    return found


def stored(round: Round) -> dict[Key, Figures]:  # noqa: A002
    return {
        (round.pk, facet, reform, dimension, community, channel): list(figures)
        for facet, reform, dimension, community, channel, *figures in RatingTally.objects.filter(round=round).values_list(
            *COLUMNS[1:]
        )
    }


@transaction.atomic
def recount(*, round: Round) -> int:  # noqa: A002
    """Rebuild ``round``'s tallies from its ratings; returns the rows kept. On PostgreSQL the tallies
    are locked against writes first, so a rating stored meanwhile is counted exactly once: either
    it committed before the lock (the recount reads it) or its :func:`count` waits for the recount
    to commit and adds to the rebuilt rows. (SQLite has one writer at a time.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(RatingTally._meta.db_table)} IN EXCLUSIVE MODE")
    found = _recounted(round)
    RatingTally.objects.filter(round=round).delete()
    RatingTally.objects.bulk_create(
        (
            RatingTally(round=round, **dict(zip(COLUMNS[1:], (*key[1:], *figures), strict=True)))
            for key, figures in sorted(found.items())
        ),
        batch_size=2000,
    )
    return len(found)


def disagreements(*, round: Round) -> list[str]:  # noqa: A002
    """Where the stored tallies differ from a recount of the ratings (empty when they agree)."""
    expected, kept = _recounted(round), stored(round)
    return [
        f"{' '.join(str(part) for part in key[1:])}: kept {kept.get(key)}, ratings give {expected.get(key)}"
        for key in sorted(set(expected) | set(kept))
        if expected.get(key) != kept.get(key)
    ]
