"""What the evaluation adds to lower apps, registered in ``core.registry`` and ``core.cache`` (reforms
and the layout never name evaluation): the words for its audit entries, the panel on a reform's page
showing its look-back review's conclusion, the office's "Evaluation" menu (rounds, expert panels,
look-back reviews) and the districts of its records without a ``district_id``. :func:`register` is
called from ``EvaluationConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import register_district_of, register_fact_family
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for

from .models import (
    LookbackState,
    Panel,
    PaperSlipImport,
    Rating,
    RatingCodePack,
    RatingSeal,
    Resident,
    Round,
    Sheet,
)
from .selectors.lookback import reviews_of_reform
from .services.seals import seal_waiting

RATING_AUDIT_LABELS = {
    "rating.seal": _("sealed a batch of ratings into the round's chain"),
    "rating.moderate": _("moderated a rating's comment"),
}
RATING_CHANGE_LABELS = {
    "rating_seal": _("Ratings sealed up to"),
    "seal_hash": _("Seal hash"),
}

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


PANEL_AUDIT_LABELS = {
    "expert.add": _("added an expert to the pool"),
    "panel.form": _("formed an expert panel"),
    "panel.change": _("changed an expert panel"),
    "panel.open_scoring": _("opened the panel's scoring"),
    "panel.close": _("closed the panel"),
    "sheet.save": _("saved a scoring sheet"),
    "sheet.submit": _("submitted a scoring sheet"),
    "sheet.reopen": _("reopened a scoring sheet"),
}


def _sees_rounds(request) -> bool:
    actor = actor_for(request.user)
    return actor.reads_every_district or (actor.is_office and bool(actor.district_ids))


def _sees_panels(request) -> bool:
    return request.user.has_perm("evaluation.view_panel")


def _sheet_district(sheet: Sheet) -> int | None:
    panel = sheet._state.fields_cache.get("panel")
    if isinstance(panel, Panel):
        return panel.district_id
    return Panel.objects.filter(pk=sheet.panel_id).values_list("district_id", flat=True).first()


def _rating_district(rating: Rating) -> int | None:
    for name in ("round", "reform"):
        loaded = rating._state.fields_cache.get(name)
        if loaded is not None:
            return int(loaded.district_id)
    return Round.objects.filter(pk=rating.round_id).values_list("district_id", flat=True).first()


def _seal_district(seal: RatingSeal) -> int | None:
    round_ = seal._state.fields_cache.get("round")
    if isinstance(round_, Round):
        return int(round_.district_id)
    return Round.objects.filter(pk=seal.round_id).values_list("district_id", flat=True).first()


def _resident_district(resident: Resident) -> int | None:
    community = resident._state.fields_cache.get("community")
    if isinstance(community, Unit):
        return community.district_id
    if resident.community_id is None:
        return None
    return Unit.objects.filter(pk=resident.community_id).values_list("district_id", flat=True).first()


def register() -> None:
    # The evaluation's writes bump its own family alone (core.cache, ADR 0033): a public round's
    # ratings leave the district's work pages as they were; its pages read ``fact_scopes("evaluation", …)``.
    register_fact_family("evaluation", "evaluation", apart=True)
    # Audited writes to ratings, residents, packs, slip imports and sheets touch their district.
    register_district_of(Rating, _rating_district)
    register_district_of(RatingSeal, _seal_district)
    register_district_of(Resident, _resident_district)
    register_district_of(RatingCodePack, lambda pack: pack.round.district_id)
    register_district_of(PaperSlipImport, lambda record: record.round.district_id)
    register_district_of(Sheet, _sheet_district)
    registry.register_audit_labels(PANEL_AUDIT_LABELS, creates=("expert.add", "panel.form"))
    registry.register_audit_labels(RATING_AUDIT_LABELS, creates=("rating.seal",))
    registry.register_change_labels(RATING_CHANGE_LABELS)
    registry.register_worker_step("evaluation.seal", label=_("seal the ratings of quiet rounds"), step=seal_waiting)
    registry.register_menu_entry(registry.MenuEntry(
        key="evaluation.rounds", section="evaluation", label=_("Rating rounds"), url_name="evaluation:office-rounds",
        visible=_sees_rounds, icon="bi-star-half", order=40,
    ))
    registry.register_menu_entry(registry.MenuEntry(
        key="evaluation.panels", section="evaluation", label=_("Expert panels"), url_name="evaluation:panels",
        visible=_sees_panels, icon="bi-people-fill", order=50,
    ))
    register_lookback()


def register_lookback() -> None:
    registry.register_audit_labels(LOOKBACK_AUDIT_LABELS)
    registry.register_change_labels(LOOKBACK_CHANGE_LABELS)
    registry.register_reform_panel("lookback", template="evaluation/lookback/_reform_panel.html", context=lookback_panel, order=150)
    registry.register_menu_entry(registry.MenuEntry(
        key="evaluation.lookback", section="evaluation", label=_("Look-back reviews"), url_name="evaluation:lookback-list",
        visible=_sees_lookbacks, icon="bi-arrow-counterclockwise", order=60,
    ))
