"""core.bulk: COPY stores exactly what bulk_create stores; bulk jobs plan statements for their values."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from reformledger.core.audit import Change, log_actions, verify_chain
from reformledger.core.bulk import COPY_FROM, custom_plans, insert_new
from reformledger.core.models import AuditEntry

HOSTILE = ['a "quoted", {braced} value', "tab\there", "new\nline", "back\\slash", "\\N", "NULL", "", "改革 “引号”"]


def _entries(first_seq: int, count: int) -> list[AuditEntry]:
    when = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 30, 15, 123456))
    return [
        AuditEntry(
            seq=first_seq + n, created_at=when, actor_id=None, actor_id_copy=None if n % 2 else n,
            actor_name=HOSTILE[n % len(HOSTILE)], actor_display="", hash_version=2, action="test.bulk",
            object_type="reforms.reform", object_id=str(n), object_repr=HOSTILE[(n + 3) % len(HOSTILE)],
            changes={"title": [None, HOSTILE[n % len(HOSTILE)]], "nested": {"list": [1, 2.5, None, True]}, "n": n},
            prev_hash="0" * 64, entry_hash=f"{n:064d}",
        )
        for n in range(count)
    ]


def _stored(first_seq: int, count: int) -> list[dict]:
    rows = AuditEntry.objects.filter(seq__gte=first_seq, seq__lt=first_seq + count).order_by("seq")
    return [{k: v for k, v in row.items() if k not in ("id", "seq")} for row in rows.values()]


def test_copy_stores_what_bulk_create_stores(db):
    count = COPY_FROM + 20
    copied, created = _entries(10_000, count), _entries(20_000, count)
    insert_new(AuditEntry, copied)
    AuditEntry.objects.bulk_create(created)
    assert _stored(10_000, count) == _stored(20_000, count)
    assert _stored(10_000, count)[1]["actor_name"] == HOSTILE[1]
    if connection.vendor == "postgresql":
        assert all(entry.pk is None for entry in copied)  # COPY reads no ids back


def test_fewer_rows_are_created_as_usual(db):
    few = _entries(30_000, 3)
    insert_new(AuditEntry, few)
    assert all(entry.pk is not None for entry in few)
    assert len(_stored(30_000, 3)) == 3


def test_a_large_append_keeps_the_chain_whole(db, people):
    changes = [Change("test.bulk", people.office, {"note": [None, HOSTILE[n % len(HOSTILE)]]}) for n in range(COPY_FROM * 2)]
    entries = log_actions(people.office, changes)
    assert [entry.seq for entry in entries] == list(range(entries[0].seq, entries[0].seq + COPY_FROM * 2))
    assert not list(verify_chain())


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_custom_plans_holds_for_its_block_only():
    if connection.vendor != "postgresql":
        with custom_plans():  # nothing to do elsewhere
            return
    assert _plan_cache_mode() == "auto"
    with custom_plans():  # outside a transaction (a dry run of the import)
        assert _plan_cache_mode() == "force_custom_plan"
    assert _plan_cache_mode() == "auto"
    with transaction.atomic():
        with custom_plans():
            assert _plan_cache_mode() == "force_custom_plan"
        assert _plan_cache_mode() == "auto"
    with pytest.raises(ZeroDivisionError), transaction.atomic(), custom_plans():
        1 / 0  # noqa: B018 - a failure inside the block
    assert _plan_cache_mode() == "auto"
    with pytest.raises(ZeroDivisionError), custom_plans():
        1 / 0  # noqa: B018
    assert _plan_cache_mode() == "auto"
