"""A round's results, computed in the database (aggregates over the score columns), published with
the method so anyone can recompute them.

Per reform, per dimension ``d`` (a rating's scores are the columns ``score_1`` … in the round's
order), from ``n`` ratings with sum ``S_d`` and sum of squares ``Q_d``:

* mean ``S_d / n``; the distribution: how many gave 1, 2, 3, 4, 5;
* the Bayesian-adjusted score ``(w × m_d + S_d) / (w + n)``, where ``w`` is the round's
  ``prior_weight`` and ``m_d`` the round's mean of dimension ``d`` over all its ratings: a reform
  with few ratings is pulled towards the round's mean, so three 5s do not beat three hundred 4.6s;
* the 95% interval: mean ± 1.96 × sd / √n, with the sample standard deviation
  ``sd = √((Q_d − S_d²/n) / (n − 1))`` (normal approximation), cut to 1–5. With fewer than two
  ratings there is no interval; below :data:`SMALL_N` ratings the normal approximation is rough
  and the interval is marked approximate (the publication minimum, ``min_ratings``, is 30 by
  default, so published scores rarely are).

The overall score of a rating is the mean of its dimensions (every dimension is required), so a
reform's overall mean, adjusted score and interval are computed the same way from the sum of the
rating totals and the sum of their squares (``SUM((score_1 + score_2 …)²)``), divided by the number
of dimensions (and its square). The ranked table orders reforms by adjusted overall score.

Queries: the round's reforms; the round's tallies (:mod:`..models.tallies`: counts per reform, per
reform and score, per place and channel, kept in the same transaction as each rating), summed per
reform in one grouped read, and its places in another, so the results cost the same for 500
ratings as for 500,000; the names of the communities. The result is cached under the round's
settings, its latest rating's time (one index lookup) and the version of the district's evaluation
(``core.cache.fact_scopes``: every audited rating bumps it; the district's work pages do not read it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from reformledger.core.cache import cached_value, fact_scopes
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for

from ..models import (
    GAVE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    Channel,
    Rating,
    RatingTally,
    Round,
    RoundReform,
    TallyFacet,
)

#: The two-sided 95% quantile of the normal distribution.
Z = 1.96
#: Below this many ratings the interval is marked approximate.
SMALL_N = 30
SCORES = tuple(range(SCORE_MIN, SCORE_MAX + 1))


@dataclass(frozen=True)
class Score:
    """One dimension's (or the overall) figures of one reform."""

    count: int
    total: float
    mean: float | None
    sd: float | None
    margin: float | None
    low: float | None
    high: float | None
    adjusted: float | None
    #: How many ratings gave 1, 2, 3, 4, 5 (empty for the overall score).
    distribution: tuple[int, ...] = ()

    @property
    def approximate(self) -> bool:
        return self.margin is not None and self.count < SMALL_N

    def shares(self) -> list[tuple[int, int, float]]:
        """(score, count, percent of the ratings) for the bars."""
        return [(k, c, 100 * c / self.count if self.count else 0.0) for k, c in zip(SCORES, self.distribution, strict=True)]


@dataclass(frozen=True)
class ReformResult:
    reform_id: int
    code: str
    title: str
    count: int
    dimensions: tuple[Score, ...]
    overall: Score
    #: Enough ratings (``min_ratings``) for the score to be shown outside the office.
    shown: bool
    #: Place in the ranked table (by adjusted overall score), among the reforms shown.
    rank: int | None = None


@dataclass(frozen=True)
class Participation:
    unit_id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class RoundResults:
    round_id: int
    dimensions: tuple[dict[str, str], ...]
    prior_weight: int
    min_ratings: int
    total: int
    #: The round's mean per dimension, and overall (the prior of the adjusted scores).
    round_means: tuple[float | None, ...]
    round_mean: float | None
    reforms: tuple[ReformResult, ...]
    communities: tuple[Participation, ...]
    sub_districts: tuple[Participation, ...]
    channels: tuple[tuple[str, str, int], ...]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def max_count(self) -> int:
        return max((r.count for r in self.reforms), default=0)


def score_of(*, count: int, total: float, squares: float, prior_mean: float | None, prior_weight: int,
             distribution: tuple[int, ...] = ()) -> Score:
    """The figures of one dimension from its count, sum and sum of squares (see the module's text)."""
    if count == 0:
        return Score(0, 0.0, None, None, None, None, None, prior_mean, distribution)
    mean = total / count
    sd = margin = low = high = None
    if count >= 2:
        sd = math.sqrt(max(0.0, (squares - total * total / count) / (count - 1)))
        margin = Z * sd / math.sqrt(count)
        low, high = max(float(SCORE_MIN), mean - margin), min(float(SCORE_MAX), mean + margin)
    adjusted = (prior_weight * prior_mean + total) / (prior_weight + count) if prior_mean is not None else mean
    return Score(count, total, mean, sd, margin, low, high, adjusted, distribution)


@dataclass
class _Tally:
    """A reform's ratings as its tallies give them: ``n``, per dimension the sum, the sum of squares
    and the distribution (exact from the counts per score, scores being whole numbers), and ``qt``
    the sum of the squared totals."""

    n: int
    qt: int
    sums: list[int]
    squares: list[int]
    distribution: list[list[int]]


def _tallies(round: Round) -> tuple[dict[int, _Tally], list[tuple[int | None, str, int]]]:  # noqa: A002
    """One read of the round's tallies (:mod:`..models.tallies`, kept with every rating): a few
    thousand small rows whatever the number of ratings. Returns the reforms' tallies and the
    participation rows (community, channel, count)."""
    size = len(round.dimensions)
    reforms: dict[int, _Tally] = {}
    places: list[tuple[int | None, str, int]] = []
    rows = RatingTally.objects.filter(round=round).order_by().values_list(
        "facet", "reform_key", "dimension", "community_key", "channel", "count", "squares", *GAVE_FIELDS
    )
    place, reform = str(TallyFacet.PLACE), str(TallyFacet.REFORM)
    for facet, reform_id, dimension, community_id, channel, n, squares, *gave in rows:
        if facet == place:
            places.append((community_id or None, channel, n))
            continue
        tally = reforms.get(reform_id)
        if tally is None:
            tally = reforms[reform_id] = _Tally(0, 0, [0] * size, [0] * size, [[0] * len(SCORES) for _i in range(size)])
        if facet == reform:
            tally.n, tally.qt = n, squares
        elif 0 < dimension <= size:
            i = dimension - 1
            tally.distribution[i] = gave
            tally.sums[i] = sum(value * k for value, k in zip(SCORES, gave, strict=True))
            tally.squares[i] = sum(value * value * k for value, k in zip(SCORES, gave, strict=True))
    return reforms, places


def _participation(rows: list[tuple[int | None, str, int]]) -> tuple[tuple[Participation, ...], tuple[Participation, ...], tuple[tuple[str, str, int], ...]]:
    """Ratings per community, per sub-district and per channel, from the tallies' counts per
    community and channel, with the names of the few communities they name (one query)."""
    units: dict[int | None, tuple[str, str | None, int | None, str | None]] = {
        pk: (name, kind, parent_id, parent_name)
        for pk, name, kind, parent_id, parent_name in Unit.objects.filter(pk__in={r[0] for r in rows if r[0]}).values_list(
            "pk", "name", "kind", "parent_id", "parent__name"
        )
    }
    unknown = _("Not recorded")
    communities: dict[int | None, list] = {}
    subs: dict[int | None, list] = {}
    channels: dict[str, int] = {}
    for unit_id, channel, n in rows:
        name, kind, parent_id, parent_name = units.get(unit_id, (unknown, None, None, None))
        communities.setdefault(unit_id, [name, 0])[1] += n
        sub_id, sub_name = (unit_id, name) if kind == UnitKind.SUB_DISTRICT or parent_id is None else (parent_id, parent_name)
        subs.setdefault(sub_id, [sub_name, 0])[1] += n
        channels[channel] = channels.get(channel, 0) + n

    def ordered(found: dict[int | None, list]) -> tuple[Participation, ...]:
        return tuple(sorted((Participation(pk, v[0], v[1]) for pk, v in found.items()), key=lambda p: (-p.count, p.name)))

    labels = dict(Channel.choices)
    return ordered(communities), ordered(subs), tuple((key, str(labels.get(key, key)), n) for key, n in sorted(channels.items()))


def _reform_rows(round: Round) -> list[tuple[int, str, str]]:
    return list(
        RoundReform.objects.filter(round=round).order_by("position", "pk").values_list("reform_id", "reform__code", "reform__title")
    )


def compute_results(round: Round) -> RoundResults:
    """The round's results, uncached (every reform, whatever its count: the office's view)."""
    size = len(round.dimensions)
    rows, places = _tallies(round)
    total = sum(row.n for row in rows.values())
    means = tuple((sum(row.sums[i] for row in rows.values()) / total) if total else None for i in range(size))
    round_mean = (sum(m for m in means if m is not None) / size) if total and size else None
    w = round.prior_weight
    nothing = _Tally(0, 0, [0] * size, [0] * size, [[0] * len(SCORES) for _i in range(size)])
    results = []
    for reform_id, code, title in _reform_rows(round):
        row = rows.get(reform_id, nothing)
        n = row.n
        dims = tuple(
            score_of(count=n, total=float(row.sums[i]), squares=float(row.squares[i]), prior_mean=means[i], prior_weight=w,
                     distribution=tuple(row.distribution[i]))
            for i in range(size)
        )
        overall_total = sum(d.total for d in dims) / size if size else 0.0
        overall_squares = float(row.qt) / (size * size) if size else 0.0
        overall = score_of(count=n, total=overall_total, squares=overall_squares, prior_mean=round_mean, prior_weight=w)
        results.append(ReformResult(reform_id, code, title, n, dims, overall, shown=n >= round.min_ratings))
    ranked = sorted(results, key=lambda r: (not r.shown, -(r.overall.adjusted or 0.0) if r.count else 1.0, r.code))
    place = 0
    final = []
    for result in ranked:
        if result.shown and result.count:
            place += 1
            result = ReformResult(**{**vars(result), "rank": place})
        final.append(result)
    communities, subs, channels = _participation(places)
    return RoundResults(
        round_id=round.pk, dimensions=tuple(round.dimensions), prior_weight=w, min_ratings=round.min_ratings,
        total=total, round_means=means, round_mean=round_mean, reforms=tuple(final),
        communities=communities, sub_districts=subs, channels=channels,
    )


def ratings_version(round: Round) -> str:
    """What changes when a rating is added to the round outside the services (a bulk load): the
    latest rating's time, read from the index on (round, time) in a fraction of a millisecond,
    whatever the round's size. Every rating the services record is audited and bumps the
    evaluation's scope of its district in its own transaction (``fact_scopes``), which the cached
    results depend on: exact, even for a rating committed after a later one was read."""
    last = Rating.objects.filter(round=round).order_by("-created_at").values_list("created_at", flat=True).first()
    return last.isoformat() if last else ""


def results_key(round: Round) -> str:
    """What a round's results are computed from: its rules, its name and its latest rating (one
    index lookup). Cached values (here, in the API and on the page) are keyed on it."""
    return (
        f"evaluation-results:{round.pk}:{ratings_version(round)}:{round.updated_at.isoformat()}:{round.prior_weight}:"
        f"{round.min_ratings}:{round.dimensions!r}"
    )


def round_results(round: Round, *, key: str | None = None) -> RoundResults:
    """The round's results, cached until a rating is added, the round's rules or names change,
    or an audited write touches its district."""
    return cached_value(key or results_key(round), lambda: compute_results(round), scopes=fact_scopes("evaluation", [round.district_id]))


def method(results: RoundResults) -> dict[str, Any]:
    """How the figures are computed, with the round's weights: published beside the results."""
    return {
        "prior_weight": results.prior_weight,
        "min_ratings": results.min_ratings,
        "z": Z,
        "round_means": {d["key"]: m for d, m in zip(results.dimensions, results.round_means, strict=True)},
        "round_mean": results.round_mean,
        "adjusted": "(prior_weight * round_mean + sum) / (prior_weight + count)",
        "interval": "mean ± z * sd / sqrt(count), sd = sqrt((sum_of_squares - sum^2 / count) / (count - 1)), cut to [1, 5]",
        "overall": "a rating's overall score is the mean of its dimensions",
        "small_samples": f"no interval below 2 ratings; marked approximate below {SMALL_N}",
    }



def round_for_results(user: Any, pk: int) -> Round:
    """The round whose results ``user`` asks for. Published results are everyone's. Before that:
    404 when there is no such round or it lies outside the districts the person is bound to
    (another district's office, committee or leaders: ADR 0025), 403 for everyone else but the
    office of its district and the province office (residents and units know the round exists:
    they rate in it)."""
    found = Round.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such round."))
    if found.published_at is None and actor_for(user).outside_districts(found.district_id):
        raise Http404(_("No such round."))
    if not user.has_perm("evaluation.view_results", found):
        raise PermissionDenied(_("The results of this round are not published yet."))
    return found
