"""Scoped reads of the assessment: rankings, a unit's breakdown, the diff between versions, which
version is published, the versions a person may see. Each is a fixed number of queries whatever
the number of units or line items."""

from .results import (
    DiffRow,
    LineRow,
    RankingRow,
    assessments_of,
    published_assessment,
    ranking,
    unit_breakdown,
    version_diff,
)

__all__ = [
    "DiffRow",
    "LineRow",
    "RankingRow",
    "assessments_of",
    "published_assessment",
    "ranking",
    "unit_breakdown",
    "version_diff",
]
