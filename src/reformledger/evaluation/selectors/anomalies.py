"""Anomaly flags of a round, for its office only (``evaluation.view_anomalies``): signs that ratings
were stuffed, for a person to look at. A flag is not a verdict: a community centre's one address or
a meeting's shared tablet bursts honestly; the office looks and decides.

* **Burst** from one address or one device (keyed hashes, never the address itself): at least
  :data:`BURST_RATINGS` ratings within any :data:`BURST_MINUTES` minutes. The database groups the
  round's ratings by sender and minute, keeping only senders with at least ``BURST_RATINGS`` ratings
  in all (``HAVING``); the window then slides over those minute counts (a few rows per sender).
* **Identical comments**: the same comment text (at least :data:`IDENTICAL_MIN_LENGTH` characters,
  so "很好" is no flag) on at least :data:`IDENTICAL_MIN_RATINGS` ratings (``GROUP BY comment``).
* **Code pack used up within minutes**: at least :data:`PACK_USED_SHARE` of a pack's codes used (a
  pack of at least :data:`PACK_MIN_SIZE`), the first and the last use no more than
  :data:`PACK_MINUTES` minutes apart (``MIN``/``MAX`` of ``used_at`` per pack).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.db.models.functions import Length, TruncMinute

from ..models import Rating, RatingCode, RatingCodePack, Round

#: A burst: this many ratings or more from one address (or device) …
BURST_RATINGS = 30
#: … within this many minutes.
BURST_MINUTES = 10
#: Identical comments: this many ratings or more with the same comment …
IDENTICAL_MIN_RATINGS = 3
#: … of at least this many characters.
IDENTICAL_MIN_LENGTH = 8
#: A pack used up: this share of its codes or more …
PACK_USED_SHARE = 0.9
#: … the first and last use at most this many minutes apart, for packs of at least this many codes.
PACK_MINUTES = 10
PACK_MIN_SIZE = 10


@dataclass(frozen=True)
class Burst:
    kind: str  # "address" or "device"
    sender: str  # the first 12 characters of the keyed hash (enough to tell senders apart)
    count: int
    start: dt.datetime
    end: dt.datetime
    total: int


@dataclass(frozen=True)
class SameComment:
    comment: str
    count: int
    reforms: int
    first: dt.datetime
    last: dt.datetime


@dataclass(frozen=True)
class FastPack:
    pack_id: int
    community: str
    size: int
    used: int
    first: dt.datetime
    last: dt.datetime

    @property
    def minutes(self) -> float:
        return (self.last - self.first).total_seconds() / 60


@dataclass(frozen=True)
class Anomalies:
    bursts: tuple[Burst, ...]
    comments: tuple[SameComment, ...]
    packs: tuple[FastPack, ...]

    @property
    def count(self) -> int:
        return len(self.bursts) + len(self.comments) + len(self.packs)


def _window(minutes: list[tuple[dt.datetime, int]]) -> tuple[int, dt.datetime, dt.datetime]:
    """The most ratings in any ``BURST_MINUTES`` window over (minute, count) rows, sorted by time."""
    best = (0, minutes[0][0], minutes[0][0])
    total = 0
    left = 0
    span = dt.timedelta(minutes=BURST_MINUTES)
    for minute, count in minutes:
        total += count
        while minute - minutes[left][0] >= span:
            total -= minutes[left][1]
            left += 1
        if total > best[0]:
            best = (total, minutes[left][0], minute + dt.timedelta(minutes=1))
    return best


def bursts(round: Round, *, field: str) -> list[Burst]:
    senders = (
        Rating.objects.filter(round=round).exclude(**{field: ""}).order_by()
        .values(field).annotate(n=Count("*")).filter(n__gte=BURST_RATINGS).values_list(field, "n")
    )
    totals = dict(senders)
    if not totals:
        return []
    rows = (
        Rating.objects.filter(round=round, **{f"{field}__in": list(totals)}).order_by()
        .annotate(minute=TruncMinute("created_at")).values(field, "minute").annotate(n=Count("*"))
        .values_list(field, "minute", "n")
    )
    by_sender: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    for sender, minute, n in rows:
        by_sender[sender].append((minute, n))
    found = []
    kind = "address" if field == "address_hash" else "device"
    for sender, minutes in by_sender.items():
        count, start, end = _window(sorted(minutes))
        if count >= BURST_RATINGS:
            found.append(Burst(kind, sender[:12], count, start, end, totals[sender]))
    return sorted(found, key=lambda b: -b.count)


def same_comments(round: Round) -> list[SameComment]:
    rows = (
        Rating.objects.filter(round=round).annotate(length=Length("comment")).filter(length__gte=IDENTICAL_MIN_LENGTH)
        .order_by().values("comment")
        .annotate(n=Count("*"), reforms=Count("reform_id", distinct=True), first=Min("created_at"), last=Max("created_at"))
        .filter(n__gte=IDENTICAL_MIN_RATINGS).order_by("-n")[:50]
    )
    return [SameComment(r["comment"][:200], r["n"], r["reforms"], r["first"], r["last"]) for r in rows]


def fast_packs(round: Round) -> list[FastPack]:
    rows = (
        RatingCode.objects.filter(pack__round=round, used_at__isnull=False, pack__size__gte=PACK_MIN_SIZE).order_by()
        .values("pack_id").annotate(used=Count("*"), first=Min("used_at"), last=Max("used_at"))
    )
    candidates = {r["pack_id"]: r for r in rows}
    if not candidates:
        return []
    packs = RatingCodePack.objects.filter(pk__in=list(candidates)).select_related("community").only("pk", "size", "community__name")
    found = []
    for pack in packs:
        row = candidates[pack.pk]
        if row["used"] >= PACK_USED_SHARE * pack.size and row["last"] - row["first"] <= dt.timedelta(minutes=PACK_MINUTES):
            found.append(FastPack(pack.pk, pack.community.name, pack.size, row["used"], row["first"], row["last"]))
    return sorted(found, key=lambda p: p.first)


def round_anomalies(round: Round) -> Anomalies:
    """Every flag of the round (five small grouped queries at most)."""
    return Anomalies(
        bursts=tuple(bursts(round, field="address_hash") + bursts(round, field="device_hash")),
        comments=tuple(same_comments(round)),
        packs=tuple(fast_packs(round)),
    )
