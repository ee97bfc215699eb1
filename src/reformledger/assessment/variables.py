"""The named per-unit variables of the assessment: what an ``expression`` rule may name and what the
ladder kinds (rank ladder, proportional, interpolated, per instance) may read as their ``variable``.

Every variable is a number per unit for the assessed district and year, computed in a few grouped
queries by :class:`reformledger.assessment.facts.FactBook` (the group named beside each). The list is
documented in ADR 0042 and the office's guide; a name not listed here is a validation error.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: name → (group, description). Groups: reforms, lateness, replies, ratings, adoptions, commendations, experts.
VARIABLES: dict[str, tuple[str, object]] = {
    "reforms_led": ("reforms", _("reforms of the year the unit leads (approved or later)")),
    "reforms_co_run": ("reforms", _("reforms of the year the unit co-runs")),
    "key_led": ("reforms", _("key reforms the unit leads")),
    "micro_led": ("reforms", _("micro-reforms the unit leads")),
    "upper_led": ("reforms", _("upper-level tasks the unit leads")),
    "completed": ("reforms", _("reforms led, completed")),
    "completed_on_time": ("reforms", _("reforms led, completed by their due date")),
    "completed_late": ("reforms", _("reforms led, completed after their due date")),
    "key_completed_on_time": ("reforms", _("key reforms led, completed by their due date")),
    "not_completed": ("reforms", _("reforms led, neither completed nor stopped")),
    "terminated": ("reforms", _("reforms led, terminated")),
    "overdue_task_months": ("lateness", _("task-months overdue in the year (from the overdue spells)")),
    "overdue_tasks": ("lateness", _("tasks overdue at some time in the year")),
    "late_reports": ("replies", _("replies to the year's supervision orders that came late or not at all")),
    "mean_rating": ("ratings", _("mean adjusted public rating (1–5) of the reforms led, 0 when none")),
    "rated_reforms": ("ratings", _("reforms led with a published public rating")),
    "adoptions_city": ("adoptions", _("adoptions at city level of the unit's case studies in the year")),
    "adoptions_province": ("adoptions", _("adoptions at province level of the unit's case studies in the year")),
    "adoptions_nation": ("adoptions", _("adoptions nationwide of the unit's case studies in the year")),
    "commendations": ("commendations", _("commendations of the unit in the year (not revoked)")),
    "expert_score_mean": ("experts", _("mean final expert-panel score of the reforms led, 0 when none")),
}
