"""An entry's hash covers only what the entry stores: deleting a person never breaks the chain (ADR 0027)."""

import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from reformledger.core.audit import GENESIS_HASH, compute_hash, log_action, verify_chain
from reformledger.core.models import AuditEntry, AuditHead
from reformledger.org.models import User
from reformledger.reforms.history import history_rows

migration = importlib.import_module("reformledger.core.migrations.0005_audit_entry_keeps_its_actor")


@pytest.fixture
def temp(people):
    """A person of the office who writes, and is then deleted."""
    return User.objects.create_user(username="temp_clerk", full_name="临时文书", password="x")  # noqa: S106


@pytest.fixture
def written(temp, people, reform_factory):
    reform = reform_factory()
    log_action(people.office, "test.before", reform, {"note": [None, "一"]})
    log_action(temp, "test.by_temp", reform, {"note": ["一", "二"]})
    log_action(temp, "test.by_temp", reform, {"note": ["二", "三"]})
    log_action(people.office, "test.after", reform, {"note": ["三", "四"]})
    return reform


def test_entries_copy_the_actors_id_and_names(written, temp):
    entry = AuditEntry.objects.filter(action="test.by_temp").first()
    assert (entry.actor_id_copy, entry.actor_name, entry.actor_display) == (temp.pk, "temp_clerk", "临时文书")
    assert entry.hash_version == 2


def test_deleting_a_person_in_django_keeps_the_chain_intact(written, temp, capsys):
    temp_pk = temp.pk
    temp.delete()  # what /admin/'s delete does: the join is nulled
    entries = AuditEntry.objects.filter(action="test.by_temp")
    assert [(e.actor_id, e.actor_id_copy) for e in entries] == [(None, temp_pk), (None, temp_pk)]
    assert list(verify_chain()) == []
    call_command("audit-verify")
    assert AuditHead.objects.get(pk=1).last_hash in capsys.readouterr().out


def test_deleting_a_person_in_the_database_keeps_the_chain_intact(written, temp):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM org_user WHERE id = %s", [temp.pk])
        cursor.execute("UPDATE core_auditentry SET actor_id = NULL WHERE actor_id = %s", [temp.pk])
    assert not User.objects.filter(pk=temp.pk).exists()
    assert list(verify_chain()) == []
    call_command("audit-verify")


def test_the_history_names_a_deleted_person_as_recorded(written, temp):
    temp.delete()
    rows = history_rows(written)
    assert [row["who"] for row in rows if row["entry"].action == "test.by_temp"] == ["临时文书", "临时文书"]


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE core_auditentry SET actor_display = '别人' WHERE action = 'test.by_temp'",
        "UPDATE core_auditentry SET actor_name = 'someone' WHERE action = 'test.by_temp'",
        "UPDATE core_auditentry SET actor_id_copy = actor_id_copy + 1 WHERE action = 'test.by_temp'",
        "UPDATE core_auditentry SET hash_version = 1 WHERE action = 'test.by_temp'",
    ],
)
def test_changing_a_copied_value_is_detected(written, tamper):
    with connection.cursor() as cursor:
        cursor.execute(tamper)
    problems = list(verify_chain())
    assert problems and "altered" in problems[0].message
    with pytest.raises(CommandError, match=f"#{problems[0].seq}"):
        call_command("audit-verify")


# --- Entries written before the copies (formula 1) ----------------------------------------------


def rewrite_as_formula_1() -> None:
    """Turn the chain into what a release before ADR 0027 wrote: formula 1, no display name."""
    prev = GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq"):
        entry.hash_version, entry.actor_display, entry.prev_hash = 1, "", prev
        entry.entry_hash = compute_hash(entry)
        entry.save()
        prev = entry.entry_hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_entries_of_formula_1_still_verify_after_the_migration(written):
    rewrite_as_formula_1()
    AuditEntry.objects.update(actor_id_copy=None)  # the column the migration adds
    migration.copy_actors(apps, None)
    assert list(verify_chain()) == []
    log_action(None, "test.new", written)  # and the chain goes on with formula 2
    assert AuditEntry.objects.order_by("-seq").first().hash_version == 2
    assert list(verify_chain()) == []


def test_the_migration_recovers_the_ids_of_people_deleted_before_it(written, temp):
    """A chain broken by the old bug (a person deleted, the join nulled) verifies again: the id is
    the one, among the ids nobody has now, that the entry's own hash proves."""
    rewrite_as_formula_1()
    temp_pk = temp.pk
    temp.delete()
    AuditEntry.objects.update(actor_id_copy=None)
    migration.copy_actors(apps, None)
    assert set(AuditEntry.objects.filter(action="test.by_temp").values_list("actor_id_copy", flat=True)) == {temp_pk}
    assert list(verify_chain()) == []


def test_the_migration_leaves_an_altered_entry_to_be_reported(written, temp):
    rewrite_as_formula_1()
    temp.delete()
    AuditEntry.objects.update(actor_id_copy=None)
    AuditEntry.objects.filter(action="test.by_temp").update(object_repr="改过")
    migration.copy_actors(apps, None)
    assert set(AuditEntry.objects.filter(action="test.by_temp").values_list("actor_id_copy", flat=True)) == {None}
    assert [p.seq for p in verify_chain()][:1] == [AuditEntry.objects.get(action="test.before").seq + 1]
