"""What the look-back reviews add to lower apps, registered in ``core.registry`` (reforms never names
evaluation): the words for their audit entries, the panel on a reform's page showing its review's
conclusion, and the office's menu entry. :func:`register_lookback` is called from
``EvaluationConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry

from .models import LookbackState
from .selectors.lookback import reviews_of_reform

LOOKBACK_AUDIT_LABELS = {
    "lookback.schedule": _("scheduled a look-back review (回头看)"),
    "lookback.update": _("wrote the look-back review's findings"),
    "lookback.conclude": _("concluded the look-back review"),
    "lookback.reopen": _("reopened the look-back review"),
    "lookback.follow_up": _("filed a follow-up task for a problem the look-back review found"),
}
LOOKBACK_CHANGE_LABELS = {
    "follow_up": _("Follow-up after completion"),
    "lookback_review": _("Look-back review"),
    "lookback_problem": _("Problem found"),
}


def lookback_panel(request, reform) -> dict[str, Any] | None:
    """The look-back panel of a key reform's page, for whoever may read its reviews: the latest
    review (its state, grade and conclusion) and whether the office may schedule one. None
    (no panel) for others and for reforms that are not key reforms."""
    if reform.tier != "key" or not request.user.has_perm("evaluation.view_lookback", reform):
        return None
    reviews = reviews_of_reform(request.user, reform)
    latest = reviews[0] if reviews else None
    concluded = next((r for r in reviews if r.state == LookbackState.CONCLUDED), None)
    may_schedule = (
        reform.status == "completed"
        and not any(r.state != LookbackState.CONCLUDED for r in reviews)
        and request.user.has_perm("evaluation.manage_lookback", reform)
    )
    if latest is None and not may_schedule:
        return None
    return {"latest": latest, "concluded": concluded, "count": len(reviews), "may_schedule": may_schedule}


def _sees_lookbacks(request) -> bool:
    return request.user.has_perm("evaluation.view_lookbacks")


def register_lookback() -> None:
    registry.register_audit_labels(LOOKBACK_AUDIT_LABELS)
    registry.register_change_labels(LOOKBACK_CHANGE_LABELS)
    registry.register_reform_panel("lookback", template="evaluation/lookback/_reform_panel.html", context=lookback_panel, order=150)
    registry.register_menu_entry(registry.MenuEntry(
        key="evaluation.lookback", label=_("Look-back reviews"), url_name="evaluation:lookback-list",
        visible=_sees_lookbacks, icon="bi-arrow-counterclockwise", order=60,
    ))
