"""Remove evidence files that no row refers to.

Evidence is written to storage inside the write's transaction, so a committed row always has its
file. When a transaction rolls back after the file was written (a later step failed, a caller's
outer transaction aborted), the row goes and the file stays: an orphan. Django has no rollback
hook, so the daily scan sweeps them: a file under ``evidence/`` that no :class:`~.models.Evidence`
row names and that is older than ``min_age`` (so a transaction still in flight keeps its files).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from .models import Evidence

ROOT = "evidence"
DIRS_PER_QUERY = 500


def _files(storage, folder: str) -> Iterator[str]:
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for name in dirs:
        yield from _files(storage, f"{folder}/{name}")


def sweep_orphan_evidence(*, min_age: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete unreferenced evidence files older than ``min_age``; returns how many went."""
    storage = Evidence._meta.get_field("file").storage
    if not storage.exists(ROOT):
        return 0
    cutoff = timezone.now() - min_age
    folders, _files_at_root = storage.listdir(ROOT)
    removed = 0
    for start in range(0, len(folders), DIRS_PER_QUERY):
        chunk = folders[start : start + DIRS_PER_QUERY]
        on_disk = [name for folder in chunk for name in _files(storage, f"{ROOT}/{folder}")]
        if not on_disk:
            continue
        known = set(Evidence.objects.filter(file__in=on_disk).values_list("file", flat=True))
        for name in on_disk:
            if name not in known and storage.get_modified_time(name) <= cutoff:
                storage.delete(name)
                removed += 1
    return removed
