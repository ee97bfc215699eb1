"""Bulk work on the database: inserting many new rows at once (PostgreSQL's COPY where it is
there, ``bulk_create`` elsewhere), and planning a bulk job's statements for their own values.

Django's ``bulk_create`` on PostgreSQL sends each column as one array (``UNNEST``), and psycopg
escapes every element of a text array in Python, one regular-expression call per quote: 10,000
audit entries, whose JSON is mostly quotes, took 1.6 s that way and 0.18 s through COPY (ADR 0061).
COPY reads no ids back, so these helpers are for rows whose callers do not need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

#: Fewer rows than this go through ``bulk_create``: one INSERT is one round trip, COPY two.
COPY_FROM = 100


def chunks(items: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    """``items`` in slices of at most ``size``: values for one ``IN (…)`` each (SQLite's limit on
    parameters is 999 in old builds)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL's COPY of ``rows`` (values in ``columns``' order) into ``table``, in the current
    transaction: no model instances, no SQL built per row."""
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _inserted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]] | None:
    """The columns our own INSERTs write (COPY, :func:`insert_values`): every concrete one but a
    database-numbered key; None when a field's value comes from the database (``db_default``,
    generated), which only the ORM's own INSERT can ask for."""
    fields = []
    for field in model._meta.concrete_fields:
        if field.generated or field.db_default is not NOT_PROVIDED:
            return None
        if field.primary_key and field.db_returning:
            continue  # an AutoField: the sequence numbers it
        fields.append(field)
    return fields


def insert_new(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """Insert ``objs`` (new, unsaved instances of ``model``) in one go.

    On PostgreSQL, from :data:`COPY_FROM` rows on, this is COPY, and the instances' ``pk`` stay
    unset; elsewhere (and for fewer rows) it is ``bulk_create``. Callers must not rely on the ids.
    Values are prepared as Django prepares them for an INSERT (``pre_save``, ``get_db_prep_save``).
    """
    if not objs:
        return
    fields = _inserted_fields(model) if connection.vendor == "postgresql" and len(objs) >= COPY_FROM else None
    if fields is None:
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    copy_rows(
        model._meta.db_table,
        [connection.ops.quote_name(field.column or field.name) for field in fields],
        ([field.get_db_prep_save(field.pre_save(obj, True), connection=connection) for field in fields] for obj in objs),
    )


def insert_values(obj: models.Model) -> tuple[list[str], list[Any]] | None:
    """The quoted columns and the prepared values of one INSERT of ``obj`` (a new instance), as
    Django's INSERT prepares them (``pre_save`` sets ``auto_now_add`` fields on ``obj`` too), for a
    statement that does more than insert it; None when a value must come from the database
    (``db_default``, generated), which only the ORM's own INSERT can ask for."""
    fields = _inserted_fields(type(obj))
    if fields is None:
        return None
    columns = [connection.ops.quote_name(field.column or field.name) for field in fields]
    return columns, [field.get_db_prep_save(field.pre_save(obj, True), connection=connection) for field in fields]


@contextmanager
def custom_plans() -> Iterator[None]:
    """In this block, PostgreSQL plans each statement for the values it is given (elsewhere: nothing).

    Statements are prepared on their connection from their fifth use (ADR 0058), and PostgreSQL may
    then run one generic plan for every set of values. For a bulk job's ``code IN (900 values)``
    that plan compares each row with each of the 900 parameters, where a plan for the values looks
    them up in a hash table: a ledger's re-import spent 280 ms a query that way against 50 ms
    (ADR 0061). Pages, whose queries take a few values each, keep the generic plans.

    Inside a transaction the setting is the transaction's own (``set_config(..., true)``), so a
    rollback takes it back with everything else; it is restored when the block ends.
    """
    if connection.vendor != "postgresql":
        yield
        return
    local = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'force_custom_plan', %s)",
                       [local])
        (was, _now) = cursor.fetchone()
    try:
        yield
    except BaseException:
        if not local:  # in a transaction, its rollback restores the setting
            _set_plan_cache_mode(was, local=False)
        raise
    _set_plan_cache_mode(was, local=local)


def _set_plan_cache_mode(value: str, *, local: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('plan_cache_mode', %s, %s)", [value, local])
