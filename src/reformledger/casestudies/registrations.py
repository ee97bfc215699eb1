"""What the case studies add to lower apps, registered in ``core.registry`` and ``core.cache``
(reforms and the layout never name them): the words of their audit entries, the panel on a
reform's page linking its case study (or offering to write one), the office's menu entry with the
count of submitted cases, and the cache family ``casestudies`` (their writes bump it alone: a
publication renders the public case pages afresh and leaves the district's work pages served).
:func:`register` is called from ``CaseStudiesConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import register_district_of, register_fact_family
from reformledger.org.selectors import actor_for

from .models import Adoption, CaseStudyState, Material, Outcome
from .selectors.cases import WRITABLE_STATUSES, case_study_of_reform, submitted_count

AUDIT_LABELS = {
    "casestudy.draft": _("started a case study (改革案例)"),
    "casestudy.update": _("edited the case study"),
    "casestudy.submit": _("submitted the case study to the reform office"),
    "casestudy.return": _("returned the case study to the lead unit"),
    "casestudy.publish": _("published the case study"),
    "casestudy.unpublish": _("took the case study off the public site"),
    "casestudy.adopt": _("recorded an adoption of the case study's experience (复制推广)"),
    "casestudy.adoption_withdraw": _("withdrew a wrongly recorded adoption"),
    "casestudy.material_add": _("added an image or document to the case study"),
    "casestudy.material_remove": _("removed an image or document from the case study"),
}
CHANGE_LABELS = {
    "outcome_rows": _("Measured outcomes"),
    "material": _("Image or document"),
    "adoption": _("Adoption"),
}


def case_study_panel(request, reform) -> dict[str, Any] | None:
    """The reform page's panel: its case study for whoever may read it; else, for whoever may
    write one of this reform, the offer to start it. None (no panel) for everyone else."""
    case = case_study_of_reform(reform.pk)
    if case is not None:
        if not request.user.has_perm("casestudies.view_case_study", case):
            return None
        return {"case": case, "published": case.state == CaseStudyState.PUBLISHED}
    # No case study yet and the person may draft one: what writable_reforms() asks, without a query.
    if reform.status not in WRITABLE_STATUSES or not request.user.has_perm("casestudies.draft_case_study", reform):
        return None
    return {"case": None}


def _sees_case_studies(request) -> bool:
    actor = actor_for(request.user)
    return actor.reads_every_district or actor.sees_whole_districts or bool(actor.unit_ids) or actor.is_leader


def register() -> None:
    registry.register_stored_files("casestudies", Material)  # files of writes that rolled back: swept daily
    register_fact_family("casestudies", "casestudies", apart=True)
    register_district_of(Adoption, lambda adoption: adoption.case_study.district_id)
    register_district_of(Material, lambda material: material.case_study.district_id)
    register_district_of(Outcome, lambda outcome: outcome.case_study.district_id)
    registry.register_audit_labels(AUDIT_LABELS, creates=("casestudy.draft",))
    registry.register_change_labels(CHANGE_LABELS)
    registry.register_reform_panel("casestudy", template="casestudies/_reform_panel.html", context=case_study_panel, order=160)
    registry.register_menu_entry(registry.MenuEntry(
        key="casestudies.list", section="evaluation", label=_("Case studies"), url_name="casestudies:office-list",
        visible=_sees_case_studies, icon="bi-journal-richtext", badge=submitted_count_of, order=70,
    ))


def submitted_count_of(request) -> int:
    return submitted_count(request.user)
