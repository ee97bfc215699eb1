"""The authorisation matrix (issue 9, part 10): every operation of the API and every URL of the
site, asked by every role, answers as :mod:`tests.authz.matrix` says.

* ``test_every_operation_and_url_has_a_row``: an operation or URL pattern missing from the table
  (or a row for one that no longer exists) fails, naming it: a new feature adds its rows.
* ``test_row``: one test per row, asking every role. Reads and writes run in a savepoint that is rolled
  back, on one world built once for the module (:mod:`tests.authz.world`); a write that a role
  must not make is checked to have written nothing (no audit entry, no row counted differently).
* ``PENDING_TENANCY`` / ``PENDING_ADMIN``: (row, role) pairs known to answer otherwise until the
  district boundary (tenancy) and the read-only admin land. Strict: a row whose pending pairs all
  still differ xfails; a pending pair that answers as the table says fails the test (take it out).

``AUTHZ_RECORD=FILE pytest tests/authz -k test_row`` asks every role every operation and URL (with
or without a row) and writes what each got to FILE (JSON); ``python -m tests.authz.generate FILE``
turns it into rows in the table's syntax (for a new feature's rows: read them, do not paste blindly).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from reformledger.core.audit import GENESIS_HASH
from reformledger.core.models import AuditEntry, AuditHead
from tests.authz import matrix
from tests.authz.answers import EXPECTED_ANSWERS, REFUSALS, observe
from tests.authz.routes import PAGE_BODIES, api_bodies, api_operations, api_route, url_of, url_patterns
from tests.authz.world import ROLES, World, build_world, pdf
from tests.conftest import ensure_reference_data

RECORD = os.environ.get("AUTHZ_RECORD", "")

# Each test runs in a savepoint of the world's transaction (rolled back), so tests cannot see each other.
pytestmark = pytest.mark.django_db
API_PREFIX = "/api/v1/"


def covered_keys() -> tuple[set[str], set[str]]:
    """The keys every operation and URL needs (``"GET /office/reforms/"``), and the routes that
    no row names (each a problem, unless exempt or an admin model's)."""
    operations = api_operations()
    operation_paths = {key.split(" ", 1)[1] for key in operations}
    keyed_paths = {key.split(" ", 1)[1] for key in matrix.EXPECTED}
    unnamed = set()
    for route in url_patterns():
        path = "/" + route
        if api_route(route) in operation_paths or path in keyed_paths or path in matrix.EXEMPT:
            continue
        if path.startswith(tuple(matrix.EXEMPT_PREFIXES)):
            continue
        if route.startswith("admin/") and any(route.startswith(f"admin/{m}/") for m in matrix.ADMIN_MODELS):
            continue
        unnamed.add(path)
    return operations, unnamed


def test_every_operation_and_url_has_a_row():
    operations, unnamed = covered_keys()
    missing = sorted(operations - set(matrix.EXPECTED)) + sorted(unnamed)
    pages = {"/" + route for route in url_patterns()}
    stale = sorted(key for key in matrix.EXPECTED if key not in operations and key.split(" ", 1)[1] not in pages)
    message = []
    if missing:
        message.append("Operations and URLs without a row in tests/authz/matrix.py (add one each):\n  " + "\n  ".join(missing))
    if stale:
        message.append("Rows for operations or URLs that no longer exist:\n  " + "\n  ".join(stale))
    assert not message, "\n".join(message)


def test_every_row_names_every_role_and_known_answers():
    for key, row in matrix.EXPECTED.items():
        assert set(row) == set(ROLES), f"{key}: roles {sorted(set(ROLES) ^ set(row))}"
        assert set(row.values()) <= set(EXPECTED_ANSWERS), f"{key}: {row}"
    for key, role in matrix.PENDING:
        assert key in matrix.EXPECTED and role in ROLES, (key, role)


# --- the world, once for the module --------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """District A's objects and a person for every role, in a transaction rolled back at the end.

    Its files go to a folder of its own (``override_settings`` tells the file storage; assigning
    the setting would leave the storage pointing there for the tests that run after)."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("authz-media")))
    media.enable()
    try:
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                ensure_reference_data()
                AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
                built = build_world()
                built.clients = {role: _client(user) for role, user in built.users.items()}
                built.bodies = api_bodies(built.objects, timezone.localdate())
                yield built
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                cache.clear()
    finally:
        media.disable()


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


# Models whose row counts show that a refused write wrote nothing (besides the audit chain).
_WATCHED = ("reforms.Reform", "reforms.Attachment", "reforms.LedgerImport", "supervision.Task",
            "supervision.ProgressReport", "supervision.Order", "supervision.OrderReply",
            "supervision.ExtensionRequest", "supervision.ChangeRequest", "supervision.Completion",
            "supervision.Reminder", "org.Unit", "org.User", "org.Membership")


def fingerprint() -> tuple:
    """The audit chain's length and the watched tables' row counts and latest change, in one query."""
    # Table names from the models, nothing from a request: no injection possible.
    parts = [f"(SELECT COUNT(*) FROM {AuditEntry._meta.db_table})"]  # noqa: S608
    for label in _WATCHED:
        model = apps.get_model(label)
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        if any(f.name == "updated_at" for f in model._meta.fields):
            parts.append(f"(SELECT MAX(updated_at) FROM {table})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def page_body(key: str, objects: dict[str, int]) -> dict[str, Any]:
    """The form data a page write is sent (``routes.PAGE_BODIES``; empty for most)."""
    data = {
        name: str(objects[value[1:]]) if isinstance(value, str) and value.startswith("@") else value
        for name, value in PAGE_BODIES.get(key, {}).items()
    }
    for name in data.pop("files", []):
        data[name] = pdf(f"{name}.pdf")
    return data


def ask(world: World, key: str, role: str, *, watch: bool):
    """The response to ``key`` as ``role``, in a savepoint rolled back; and whether the data
    changed (for a write, when ``watch``)."""
    method, _path = key.split(" ", 1)
    url = url_of(key, world.objects)
    write = watch and method not in ("GET", "HEAD")
    with transaction.atomic():
        before = fingerprint() if write else None
        if url.startswith(API_PREFIX):
            client = Client()
            token = world.tokens[role]
            headers = {"accept-language": "en", **({"authorization": f"Bearer {token}"} if token else {})}
            body = json.dumps(world.bodies.get(key, {})) if write else ""
            response = client.generic(method, url, body, content_type="application/json", headers=headers)
        else:
            client = world.clients[role]
            cookies = copy.deepcopy(client.cookies)  # a sign-out must not sign the role out for the next row
            response = client.post(url, page_body(key, world.objects)) if method == "POST" else client.generic(method, url)
            client.cookies = cookies
        changed = write and fingerprint() != before
        transaction.set_rollback(True)
    cache.clear()
    return response, changed


# --- one test per row, asking every role -------------------------------------------------------------


def _keys() -> list[str]:
    keys = set(matrix.EXPECTED)
    if RECORD:
        operations, unnamed = covered_keys()
        keys |= operations | {f"{m} {path}" for path in unnamed if not path.startswith("/admin/") for m in ("GET", "POST")}
        if os.environ.get("AUTHZ_RECORD_SKIP"):  # keys known to serve no role (a JSON list): not asked again
            keys -= set(json.load(open(os.environ["AUTHZ_RECORD_SKIP"])))
    return sorted(keys)


OBSERVED: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def recorder() -> Iterator[dict[str, dict[str, str]]]:
    yield OBSERVED
    if RECORD:
        with open(RECORD, "w") as out:
            json.dump(OBSERVED, out, indent=1, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("key", _keys())
def test_row(world, recorder, key):
    """Every role asks ``key``; the answers must be the row's. The (row, role) pairs in
    ``PENDING_TENANCY`` or ``PENDING_ADMIN`` must differ (a strict xfail: one that passes must
    leave the set)."""
    wrong, pending_failed, pending_passed = [], [], []
    for role in ROLES:
        expected = None if RECORD else matrix.EXPECTED[key][role]
        response, changed = ask(world, key, role, watch=RECORD or expected in REFUSALS)
        got = observe(response)
        if RECORD:
            recorder.setdefault(key, {})[role] = got + ("+changed" if changed else "")
            continue
        ok = got in EXPECTED_ANSWERS[expected] and not (expected in REFUSALS and changed)
        problem = f"{role}: expected {expected}, got {got} ({response.status_code}){' and the data changed' if changed and expected in REFUSALS else ''}"
        if (key, role) in matrix.PENDING:
            (pending_passed if ok else pending_failed).append(role if ok else problem)
        elif not ok:
            wrong.append(problem)
    where = f"{key} ({url_of(key, world.objects)})"
    assert not wrong, f"{where}:\n  " + "\n  ".join(wrong)
    assert not pending_passed, f"{where}: now answers as the table says for {pending_passed}: take them out of PENDING"
    if pending_failed:
        pytest.xfail(f"{where}, pending: " + "; ".join(pending_failed))
