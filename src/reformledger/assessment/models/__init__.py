"""Annual assessment (考评, DOMAIN.md mechanism 9, issue 11): schemes of rules as data, computed
versions of every unit's score as line items, appeals against a line item, commendations."""

from .appeals import Appeal, AppealState
from .commendations import Commendation, CommendationKind
from .results import Assessment, AssessmentPurpose, AssessmentState, LineAdjustment, LineItem, UnitScore
from .schemes import Rule, RuleKind, Scheme, SchemeState

__all__ = [
    "Appeal",
    "AppealState",
    "Assessment",
    "AssessmentPurpose",
    "AssessmentState",
    "Commendation",
    "CommendationKind",
    "LineAdjustment",
    "LineItem",
    "Rule",
    "RuleKind",
    "Scheme",
    "SchemeState",
    "UnitScore",
]
