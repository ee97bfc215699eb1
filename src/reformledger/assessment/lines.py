"""What every rule kind makes: line items (:class:`Line`), and the little helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from . import ranking
from .facts import FactBook, UnitRow

ZERO = Decimal(0)
ADJUST_RULE = "rule"
ADJUST_SCHEME = "scheme"


class RuleLike(Protocol):
    """A rule as the engine reads it (a saved Rule, or an unsaved copy in a what-if)."""

    pk: Any
    clause: str
    title: str
    kind: str
    params: dict[str, Any]
    expression: str
    unit_kinds: list[str]
    floor: Decimal | None
    cap: Decimal | None


@dataclass
class Line:
    unit_id: int
    rule: Any
    points: Decimal
    explanation: str
    quantity: Decimal | None = None
    reform_id: int | None = None
    task_id: int | None = None
    round_id: int | None = None
    case_study_id: int | None = None
    adoption_id: int | None = None
    commendation_id: int | None = None
    waived_by_id: int | None = None
    waived_points: Decimal = ZERO
    adjustment: str = ""


@dataclass
class Outcome:
    """Lines (adjustments included) and every unit's score, rank and noise band."""

    lines: list[Line]
    scores: dict[int, Decimal]
    ranks: dict[int, int]
    bands: dict[int, int]
    totals: dict[int, Decimal] = field(default_factory=dict)


def num(value: Decimal | float | int) -> str:
    """A number as explanations print it: at most three decimals, no trailing zeros."""
    text = f"{ranking.points(value):f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def units_of(rule: RuleLike, book: FactBook) -> list[UnitRow]:
    kinds = set(rule.unit_kinds or [])
    return [u for u in book.units if not kinds or u.kind in kinds]


def make_line(unit_id: int, rule: RuleLike, value: float | Decimal, explanation: str, **refs: Any) -> Line:
    return Line(unit_id, rule, ranking.points(value), explanation, **refs)


