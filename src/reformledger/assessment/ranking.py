"""Pure ranking arithmetic, the one definition the computation, the what-if preview and an upheld
appeal's new version all use (issue 11 part 2).

* Scores are kept to three decimals, rounded half up (:func:`points`).
* **Ties** are explicit: units with equal scores share a rank and the next rank skips
  (competition ranking, 1, 1, 3); nothing else (no unit name, no code) breaks a tie.
* **Noise bands**: walking down the ranking, a band starts at its first unit and takes every
  following unit within ``margin`` points of that first one, so every two units of a band are
  within the margin of each other. With a margin of 0 only equal scores share a band.
* A unit's total is the sum of its line items, then held between the scheme's floor and cap;
  :func:`held` returns the total and the adjustment that the computation writes as its own line
  item, so that the line items always add up to the score.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

THOUSANDTH = Decimal("0.001")


def points(value: Decimal | int | float | str) -> Decimal:
    """``value`` as stored: a Decimal with three decimals, rounded half up (floats via ``str``)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def competition_ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Rank 1 for the highest score; equal scores share a rank and the next rank skips."""
    ordered = sorted(scores.values(), reverse=True)
    first_place: dict[Decimal, int] = {}
    for position, score in enumerate(ordered, start=1):
        first_place.setdefault(score, position)
    return {key: first_place[score] for key, score in scores.items()}


def noise_bands(scores: Mapping[K, Decimal], margin: Decimal) -> dict[K, int]:
    """Band numbers 1, 2, … down the ranking; see the module's docstring."""
    if margin < 0:
        raise ValueError("margin must not be negative")
    bands: dict[K, int] = {}
    band, top = 0, None
    for key, score in sorted(scores.items(), key=lambda item: item[1], reverse=True):
        if top is None or top - score > margin:
            band, top = band + 1, score
        bands[key] = band
    return bands


def held(total: Decimal, *, floor: Decimal | None, cap: Decimal | None) -> tuple[Decimal, Decimal]:
    """``total`` held between ``floor`` and ``cap`` (either may be None), and the adjustment made
    (held − total: negative when capped, positive when floored, zero otherwise)."""
    kept = total
    if cap is not None and kept > cap:
        kept = cap
    if floor is not None and kept < floor:
        kept = floor
    return kept, kept - total
