"""Rows of the assessment made directly, for the appeal, commendation and page tests: a scheme with
two rules, a version of a district's year with every unit's score as line items that add up.

``published_version`` stands for what the engine's computation and publication make (they are the
engine's to test); the appeal tests need a published version with its window, nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import timezone

from reformledger.assessment.models import (
    Assessment,
    AssessmentPurpose,
    AssessmentState,
    LineItem,
    Rule,
    RuleKind,
    Scheme,
    SchemeState,
    UnitScore,
)
from reformledger.assessment.ranking import competition_ranks, noise_bands
from reformledger.org.models import Unit, User


def scheme(district: Unit, *, year: int = 2017, appeal_days: int = 10, noise_margin: str = "1", state: str = SchemeState.FROZEN) -> Scheme:
    made = Scheme.objects.create(
        district=district, year=year, title=f"{year}年度改革考评方案", state=state, unit_kinds=["sub_district", "department"],
        noise_margin=Decimal(noise_margin), appeal_days=appeal_days,
    )
    Rule.objects.create(scheme=made, position=1, clause="1", title="基础分", kind=RuleKind.BASE, params={"points": 100})
    Rule.objects.create(
        scheme=made, position=2, clause="2.1", title="重点改革按期完成", kind=RuleKind.REFORM_OUTCOME,
        params={"key": {"completed_on_time": 5}},
    )
    Rule.objects.create(scheme=made, position=3, clause="3", title="逾期扣分", kind=RuleKind.LATENESS, params={"per_month": -1})
    return made


def version(
    the_scheme: Scheme,
    lines: Mapping[Unit, Sequence[tuple[str, str]]],
    *,
    by: User,
    state: str = AssessmentState.PUBLISHED,
    number: int = 1,
    published_at: dt.datetime | None = None,
    is_public: bool = True,
    reforms: Mapping[tuple[Unit, str], object] | None = None,
) -> Assessment:
    """A version of ``the_scheme``'s year: ``lines`` maps each unit to ``(clause, points)`` pairs."""
    published = state in (AssessmentState.PUBLISHED, AssessmentState.SUPERSEDED)
    now = timezone.now()
    made = Assessment.objects.create(
        scheme=the_scheme, district=the_scheme.district, year=the_scheme.year, purpose=AssessmentPurpose.OFFICIAL,
        version=number, state=state, computed_by=by, computed_at=now,
        published_by=by if published else None, published_at=(published_at or now) if published else None,
        is_public=is_public and published, content_hash="0" * 64 if published else "",
    )
    rules = {rule.clause: rule for rule in the_scheme.rules.all()}
    totals: dict[Unit, Decimal] = {}
    for unit, items in lines.items():
        for clause, points in items:
            reform = (reforms or {}).get((unit, clause))
            LineItem.objects.create(
                assessment=made, unit=unit, rule=rules[clause], points=Decimal(points), explanation=f"{clause} {points}",
                reform=reform,  # type: ignore[misc]
            )
            totals[unit] = totals.get(unit, Decimal(0)) + Decimal(points)
    ranks = competition_ranks(totals)
    bands = noise_bands(totals, the_scheme.noise_margin)
    UnitScore.objects.bulk_create(
        UnitScore(assessment=made, unit=unit, score=total, rank=ranks[unit], noise_band=bands[unit]) for unit, total in totals.items()
    )
    return made


def standard(district, people, **kwargs) -> Assessment:
    """The fixture district's 2017 version: sub-district A 104 (100 + 5 − 1), sub-district B 100,
    the health bureau 100 (tied with B)."""
    made_scheme = scheme(district.district, **{k: kwargs.pop(k) for k in ("appeal_days",) if k in kwargs})
    return version(made_scheme, {
        district.sub_a: [("1", "100"), ("2.1", "5"), ("3", "-1")],
        district.sub_b: [("1", "100")],
        district.department: [("1", "100")],
    }, by=people.office, **kwargs)


def line_of(assessment: Assessment, unit: Unit, clause: str) -> LineItem:
    return LineItem.objects.get(assessment=assessment, unit=unit, rule__clause=clause)
