"""Sealing a round's ratings into its chain (ADR 0051), and checking the chain.

* :func:`seal_round` — seal the ratings of a round stored since its last seal (at most ``limit``),
  as the next :class:`~..models.RatingSeal`, and record the seal in the audit chain. It holds the
  round's row (``FOR NO KEY UPDATE``: ratings still come in, another sealer, an edit or the round's
  closing wait) while it works, then the audit chain's head: always in that order, as the round's
  services do, so it never deadlocks with them.
* :func:`seal_if_due` — after a rating is stored: seal its round when this process has not tried for
  :func:`seal_every` seconds; a sealer already at work is left to it (``SKIP LOCKED``), so no rating
  request ever waits for another's seal.
* :func:`seal_waiting` — every round with ratings waiting longer than :func:`seal_every`: the worker's
  schedule calls it, so the last ratings of a quiet round are sealed too.
* :func:`seal_all` — everything a round has, before it closes or publishes its results.
* :func:`chain_problems` — every seal recomputed from its ratings, and the ratings left unsealed
  too long.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action

from .. import sealing
from ..models import Rating, RatingChain, RatingSeal, Round
from ..models.seals import GENESIS

#: Ratings sealed at most in one seal (a bulk load is sealed in several).
BATCH = 5_000
#: Seconds after which a rating still unsealed is reported by the verifier: the worker's schedule
#: seals a quiet round's last ratings within about 30 seconds.
LATE_AFTER = 120.0

_tried: dict[int, float] = {}
_tried_lock = threading.Lock()


def seal_every() -> float:
    """Seconds a stored rating waits, at most, for its seal while ratings come in (settings
    ``EVALUATION_SEAL_EVERY``, default 2)."""
    return float(getattr(settings, "EVALUATION_SEAL_EVERY", 2.0))


def _locked_round(round_id: int, *, wait: bool) -> Round | None:
    skip = not wait and connection.features.has_select_for_update_skip_locked
    return Round.objects.select_for_update(no_key=True, skip_locked=skip).filter(pk=round_id).first()


def seal_round(*, round_id: int, wait: bool = True, limit: int = BATCH) -> RatingSeal | None:
    """Seal up to ``limit`` of the round's unsealed ratings; None when there were none (or, with
    ``wait=False``, when another sealer holds the round)."""
    with transaction.atomic():
        round_ = _locked_round(round_id, wait=wait)
        if round_ is None:
            return None
        rows = list(
            Rating.objects.filter(round_id=round_id, seal__isnull=True).order_by("pk").values_list(*sealing.LINE_FIELDS)[:limit]
        )
        if not rows:
            return None
        chain, _made = RatingChain.objects.get_or_create(round=round_)
        number = chain.number + 1
        now = timezone.now()
        digest = sealing.seal_hash(round_id=round_id, number=number, prev_hash=chain.last_hash, rows=rows)
        seal = RatingSeal.objects.create(
            round=round_, number=number, prev_hash=chain.last_hash, seal_hash=digest, ratings=len(rows),
            first_rating=rows[0][0], last_rating=rows[-1][0], created_at=now,
        )
        # The ids read, not a range: a rating committed meanwhile with a smaller id waits for the next seal.
        Rating.objects.filter(pk__in=[row[0] for row in rows]).update(seal=seal)
        chain.number, chain.last_hash, chain.sealed_at, chain.sealed = number, digest, now, chain.sealed + len(rows)
        chain.save(update_fields=["number", "last_hash", "sealed_at", "sealed"])
        log_action(None, "rating.seal", seal, {
            "round": [None, round_id], "number": [None, number], "ratings": [None, len(rows)],
            "first_rating": [None, rows[0][0]], "last_rating": [None, rows[-1][0]], "seal_hash": [None, digest],
        })
    return seal


def seal_all(*, round_id: int) -> int:
    """Seal every rating the round has (in batches); returns how many were sealed."""
    sealed = 0
    while (seal := seal_round(round_id=round_id)) is not None:
        sealed += seal.ratings
    return sealed


def sealed_head(*, round_id: int) -> dict[str, list[str | None]]:
    """Seal everything the round has, then its head as an audit change: ``{"rating_seal": [None,
    "#N HASH"]}`` (nothing when the round has no ratings), for the entry that closes or publishes it."""
    seal_all(round_id=round_id)
    chain = RatingChain.objects.filter(round_id=round_id).values_list("number", "last_hash").first()
    return {"rating_seal": [None, f"#{chain[0]} {chain[1]}"]} if chain else {}


def seal_if_due(round_id: int) -> None:
    """Seal ``round_id`` if this process has not tried for :func:`seal_every` seconds (after a
    rating commits; never waits for another sealer)."""
    now = time.monotonic()
    with _tried_lock:
        if now - _tried.get(round_id, -1e9) < seal_every():
            return
        _tried[round_id] = now
    seal_round(round_id=round_id, wait=False)


def seal_waiting() -> int:
    """Seal the rounds whose ratings have waited longer than :func:`seal_every` (the worker's
    schedule); returns the ratings sealed."""
    before = timezone.now() - dt.timedelta(seconds=seal_every())
    rounds = Rating.objects.filter(seal__isnull=True, created_at__lt=before).order_by().values_list("round_id", flat=True).distinct()
    return sum(seal_all(round_id=round_id) for round_id in list(rounds))


def chain_problems(round_: Round, *, grace: float | None = None) -> Iterator[str]:
    """Every break in the round's chain of seals: a seal whose ratings no longer give its hash (a
    rating changed, removed or added), a seal missing or out of order, a head that disagrees, and
    ratings unsealed for longer than ``grace`` seconds (default :data:`LATE_AFTER`)."""
    prev, expected, covered = GENESIS, 1, 0
    # The round's sealed ratings in one pass, seal by seal (at most a seal's batch in memory at once).
    rows = Rating.objects.filter(round=round_, seal__isnull=False).order_by("seal__number", "pk")
    groups = groupby(rows.values_list("seal_id", *sealing.LINE_FIELDS).iterator(chunk_size=BATCH), key=itemgetter(0))
    group = next(groups, None)
    for seal in RatingSeal.objects.filter(round=round_).order_by("number"):
        covered += seal.ratings
        if seal.number != expected:
            yield _("seal #%(n)s is missing (next present is #%(next)s)") % {"n": expected, "next": seal.number}
        if seal.prev_hash != prev:
            yield _("seal #%(n)s does not follow the seal before it") % {"n": seal.number}
        mine: list[tuple] = []
        if group is not None and group[0] == seal.pk:
            mine = [row[1:] for row in group[1]]
            group = next(groups, None)
        if sealing.seal_hash(round_id=round_.pk, number=seal.number, prev_hash=seal.prev_hash, rows=mine) != seal.seal_hash:
            yield _("seal #%(n)s: its %(sealed)s ratings were changed, removed or added to (%(now)s now)") % {
                "n": seal.number, "sealed": seal.ratings, "now": len(mine),
            }
        prev, expected = seal.seal_hash, seal.number + 1
    chain = RatingChain.objects.filter(round=round_).first()
    number, last, sealed = (chain.number, chain.last_hash, chain.sealed) if chain is not None else (0, GENESIS, 0)
    if number != expected - 1 or last != prev or sealed != covered:
        yield _("the seals end at #%(last)s but the round's head records #%(head)s: seals were removed") % {
            "last": expected - 1, "head": number,
        }
    waited = LATE_AFTER if grace is None else grace
    late = Rating.objects.filter(round=round_, seal__isnull=True, created_at__lt=timezone.now() - dt.timedelta(seconds=waited)).count()
    if late:
        yield _("%(n)s ratings stored more than %(s)s seconds ago are not sealed (run reformledger evaluation-seal)") % {
            "n": late, "s": f"{waited:g}",
        }
