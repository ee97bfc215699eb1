"""The audit trail: every service write is recorded, hash-chained, and tampering is detected."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from reformledger.core.audit import history_of, log_action, verify_chain
from reformledger.core.models import AuditEntry, AuditHead
from reformledger.reforms import services
from reformledger.reforms.models import Status


@pytest.fixture
def written(people, reform_factory):
    reform = reform_factory(status=Status.APPROVED)
    services.update_reform(user=people.office, reform=reform, data={"title": "新标题", "goals": "目标一"})
    services.transition_reform(user=people.unit_staff, reform=reform, to_status=Status.IN_PROGRESS)
    services.update_reform(user=people.unit_staff, reform=reform, data={"goals": "目标二"})
    return reform


def test_every_service_write_appends_an_entry_with_before_and_after(written, people):
    entries = list(history_of(written))
    assert [e.action for e in entries] == ["reform.update", "reform.transition", "reform.update"]
    newest, transition, first = entries
    assert first.changes["title"][1] == "新标题"
    assert first.changes["goals"][1] == "目标一"
    assert transition.changes["status"] == ["approved", "in_progress"]
    assert transition.actor_name == "unit_staff"
    assert newest.changes == {"goals": ["目标一", "目标二"]}


def test_intact_log_verifies(written, capsys):
    assert list(verify_chain()) == []
    call_command("audit-verify")
    out = capsys.readouterr().out
    head = AuditHead.objects.get(pk=1)
    assert f"#{head.seq} {head.last_hash}" in out


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE core_auditentry SET changes = '{\"progress\": [10, 99]}' WHERE seq = 3",
        "UPDATE core_auditentry SET actor_name = 'someone' WHERE seq = 2",
        "DELETE FROM core_auditentry WHERE seq = 2",
        "DELETE FROM core_auditentry WHERE seq = 3",
    ],
)
def test_tampering_in_the_database_is_detected_and_named(written, tamper):
    with connection.cursor() as cursor:
        cursor.execute(tamper)
    problems = list(verify_chain())
    assert problems
    with pytest.raises(CommandError, match=r"#[23]"):
        call_command("audit-verify")


def test_nothing_is_recorded_when_the_write_fails(people, reform_factory):
    reform = reform_factory()
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017
        services.update_reform(user=people.office, reform=reform, data={"progress": 140})
    assert AuditEntry.objects.count() == before
    reform.refresh_from_db()
    assert reform.progress == 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(people, reform_factory):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the row lock is exercised on PostgreSQL")
    reform = reform_factory()
    errors = []

    def write(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    log_action(None, "test.concurrent", reform, {"n": [None, n * 100 + i]})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEntry.objects.filter(action="test.concurrent").count() == 40
    assert list(verify_chain()) == []
