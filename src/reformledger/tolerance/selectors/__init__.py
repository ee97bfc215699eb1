"""Scoped reads of fault-tolerance cases."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models import CaseState, Outcome, ToleranceCase


@dataclass(frozen=True, slots=True)
class Exemption:
    """A decided case that waives (a share of) a unit's penalties on one reform for one year."""

    case_id: int
    reform_id: int
    unit_id: int
    outcome: str
    waiver: Decimal


def exemptions(*, district_id: int, year: int) -> dict[tuple[int, int], Exemption]:
    """The exemptions decided in a district for an assessment year, keyed ``(reform_id, unit_id)``.

    One query. Where several decided cases cover the same reform and unit, the most generous
    decision stands (the latest when equal)."""
    found: dict[tuple[int, int], Exemption] = {}
    rows = (
        ToleranceCase.objects.filter(
            district_id=district_id, year=year, state=CaseState.DECIDED, outcome__in=(Outcome.EXEMPT, Outcome.PARTLY)
        )
        .order_by("waiver", "decided_at", "pk")
        .values_list("pk", "reform_id", "unit_id", "outcome", "waiver")
    )
    for pk, reform_id, unit_id, outcome, waiver in rows:
        found[(reform_id, unit_id)] = Exemption(pk, reform_id, unit_id, outcome, waiver)
    return found
