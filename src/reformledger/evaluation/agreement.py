"""The arithmetic of an expert panel, pure (no database, no Django): trimmed means, how far the
experts agree (Krippendorff's α, interval metric) and which expert is furthest from the others.

**Trimmed mean** (去掉一个最高分和一个最低分): with at least ``trim_from`` values, one highest and
one lowest value are dropped and the rest averaged; with fewer, all are averaged.

**Krippendorff's α, interval metric** (Krippendorff, *Computing Krippendorff's Alpha-Reliability*,
2011). The data are units (here: reforms), each with the values its raters gave (here: each
expert's weighted total); a unit with fewer than two values is not pairable and is left out.
With ``m_u`` values in unit ``u`` and ``n = Σ m_u`` pairable values in all::

    D_o = 1/n · Σ_u  1/(m_u − 1) · Σ_{i≠j in u} (v_i − v_j)²      (observed disagreement)
    D_e = 1/(n(n − 1)) · Σ_{i≠j over all n values} (v_i − v_j)²    (expected by chance)
    α   = 1 − D_o / D_e

α = 1 is perfect agreement, 0 agreement no better than chance. The pair sums are computed as
``Σ_{i≠j}(v_i − v_j)² = 2m·Σv² − 2(Σv)²``, so the work is linear in the number of values. Missing
values (a conflict of interest, a sheet not submitted) are simply absent: α needs no complete
table, which is why it was chosen over ICC(2,1) (ADR "Expert panels").

**Furthest rater**: for each rater, the mean absolute deviation of their value from the mean of
the *other* raters' values on the same unit (leave-one-out), over the units where at least one
other rater scored; the rater with the largest is the furthest. The signed mean says which way
(positive: more lenient than the others).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

U = TypeVar("U", bound=Hashable)
R = TypeVar("R", bound=Hashable)


@dataclass(frozen=True)
class Trimmed:
    """A trimmed mean: the mean, and the positions of the dropped values (None when none was dropped)."""

    mean: float | None
    dropped_high: int | None
    dropped_low: int | None

    @property
    def trimmed(self) -> bool:
        return self.dropped_high is not None


def trimmed_mean(values: Sequence[float], *, trim_from: int) -> Trimmed:
    """The mean of ``values`` without one highest and one lowest when there are at least
    ``trim_from`` (≥ 3) of them; the positions dropped are the first highest and the first lowest."""
    if trim_from < 3:
        raise ValueError("trim_from must be at least 3")
    if not values:
        return Trimmed(None, None, None)
    if len(values) < trim_from:
        return Trimmed(sum(values) / len(values), None, None)
    high = max(range(len(values)), key=lambda i: (values[i], -i))
    low = min(range(len(values)), key=lambda i: (values[i], i))
    if low == high:  # all equal: drop two different positions
        low = 0 if high != 0 else 1
    kept = [v for i, v in enumerate(values) if i not in (high, low)]
    return Trimmed(sum(kept) / len(kept), high, low)


def _pair_sum(values: Sequence[float]) -> float:
    """Σ over ordered pairs i ≠ j of (v_i − v_j)²."""
    m = len(values)
    total = sum(values)
    squares = sum(v * v for v in values)
    return max(0.0, 2 * m * squares - 2 * total * total)


def krippendorff_alpha_interval(units: Sequence[Sequence[float]]) -> float | None:
    """Krippendorff's α with the interval metric over ``units`` (each the values of one unit);
    None when there is nothing to compare (fewer than two pairable values, or no variation at all)."""
    pairable = [list(u) for u in units if len(u) >= 2]
    n = sum(len(u) for u in pairable)
    if n < 2:
        return None
    observed = sum(_pair_sum(u) / (len(u) - 1) for u in pairable) / n
    everything = [v for u in pairable for v in u]
    expected = _pair_sum(everything) / (n * (n - 1))
    if expected == 0:
        return None
    return 1 - observed / expected


@dataclass(frozen=True)
class RaterDeviation:
    rater: Hashable
    #: Mean |value − mean of the others| over the units compared.
    mean_absolute: float
    #: Mean (value − mean of the others): positive = more lenient than the others.
    mean_signed: float
    units: int


def rater_deviations(values: Mapping[tuple[U, R], float]) -> list[RaterDeviation]:
    """Each rater's leave-one-out deviation, largest first (``values``: (unit, rater) → value)."""
    by_unit: dict[U, dict[R, float]] = {}
    for (unit, rater), value in values.items():
        by_unit.setdefault(unit, {})[rater] = value
    absolute: dict[R, float] = {}
    signed: dict[R, float] = {}
    counted: dict[R, int] = {}
    for raters in by_unit.values():
        if len(raters) < 2:
            continue
        total = sum(raters.values())
        for rater, value in raters.items():
            others = (total - value) / (len(raters) - 1)
            absolute[rater] = absolute.get(rater, 0.0) + abs(value - others)
            signed[rater] = signed.get(rater, 0.0) + (value - others)
            counted[rater] = counted.get(rater, 0) + 1
    out = [
        RaterDeviation(rater, absolute[rater] / counted[rater], signed[rater] / counted[rater], counted[rater])
        for rater in counted
    ]
    out.sort(key=lambda d: (-d.mean_absolute, str(d.rater)))
    return out


def furthest_rater(values: Mapping[tuple[U, R], float]) -> RaterDeviation | None:
    """The rater furthest from the others (:func:`rater_deviations`), or None with nothing to compare."""
    deviations = rater_deviations(values)
    return deviations[0] if deviations else None
