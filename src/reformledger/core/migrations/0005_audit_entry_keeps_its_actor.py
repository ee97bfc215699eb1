"""Audit entries keep their actor: the actor's id is copied into the entry and the hash reads the
copy, so deleting a person (which nulls ``actor_id``) no longer breaks the chain (ADR 0027).

Entries written before this migration keep their hash: formula 1 hashes the actor's id, and now
reads it from ``actor_id_copy``, filled here from ``actor_id``. Entries whose person was already
deleted (``actor_id`` nulled, the chain reported as broken since) get their id back where it can be
proven: the id, among the ids no person has now, with which the entry's stored hash matches.
"""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import migrations, models

#: Ids above the highest in use that a deleted person may have had (PostgreSQL never reuses an id).
SEARCH_MARGIN = 5000


def _v1_hash(entry, actor_id) -> str:
    """The entry's hash by formula 1, with ``actor_id`` as the actor's id (frozen: never change)."""
    created = entry.created_at
    body = {
        "seq": entry.seq,
        "created_at": created.astimezone(dt.UTC).isoformat() if created.tzinfo else created.isoformat(),
        "actor_id": actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    payload = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(payload).hexdigest()


def recover_deleted_actors(apps, schema_editor) -> None:
    """``actor_id_copy`` of entries whose person was deleted: the id their own hash proves."""
    entry_model = apps.get_model("core", "AuditEntry")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    orphans = entry_model.objects.filter(actor_id_copy=None, hash_version=1).exclude(actor_name="")
    if not orphans.exists():
        return
    in_use = set(user_model.objects.values_list("pk", flat=True))
    highest = max([0, *in_use, *entry_model.objects.exclude(actor_id_copy=None).values_list("actor_id_copy", flat=True)])
    candidates = [pk for pk in range(1, highest + SEARCH_MARGIN) if pk not in in_use]
    found: dict[str, list[int]] = {}  # sign-in name -> ids proven for it (a name may be reused)
    hopeless: set[str] = set()  # names for which no id matched once: only their known ids are tried
    for entry in orphans.order_by("seq").iterator(chunk_size=2000):
        known = found.setdefault(entry.actor_name, [])
        tried = known if entry.actor_name in hopeless else [*known, *candidates]
        for pk in tried:
            if _v1_hash(entry, pk) == entry.entry_hash:
                if pk not in known:
                    known.append(pk)
                entry_model.objects.filter(pk=entry.pk).update(actor_id_copy=pk)
                break
        else:
            hopeless.add(entry.actor_name)  # altered, not orphaned: audit-verify names it


def copy_actors(apps, schema_editor) -> None:
    entry_model = apps.get_model("core", "AuditEntry")
    entry_model.objects.update(hash_version=1, actor_id_copy=models.F("actor_id"))
    recover_deleted_actors(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_cacheversion"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_id_copy",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="actor id (as recorded)"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor_display",
            field=models.CharField(blank=True, max_length=150, verbose_name="actor (as shown)"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2, verbose_name="hash formula"),
        ),
        migrations.RunPython(copy_actors, migrations.RunPython.noop),
    ]
