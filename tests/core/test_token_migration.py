"""Tokens made before expiry existed start their 90 days at the migration and are bound to the
password as it was then (core migration 0006, ADR 0028)."""

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("core", "0005_audit_entry_keeps_its_actor")]
AFTER = [("core", "0006_token_expiry_and_password_mark")]


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_get_a_lifetime_and_a_password_mark(people):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        OldToken = old_apps.get_model("core", "ApiToken")
        OldToken.objects.create(user_id=people.office.pk, key_hash="a" * 64, prefix="rl_aaaaa")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        token = executor.loader.project_state(AFTER).apps.get_model("core", "ApiToken").objects.get()
    finally:  # every later test needs the whole schema back
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    assert token.password_mark == hashlib.sha256(people.office.password.encode()).hexdigest()
