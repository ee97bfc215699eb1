"""Computing a scheme over a district's year (issue 11 part 2): :func:`compute` stores a new draft
version (line items and scores in bulk, one transaction); :func:`what_if` changes rules in memory
and shows every unit's score and rank against the published version, writing nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.bulk import copy_rows
from reformledger.core.permissions import require

from .. import engine
from ..facts import FactBook, units_in_scope
from ..kinds import clean_rule
from ..lines import Line, Outcome
from ..models import (
    Assessment,
    AssessmentPurpose,
    LineItem,
    Rule,
    Scheme,
    SchemeState,
    UnitScore,
)
from ..selectors.results import published_assessment

#: Line items go in with bulk_create in batches of this many.
BATCH = 2000


def run_scheme(scheme: Scheme, rules: Sequence[Any], *, year: int) -> tuple[Outcome, FactBook]:
    """Every rule of ``rules`` over the district's ``year`` (no writes)."""
    book = FactBook(district_id=scheme.district_id, year=year, units=units_in_scope(scheme.district_id, list(scheme.unit_kinds)))
    outcome = engine.run(rules, book, floor=scheme.floor, cap=scheme.cap, margin=scheme.noise_margin)
    return outcome, book


def _line_item(assessment: Assessment, line: Line) -> LineItem:
    return LineItem(
        assessment=assessment, unit_id=line.unit_id, rule=line.rule, points=line.points, quantity=line.quantity,
        explanation=line.explanation, reform_id=line.reform_id, task_id=line.task_id, round_id=line.round_id,
        case_study_id=line.case_study_id, adoption_id=line.adoption_id, commendation_id=line.commendation_id,
        waived_by_id=line.waived_by_id, waived_points=line.waived_points, adjustment=line.adjustment,
    )


LINE_COLUMNS = (
    "assessment_id", "unit_id", "rule_id", "points", "quantity", "explanation", "reform_id", "task_id", "round_id",
    "case_study_id", "adoption_id", "commendation_id", "waived_by_id", "waived_points", "adjustment",
)
SCORE_COLUMNS = ("assessment_id", "unit_id", "score", "rank", "noise_band")


def _line_row(assessment_id: int, line: Line) -> tuple[Any, ...]:
    return (
        assessment_id, line.unit_id, getattr(line.rule, "pk", None), line.points, line.quantity, line.explanation, line.reform_id,
        line.task_id, line.round_id, line.case_study_id, line.adoption_id, line.commendation_id, line.waived_by_id,
        line.waived_points, line.adjustment,
    )


def store(assessment: Assessment, outcome: Outcome) -> None:
    """The outcome's scores and line items, in bulk (COPY on PostgreSQL, bulk_create elsewhere)."""
    scores = [(assessment.pk, unit_id, score, outcome.ranks[unit_id], outcome.bands[unit_id])
              for unit_id, score in sorted(outcome.scores.items())]
    if connection.vendor == "postgresql":
        copy_rows(UnitScore._meta.db_table, SCORE_COLUMNS, scores)
        copy_rows(LineItem._meta.db_table, LINE_COLUMNS, (_line_row(assessment.pk, line) for line in outcome.lines))
        return
    UnitScore.objects.bulk_create(
        [UnitScore(assessment=assessment, unit_id=u, score=s, rank=r, noise_band=b) for _a, u, s, r, b in scores], batch_size=BATCH,
    )
    LineItem.objects.bulk_create([_line_item(assessment, line) for line in outcome.lines], batch_size=BATCH)


def next_version(*, district_id: int, year: int, purpose: str) -> int:
    found = Assessment.objects.filter(district_id=district_id, year=year, purpose=purpose).aggregate(n=Max("version"))["n"]
    return (found or 0) + 1


def new_version(*, user: Any, scheme: Scheme, year: int, purpose: str, reason: str) -> Assessment:
    """An empty draft numbered after the last of its district, year and purpose."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Assessment.objects.create(
                    scheme=scheme, district_id=scheme.district_id, year=year, purpose=purpose,
                    version=next_version(district_id=scheme.district_id, year=year, purpose=purpose),
                    previous=published_assessment(scheme.district_id, year) if purpose == AssessmentPurpose.OFFICIAL else None,
                    reason=reason, computed_by=user, computed_at=timezone.now(),
                )
        except IntegrityError:
            continue
    raise ValidationError(_("Another version was being computed at the same time; try again."))


@transaction.atomic
def compute(*, user: Any, scheme: Scheme, purpose: str = AssessmentPurpose.OFFICIAL, year: int | None = None,
            reason: str = "") -> Assessment:
    """A new draft version: official on an adopted (or frozen) scheme and its year; a dry run on
    any scheme, on last year's data unless ``year`` says otherwise. An error of any rule on any
    unit (a division by zero…) names the clause and the unit, and nothing is stored."""
    require(user, "assessment.compute", scheme)
    if purpose not in AssessmentPurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    if purpose == AssessmentPurpose.OFFICIAL:
        if scheme.state == SchemeState.DRAFT:
            raise ValidationError(_("Adopt scheme “%(title)s” before computing official results (a dry run is allowed).") % {"title": scheme.title})
        if year not in (None, scheme.year):
            raise ValidationError({"year": _("Official results are computed on the scheme's own year.")})
    assessed_year = year if year is not None else (scheme.year if purpose == AssessmentPurpose.OFFICIAL else scheme.year - 1)
    rules = list(scheme.rules.order_by("position", "pk"))
    outcome, _book = run_scheme(scheme, rules, year=assessed_year)
    assessment = new_version(user=user, scheme=scheme, year=assessed_year, purpose=purpose, reason=reason)
    store(assessment, outcome)
    log_action(user, "assessment.compute", assessment, {
        "version": [None, assessment.version], "purpose": [None, purpose], "units": [None, len(outcome.scores)],
    })
    return assessment


# --- what-if ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreviewRow:
    unit_id: int
    code: str
    name: str
    score: Decimal
    rank: int
    band: int
    published_score: Decimal | None
    published_rank: int | None
    delta: Decimal | None
    rank_change: int | None  # positive: moved up


@dataclass(frozen=True)
class Preview:
    scheme_id: int
    year: int
    published_id: int | None
    rows: list[PreviewRow]
    changed_clauses: list[str]


def _changed_rules(scheme: Scheme, changes: Sequence[Mapping[str, Any]]) -> tuple[list[Rule], list[str]]:
    """The scheme's rules with ``changes`` applied in memory. Each change names a ``clause`` and
    either ``remove: true`` or any of ``params``, ``expression``, ``floor``, ``cap``."""
    rules = {r.clause: copy.copy(r) for r in scheme.rules.order_by("position", "pk")}
    touched = []
    for change in changes:
        clause = str(change.get("clause", ""))
        if clause not in rules:
            raise ValidationError({"clause": _("The scheme has no clause %(clause)s.") % {"clause": clause}})
        touched.append(clause)
        if change.get("remove"):
            del rules[clause]
            continue
        rule = rules[clause]
        unknown = set(change) - {"clause", "params", "expression", "floor", "cap"}
        if unknown:
            raise ValidationError(_("Rule %(clause)s: unknown change %(name)s.") % {"clause": clause, "name": sorted(unknown)[0]})
        rule.params = change.get("params", rule.params)
        rule.expression = change.get("expression", rule.expression)
        for bound in ("floor", "cap"):
            if bound in change:
                setattr(rule, bound, None if change[bound] is None else Decimal(str(change[bound])))
        rule.params = clean_rule(clause=clause, kind=rule.kind, params=rule.params, expression_text=rule.expression,
                                 unit_kinds=rule.unit_kinds, floor=rule.floor, cap=rule.cap, unit_codes=None)
    return list(rules.values()), touched


def what_if(*, user: Any, scheme: Scheme, changes: Sequence[Mapping[str, Any]]) -> Preview:
    """Every unit's score, rank and band with the rules changed, beside the published version's
    (deltas; None where nothing is published). Reads only: nothing is written."""
    require(user, "assessment.compute", scheme)
    rules, touched = _changed_rules(scheme, changes)
    outcome, book = run_scheme(scheme, rules, year=scheme.year)
    published = published_assessment(scheme.district_id, scheme.year)
    before: dict[int, tuple[Decimal, int]] = {}
    if published is not None:
        before = {u: (s, r) for u, s, r in UnitScore.objects.filter(assessment=published).values_list("unit_id", "score", "rank")}
    rows = []
    for unit in book.units:
        score, rank = outcome.scores[unit.pk], outcome.ranks[unit.pk]
        old = before.get(unit.pk)
        rows.append(PreviewRow(
            unit.pk, unit.code, unit.name, score, rank, outcome.bands[unit.pk],
            old[0] if old else None, old[1] if old else None,
            (score - old[0]) if old else None, (old[1] - rank) if old else None,
        ))
    rows.sort(key=lambda r: (r.rank, r.code))
    return Preview(scheme.pk, scheme.year, getattr(published, "pk", None), rows, touched)
