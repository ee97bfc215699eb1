"""Migration 0009 adds ``RatingChain.sealed`` where it is missing (a database migrated before the
column existed) and leaves it where an earlier edit of 0008 had already made it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from reformledger.evaluation.models import RatingChain

migration = importlib.import_module("reformledger.evaluation.migrations.0009_ratingchain_sealed")


def _columns() -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, RatingChain._meta.db_table)}


@pytest.mark.django_db(transaction=True)
def test_the_column_is_added_where_missing_and_left_where_present():
    with connection.schema_editor() as editor:
        migration.add_missing_column(apps, editor)  # present: nothing to do
    assert "sealed" in _columns()
    with connection.schema_editor() as editor:
        editor.remove_field(RatingChain, RatingChain._meta.get_field("sealed"))
    assert "sealed" not in _columns()
    with connection.schema_editor() as editor:
        migration.add_missing_column(apps, editor)  # missing: added
    assert "sealed" in _columns()
