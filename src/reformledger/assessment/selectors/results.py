"""Reads of computed versions (see the package's docstring).

Who sees what (``assessment.view_assessment``): the office of the district and the province office
every version (drafts and dry runs too); the district's other people its published (and superseded)
versions; anyone else nothing (404: not theirs to name).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from reformledger.org.models import Unit

from ..models import Assessment, AssessmentPurpose, AssessmentState, LineItem, UnitScore
from ..registrations import EVIDENCE_ROUTES

VISIBLE_STATES = (AssessmentState.PUBLISHED, AssessmentState.SUPERSEDED)


@dataclass(frozen=True)
class RankingRow:
    unit_id: int
    code: str
    name: str
    score: Decimal
    rank: int
    band: int
    tied: bool  # another unit has the same score (and so the same rank)
    band_size: int  # units in the same noise band (1: clear of the others)


@dataclass(frozen=True)
class LineRow:
    pk: int
    clause: str
    title: str
    kind: str
    points: Decimal
    quantity: Decimal | None
    explanation: str
    evidence: str  # the URL of what the line rests on ("" when none)
    reform_id: int | None
    task_id: int | None
    round_id: int | None
    case_study_id: int | None
    adoption_id: int | None
    commendation_id: int | None
    waived_by_id: int | None
    waived_points: Decimal
    adjustment: str


@dataclass(frozen=True)
class LineChange:
    clause: str
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class DiffRow:
    unit_id: int
    code: str
    name: str
    score_before: Decimal | None
    score_after: Decimal | None
    rank_before: int | None
    rank_after: int | None
    lines: list[LineChange]


def can_view(user: Any, assessment: Assessment) -> bool:
    return bool(user.has_perm("assessment.view_assessment", assessment))


def _visible(user: Any, assessment: Assessment) -> None:
    if not can_view(user, assessment):
        raise Http404


def ranking(user: Any, assessment: Assessment) -> list[RankingRow]:
    """Every unit's score, rank and noise band, best first (one query)."""
    _visible(user, assessment)
    rows = list(
        UnitScore.objects.filter(assessment=assessment).order_by("rank", "unit__code", "unit_id")
        .values_list("unit_id", "unit__code", "unit__name", "score", "rank", "noise_band")
    )
    scores = Counter(row[3] for row in rows)
    bands = Counter(row[5] for row in rows)
    return [RankingRow(u, c, n, s, r, b, scores[s] > 1, bands[b]) for u, c, n, s, r, b in rows]


def evidence_url(values: dict[str, Any]) -> str:
    for field, name in EVIDENCE_ROUTES:
        pk = values.get(field)
        if pk:
            try:
                return reverse(name, kwargs={"pk": pk})
            except NoReverseMatch:
                continue
    return ""


LINE_FIELDS = (
    "pk", "rule__clause", "rule__title", "rule__kind", "points", "quantity", "explanation", "reform_id", "task_id", "round_id",
    "case_study_id", "adoption_id", "commendation_id", "waived_by_id", "waived_points", "adjustment",
)


def _line_rows(qs: QuerySet[LineItem]) -> list[LineRow]:
    out = []
    for values in qs.values(*LINE_FIELDS):
        out.append(LineRow(
            values["pk"], values["rule__clause"] or "", values["rule__title"] or "", values["rule__kind"] or "", values["points"],
            values["quantity"], values["explanation"], evidence_url(values), values["reform_id"], values["task_id"],
            values["round_id"], values["case_study_id"], values["adoption_id"], values["commendation_id"],
            values["waived_by_id"], values["waived_points"], values["adjustment"],
        ))
    return out


def unit_breakdown(user: Any, assessment: Assessment, unit: Unit | int) -> list[LineRow]:
    """The unit's line items in rule order (the scheme's adjustment last): one query."""
    _visible(user, assessment)
    unit_id = unit if isinstance(unit, int) else unit.pk
    qs = LineItem.objects.filter(assessment=assessment, unit_id=unit_id).order_by("rule__position", "rule_id", "pk")
    rows = _line_rows(qs)
    return [r for r in rows if r.adjustment != "scheme"] + [r for r in rows if r.adjustment == "scheme"]


def version_diff(assessment: Assessment, previous: Assessment | None) -> list[DiffRow]:
    """Per unit: score and rank before and after, and the clauses whose points changed (four
    queries). The caller has checked that both versions may be read."""
    after = {u: (c, n, s, r) for u, c, n, s, r in UnitScore.objects.filter(assessment=assessment).values_list(
        "unit_id", "unit__code", "unit__name", "score", "rank")}
    before = {} if previous is None else {u: (c, n, s, r) for u, c, n, s, r in UnitScore.objects.filter(
        assessment=previous).values_list("unit_id", "unit__code", "unit__name", "score", "rank")}
    now_lines = _points_by_clause(assessment)
    old_lines = _points_by_clause(previous) if previous is not None else {}
    rows = []
    for unit_id in sorted(set(after) | set(before), key=lambda u: ((after.get(u) or before[u])[0], u)):
        code, name = (after.get(unit_id) or before[unit_id])[:2]
        clauses = set(now_lines.get(unit_id, {})) | set(old_lines.get(unit_id, {}))
        changes = [
            LineChange(clause, old_lines.get(unit_id, {}).get(clause), now_lines.get(unit_id, {}).get(clause))
            for clause in sorted(clauses)
            if old_lines.get(unit_id, {}).get(clause) != now_lines.get(unit_id, {}).get(clause)
        ]
        rows.append(DiffRow(
            unit_id, code, name, before[unit_id][2] if unit_id in before else None, after[unit_id][2] if unit_id in after else None,
            before[unit_id][3] if unit_id in before else None, after[unit_id][3] if unit_id in after else None, changes,
        ))
    return rows


def _points_by_clause(assessment: Assessment) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict[str, Decimal]] = {}
    for unit_id, clause, points in LineItem.objects.filter(assessment=assessment).values_list("unit_id", "rule__clause", "points"):
        bucket = out.setdefault(unit_id, {})
        key = clause or "—"
        bucket[key] = bucket.get(key, Decimal(0)) + points
    return out


def published_versions() -> QuerySet[Assessment]:
    """The published, current official versions (one per district and year)."""
    return Assessment.objects.filter(purpose=AssessmentPurpose.OFFICIAL, state=AssessmentState.PUBLISHED)


def published_assessment(district_id: int, year: int) -> Assessment | None:
    """The district's published official version of the year, if any (one query)."""
    return published_versions().select_related("scheme", "district").filter(district_id=district_id, year=year).first()


def assessments_of(user: Any, district: Unit, year: int) -> list[Assessment]:
    """The versions of the district's year this person may see, newest first: every version and
    dry run for the office and the province office, the published and superseded official ones for
    the district's people, none for others (one query, plus the permission check)."""
    if user.has_perm("assessment.view_drafts", district):
        qs = Assessment.objects.filter(district=district, year=year)
    else:
        probe = Assessment(district=district, state=AssessmentState.PUBLISHED)
        if not user.has_perm("assessment.view_assessment", probe):
            return []
        qs = Assessment.objects.filter(district=district, year=year, purpose=AssessmentPurpose.OFFICIAL, state__in=VISIBLE_STATES)
    return list(qs.select_related("scheme").order_by("purpose", "-version"))
