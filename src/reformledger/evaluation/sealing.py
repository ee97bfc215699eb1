"""The arithmetic of a round's seals (ADR 0051): pure, so the verifier and the sealer agree.

A rating's *line* names everything a result or an anomaly flag reads of it — its id, reform,
channel, who rated (person, code or slip and its number), community, scores, the SHA-256 of its
comment, the hashed address and device, and when it was stored — joined by ``|``. A seal's hash is
the SHA-256 of ``round|number|previous hash`` and each line in the order of the ratings' ids, one per
line: anyone with the rows can recompute it (``reformledger evaluation-seal --verify``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from .models import SCORE_FIELDS

#: The columns of a rating a line is made of, in this order (``Rating.objects.values_list(*LINE_FIELDS)``).
LINE_FIELDS: tuple[str, ...] = (
    "id", "reform_id", "channel", "rater_id", "code_id", "slip_id", "slip_number", "community_id",
    *SCORE_FIELDS, "comment", "address_hash", "device_hash", "created_at",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return str(value)


def rating_line(row: Sequence[Any]) -> str:
    """One rating's line from its ``LINE_FIELDS`` values (the comment replaced by its SHA-256)."""
    values = dict(zip(LINE_FIELDS, row, strict=True))
    comment = values["comment"] or ""
    values["comment"] = hashlib.sha256(comment.encode()).hexdigest() if comment else ""
    return "|".join(_text(values[name]) for name in LINE_FIELDS)


def seal_hash(*, round_id: int, number: int, prev_hash: str, rows: Iterable[Sequence[Any]]) -> str:
    """The hash of seal ``number`` of round ``round_id`` over ``rows`` (in the order of their ids)."""
    digest = hashlib.sha256(f"{round_id}|{number}|{prev_hash}\n".encode())
    for row in rows:
        digest.update(rating_line(row).encode())
        digest.update(b"\n")
    return digest.hexdigest()
