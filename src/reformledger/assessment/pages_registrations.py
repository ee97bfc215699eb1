"""What the assessment's pages, appeals and commendations add to lower apps (``core.registry``): the
words of their audit entries, the office's "Assessment" (考评) menu, the unit's own entries, and the
commendations panel on a unit's and a person's page (org's pages never import the assessment).
Appended to ``registrations.REGISTRATIONS`` (run from ``AssessmentConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import register_district_of
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for

from . import rules_appeals  # noqa: F401  (registers the appeal and commendation permissions)
from .models import Appeal
from .selectors.appeals import open_count
from .selectors.commendations import shown_to_person, shown_to_unit

APPEAL_AUDIT_LABELS = {
    "appeal.file": _("appealed a line item of the assessment (申诉)"),
    "appeal.withdraw": _("withdrew an appeal"),
    "appeal.reject": _("rejected an appeal"),
    "appeal.uphold": _("upheld an appeal (a new version was derived)"),
    "commendation.award": _("awarded a commendation"),
    "commendation.revoke": _("revoked a commendation"),
}
APPEAL_CHANGE_LABELS = {
    "line_item": _("Line item"),
    "assessment": _("Assessment version"),
    "requested_points": _("Points requested"),
    "resulting_assessment": _("Resulting version"),
    "decision": _("Decision"),
    "citation": _("Citation"),
    "awarded_on": _("Awarded on"),
    "people": _("People"),
}


def _office_reader(request) -> bool:
    actor = actor_for(request.user)
    return actor.reads_every_district or (actor.is_office and bool(actor.district_ids))


def _unit_worker(request) -> bool:
    return bool(actor_for(request.user).unit_ids)


def _open_appeals(request) -> int:
    return open_count(request.user)


def commendations_panel(request, obj) -> dict[str, Any] | None:
    """The commendations in force of a unit (or naming a person): None when there are none."""
    items = shown_to_unit(obj) if isinstance(obj, Unit) else shown_to_person(obj)
    return {"commendations": items} if items else None


def _menu() -> None:
    entries = [
        ("assessment.schemes", _("Schemes"), "assessment:schemes", _office_reader, "bi-journal-code", 10, None),
        ("assessment.versions", _("Versions and rankings"), "assessment:versions", _office_reader, "bi-bar-chart-steps", 20, None),
        ("assessment.appeals", _("Appeal queue"), "assessment:appeal-queue", _office_reader, "bi-megaphone", 40, _open_appeals),
        ("assessment.commendations", _("Commendations"), "assessment:commendations", _office_reader, "bi-award", 50, None),
        ("assessment.my_score", _("My unit's score"), "assessment:my-score", _unit_worker, "bi-clipboard-data", 60, None),
        ("assessment.my_appeals", _("My appeals"), "assessment:my-appeals", _unit_worker, "bi-chat-square-text", 70, None),
    ]
    for key, label, url_name, visible, icon, order, badge in entries:
        registry.register_menu_entry(registry.MenuEntry(
            key=key, section="assessment", label=label, url_name=url_name, visible=visible, icon=icon, order=order, badge=badge,
        ))


def register_pages() -> None:
    registry.register_audit_labels(APPEAL_AUDIT_LABELS, creates=("appeal.file", "commendation.award"))
    registry.register_change_labels(APPEAL_CHANGE_LABELS)
    register_district_of(Appeal, lambda appeal: appeal.unit.district_id)
    registry.register_unit_panel("commendations", template="assessment/_commendations_panel.html", context=commendations_panel, order=120)
    registry.register_person_panel("commendations", template="assessment/_commendations_panel.html", context=commendations_panel, order=120)
    _menu()
