"""What fault tolerance adds to lower apps through ``core.registry`` and ``core.cache``: the words
for its audit entries, the menu entries (the reviewers' queue with its pending count, the
applicant's own cases), the panel on a reform's page offering its responsible people to apply, and
its fact family (its writes leave the work's cached pages as they were). :func:`register` is called
from ``ToleranceConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import cached_value, fact_scopes, register_fact_family
from reformledger.org.selectors import actor_for

from .models import CaseEvidence, CaseState, Shortfall, ToleranceCase
from .rules import reviewing_district_ids
from .selectors.cases import shortfall_of

AUDIT_LABELS = {
    "tolerance.apply": _("applied for fault tolerance (容错申请)"),
    "tolerance.withdraw": _("withdrew a tolerance case"),
    "tolerance.opinion": _("gave an opinion on a tolerance case"),
    "tolerance.decide": _("decided a tolerance case"),
    "tolerance.checklist_seed": _("set up the default tolerance conditions and negative list"),
    "tolerance.checklist_add": _("added a tolerance condition or negative-list item"),
    "tolerance.checklist_change": _("changed a tolerance condition or negative-list item"),
}


def _reviews(request) -> bool:
    return request.user.has_perm("tolerance.review")


def _applies(request) -> bool:
    actor = actor_for(request.user)
    return bool(actor.unit_ids or actor.is_leader) and not _reviews(request)


def pending_count(request) -> int:
    """Pending cases of the reviewer's districts (one count, cached until a tolerance write there)."""
    districts = reviewing_district_ids(actor_for(request.user))
    qs = ToleranceCase.objects.filter(state=CaseState.SUBMITTED)
    if districts is not None:
        if not districts:
            return 0
        qs = qs.filter(district_id__in=districts)
    # Keyed on the districts (what the query is made of): cheaper than compiling its SQL.
    key = f"tolerance:pending:{'all' if districts is None else sorted(districts)}"
    return cached_value(key, qs.count, scopes=fact_scopes("tolerance", districts))


def reform_panel(request, reform) -> dict[str, Any] | None:
    """On a reform that failed or fell short, for a person responsible for it: a link to apply."""
    if not request.user.has_perm("tolerance.apply", reform):
        return None
    shortfall = shortfall_of(reform)
    if not shortfall:
        return None
    mine = list(ToleranceCase.objects.filter(reform=reform, applicant=request.user).order_by("-created_at")[:5])
    return {"shortfall": Shortfall(shortfall).label, "cases": mine}


def register() -> None:
    registry.register_stored_files("tolerance", CaseEvidence)  # files of writes that rolled back: swept daily
    register_fact_family("tolerance", "tolerance", apart=True)
    registry.register_audit_labels(AUDIT_LABELS, creates=("tolerance.apply", "tolerance.checklist_add", "tolerance.checklist_seed"))
    registry.register_menu_entry(registry.MenuEntry(
        key="tolerance.queue", label=_("Tolerance cases"), url_name="tolerance:queue", visible=_reviews,
        icon="bi-shield-check", badge=pending_count, order=70,
    ))
    registry.register_menu_entry(registry.MenuEntry(
        key="tolerance.mine", label=_("My tolerance cases"), url_name="tolerance:my-cases", visible=_applies,
        icon="bi-shield-check", order=70,
    ))
    registry.register_reform_panel("tolerance", template="tolerance/_reform_panel.html", context=reform_panel, order=170)
