"""Remove evidence files (and every other stored file: order replies, reform attachments, fault-
tolerance evidence, case-study materials) that no row refers to.

Evidence is written to storage inside the write's transaction, so a committed row always has its
file. When a transaction rolls back after the file was written (a later step failed, a caller's
outer transaction aborted), the row goes and the file stays: an orphan. Django has no rollback
hook, so the daily scan sweeps them: a file under ``evidence/`` that no :class:`~.models.Evidence`
row names (or under ``order-replies/`` that no :class:`~.models.OrderReplyFile` names) and that is
older than ``min_age`` (so a transaction still in flight keeps its files). The other apps name
their folders through ``core.registry.register_stored_files``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from reformledger.core import registry

from .models import Evidence, OrderReplyFile

ROOT = "evidence"
#: Supervision's folders of stored files and the model whose rows name them (other apps register theirs).
ROOTS = {ROOT: Evidence, "order-replies": OrderReplyFile}
DIRS_PER_QUERY = 500


def _files(storage, folder: str) -> Iterator[str]:
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _files(storage, f"{folder}/{name}")


def sweep_orphan_evidence(*, min_age: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete unreferenced stored files older than ``min_age``; returns how many went."""
    cutoff = timezone.now() - min_age
    return sum(_sweep(root, model, cutoff) for root, model in {**ROOTS, **registry.stored_files()}.items())


def _sweep(root: str, model, cutoff) -> int:
    storage = model._meta.get_field("file").storage
    if not storage.exists(root):
        return 0
    folders, _files_at_root = storage.listdir(root)
    removed = 0
    for start in range(0, len(folders), DIRS_PER_QUERY):
        chunk = folders[start : start + DIRS_PER_QUERY]
        on_disk = [name for folder in chunk for name in _files(storage, f"{root}/{folder}")]
        if not on_disk:
            continue
        known = set(model.objects.filter(file__in=on_disk).values_list("file", flat=True))
        for name in on_disk:
            if name not in known and storage.get_modified_time(name) <= cutoff:
                storage.delete(name)
                removed += 1
    return removed
