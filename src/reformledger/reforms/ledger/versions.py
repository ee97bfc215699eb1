"""A reform's version as the ledger carries it: a fingerprint of the values its columns hold.

The export writes, on every row, the fingerprint of the reform's ledger fields as they were then
(:func:`version_of`); the import computes it again from the reform as it is now. A row whose
version differs comes from an older state of the reform: someone changed it since the export,
through the pages, the API, a progress report's roll-up, an approved change request, another
import or anything else, and applying the row could undo that change (ADR 0023).

A fingerprint of the content rather than a stamp kept by the writers: it cannot miss a change,
whichever path made it, because it is computed from what the change changed; and it needs no
column, no migration and no writer's cooperation. It covers exactly the fields the ledger's
columns set (references by id, co-units as a sorted id list), so a change elsewhere (a task, an
attachment, a renamed unit) does not make the rows of an export stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from .format import LEDGER_FIELDS

#: The version cell: the scheme (``v1``), then 16 hex digits (64 bits of a BLAKE2b digest).
PREFIX = "v1-"
VERSION_PATTERN = re.compile(r"^v1-[0-9a-f]{16}$")


def version_of(values: Mapping[str, Any]) -> str:
    """The version of a reform whose tracked values are ``values`` (``services.snapshot`` shaped)."""
    content = [_plain(values.get(name)) for name in LEDGER_FIELDS]
    data = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return PREFIX + hashlib.blake2b(data, digest_size=8).hexdigest()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)  # dates: ISO 8601


def is_version(text: str) -> bool:
    return bool(VERSION_PATTERN.match(text))
