"""Reads of published versions for the unit's "my score" and the public pages: which versions are
published (and public), a version's ranking rows and a unit's line items. Each a bounded number of
queries whatever the number of units."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from reformledger.org.models import Unit

from ..models import Assessment, AssessmentPurpose, AssessmentState, LineItem, UnitScore
from .results import RankingRow, evidence_url, published_versions

_LINE_JOINS = ("rule", "reform", "task", "round", "case_study", "adoption", "commendation", "waived_by")


def public_versions() -> QuerySet[Assessment]:
    """The published versions the office chose to show on the public site, newest year first."""
    return published_versions().filter(is_public=True).select_related("district").order_by("-year", "district__sort_order", "district__code")


def public_version(pk: int) -> Assessment:
    version = public_versions().select_related("scheme").filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def public_ranking(assessment: Assessment) -> list[RankingRow]:
    """Every unit's score, rank and noise band of a public version, best first, in the engine's
    row shape (the engine's ``ranking`` asks the reader's rights; a public version is everyone's).
    One query."""
    rows = list(
        assessment.scores.order_by("rank", "unit__code", "unit_id")
        .values_list("unit_id", "unit__code", "unit__name", "score", "rank", "noise_band")
    )
    scores = Counter(row[3] for row in rows)
    bands = Counter(row[5] for row in rows)
    return [RankingRow(u, c, n, sc, r, b, scores[sc] > 1, bands[b]) for u, c, n, sc, r, b in rows]


def unit_lines(assessment: Assessment, unit: Unit | int) -> list[LineItem]:
    """A unit's line items in one version, in the scheme's order, their evidence joined (one query)."""
    return with_links(list(
        LineItem.objects.filter(assessment=assessment, unit=unit).select_related(*_LINE_JOINS)
        .order_by("rule__position", "pk")
    ))


def with_links(lines: list[LineItem]) -> list[LineItem]:
    """Each line with ``case_link`` and ``waiver_link``: the pages of its case study and of the
    tolerance case that waived it, where those apps serve them (the engine's evidence routes; no query)."""
    for line in lines:
        line.case_link = evidence_url({"case_study_id": line.case_study_id}) if line.case_study_id else ""  # type: ignore[attr-defined]
        line.waiver_link = evidence_url({"waived_by_id": line.waived_by_id}) if line.waived_by_id else ""  # type: ignore[attr-defined]
    return lines


def unit_score(assessment: Assessment, unit: Unit | int) -> UnitScore | None:
    return assessment.scores.filter(unit=unit).first()


def lines_total(lines: list[LineItem]) -> Decimal:
    return sum((line.points for line in lines), Decimal(0))


def unit_years(unit_ids: frozenset[int]) -> list[int]:
    """The years a published version scored one of these units in, newest first."""
    years = (
        UnitScore.objects.filter(unit_id__in=unit_ids, assessment__purpose=AssessmentPurpose.OFFICIAL,
                                 assessment__state=AssessmentState.PUBLISHED)
        .values_list("assessment__year", flat=True).distinct()
    )
    return sorted(set(years), reverse=True)
