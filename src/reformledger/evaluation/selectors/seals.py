"""Where a round's chain of rating seals stands (ADR 0051), as its results page shows it: the last
seal's number, hash and time, how many ratings the seals cover and how many await theirs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Rating, RatingChain, Round
from ..models.seals import GENESIS


@dataclass(frozen=True)
class SealStatus:
    number: int
    last_hash: str
    sealed_at: dt.datetime | None
    sealed: int
    waiting: int


def seal_status(round_: Round) -> SealStatus:
    """Two small reads: the round's head and its unsealed ratings (an index of their own)."""
    chain = RatingChain.objects.filter(round=round_).values_list("number", "last_hash", "sealed_at", "sealed").first()
    number, last_hash, sealed_at, sealed = chain if chain is not None else (0, GENESIS, None, 0)
    waiting = Rating.objects.filter(round=round_, seal__isnull=True).count()
    return SealStatus(number=number, last_hash=last_hash, sealed_at=sealed_at, sealed=sealed, waiting=waiting)
