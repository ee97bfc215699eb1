"""Reads of commendations and the candidates the office is offered (ADR 0046).

Candidates come from the year's data, each saying why: the top line items of the district's
published version (points a rule gave for a reform), reforms residents rated strongly in a
published rating round, key reforms whose look-back review concluded good or excellent, and reforms
whose case study was adopted elsewhere. A candidate is a suggestion: the office awards (or not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from reformledger.casestudies.selectors import adoptions
from reformledger.evaluation.models import Grade, LookbackReview, LookbackState, Round, RoundKind
from reformledger.evaluation.selectors.results import round_results
from reformledger.org.models import Unit, User
from reformledger.reforms.models import Reform, Tier

from ..models import Commendation, CommendationKind, LineItem
from .results import published_assessment
from .scope import in_districts, office_districts

#: How many candidates each source offers at most.
PER_SOURCE = 5
#: A reform rated at least this (mean overall, adjusted, of 5) by residents is a strong rating.
STRONG_RATING = 4.0
ADOPTION_ORDER = {"nation": 0, "province": 1, "city": 2}


def commendations_of(user, *, year: int | None = None) -> QuerySet[Commendation]:
    """The commendations of the districts the office reads, revoked ones too (one query)."""
    qs = in_districts(Commendation.objects.select_related("unit", "reform", "awarded_by", "district"), office_districts(user))
    return qs.filter(year=year) if year else qs


def get_commendation(user, pk: int) -> Commendation:
    commendation = commendations_of(user).filter(pk=pk).first()
    if commendation is None:
        raise Http404
    return commendation


def shown_to_unit(unit: Unit) -> list[Commendation]:
    """The unit's commendations in force, newest first (one query and one for their people)."""
    return list(
        Commendation.objects.filter(unit=unit, revoked_at__isnull=True).select_related("reform").prefetch_related("people")
        .order_by("-year", "-awarded_on", "-pk")
    )


def shown_to_person(person: User) -> list[Commendation]:
    """The commendations in force naming this person, newest first (one query)."""
    return list(
        Commendation.objects.filter(people=person, revoked_at__isnull=True).select_related("unit", "reform")
        .order_by("-year", "-awarded_on", "-pk")
    )


@dataclass(frozen=True)
class Candidate:
    """A suggestion for a commendation: the unit (and reform) and why, with the kind it suggests."""

    source: str
    unit: Unit
    reform: Reform | None
    kind: str
    why: str
    weight: Decimal


def _kind_for(reform: Reform | None) -> str:
    if reform is None:
        return CommendationKind.ADVANCED_UNIT
    return CommendationKind.BEST_MICRO_REFORM if reform.tier == Tier.MICRO else CommendationKind.BEST_KEY_REFORM


def _top_lines(district: Unit, year: int) -> list[Candidate]:
    published = published_assessment(district.pk, year)
    if published is None:
        return []
    lines = (
        LineItem.objects.filter(assessment=published, points__gt=0, reform__isnull=False, rule__isnull=False)
        .select_related("unit", "reform", "rule").order_by("-points", "unit_id", "pk")[:PER_SOURCE]
    )
    return [
        Candidate("lines", line.unit, line.reform, _kind_for(line.reform), _(
            "Clause %(clause)s (%(rule)s) gave %(points)s points for this reform in version %(version)d."
        ) % {"clause": line.rule.clause, "rule": line.rule.title, "points": line.points, "version": published.version},
            line.points) for line in lines if line.rule is not None
    ]


def _reforms(ids: Iterable[int]) -> dict[int, Reform]:
    return {r.pk: r for r in Reform.objects.filter(pk__in=set(ids)).select_related("lead_unit")}


def _strong_ratings(district: Unit, year: int) -> list[Candidate]:
    rounds = Round.objects.filter(
        district=district, year=year, kind__in=(RoundKind.PUBLIC, RoundKind.OPEN), published_at__isnull=False
    ).order_by("pk")
    found: list[tuple[float, int, Round, int]] = []
    for round_ in rounds:
        for result in round_results(round_).reforms:
            score = result.overall.adjusted
            if result.shown and score is not None and score >= STRONG_RATING:
                found.append((score, result.count, round_, result.reform_id))
    found.sort(key=lambda item: (-item[0], -item[1], item[3]))
    reforms = _reforms(item[3] for item in found[:PER_SOURCE])
    return [
        Candidate("ratings", reforms[rid].lead_unit, reforms[rid], _kind_for(reforms[rid]), _(
            "Residents rated it %(score).2f of 5 (%(n)d ratings) in the round “%(round)s”."
        ) % {"score": score, "n": count, "round": round_.title}, Decimal(str(round(score, 3))))
        for score, count, round_, rid in found[:PER_SOURCE] if rid in reforms
    ]


def _good_lookbacks(district: Unit, year: int) -> list[Candidate]:
    reviews = (
        LookbackReview.objects.filter(
            district_id=district.pk, state=LookbackState.CONCLUDED, concluded_at__year=year, grade__in=(Grade.EXCELLENT, Grade.GOOD)
        )
        .select_related("reform__lead_unit").order_by("grade", "-concluded_at", "pk")[:PER_SOURCE]
    )
    return [
        Candidate("lookback", review.reform.lead_unit, review.reform, _kind_for(review.reform), _(
            "Its look-back review (回头看) concluded “%(grade)s”: %(conclusion)s"
        ) % {"grade": review.get_grade_display(), "conclusion": review.conclusion[:200]},
            Decimal(2 if review.grade == Grade.EXCELLENT else 1)) for review in reviews
    ]


def _adopted(district: Unit, year: int) -> list[Candidate]:
    facts = sorted(adoptions(district_id=district.pk, year=year), key=lambda f: (ADOPTION_ORDER.get(f.level, 9), f.adopted_on))
    widest: dict[int, str] = {}
    for fact in facts:
        widest.setdefault(fact.reform_id, fact.level)
    chosen = list(widest.items())[:PER_SOURCE]
    reforms = _reforms(rid for rid, _level in chosen)
    labels = {"nation": _("nationwide"), "province": _("across the province"), "city": _("across the city")}
    return [
        Candidate("adoptions", reforms[rid].lead_unit, reforms[rid], _kind_for(reforms[rid]), _(
            "Its experience was adopted %(level)s in %(year)d (case study)."
        ) % {"level": labels.get(level, level), "year": year}, Decimal(3 - ADOPTION_ORDER.get(level, 2)))
        for rid, level in chosen if rid in reforms
    ]


def candidates(district: Unit, year: int) -> dict[str, list[Candidate]]:
    """The candidates of each source, each source's best first (a bounded number of queries:
    one per source, one per published rating round)."""
    return {
        "lines": _top_lines(district, year),
        "ratings": _strong_ratings(district, year),
        "lookback": _good_lookbacks(district, year),
        "adoptions": _adopted(district, year),
    }
