"""Adoptions of a published case study's experience elsewhere (复制推广), recorded by the office of
its district: level (city, province, nation), place, date, document number, description; a wrong one
withdrawn with a reason (kept, no longer counted). The case keeps the widest level and the count of
the adoptions in force (the lists filter and sort by them; one writer: this module).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.evaluation.models import AdoptionLevel

from ..models import LEVEL_ORDER, Adoption, CaseStudy, CaseStudyState
from . import checks
from .cases import MANAGES
from .checks import Errors


def widest(levels: list[str]) -> str:
    """The widest of these levels ("" for none)."""
    ranked = [level for level in LEVEL_ORDER if level in levels]
    return ranked[-1] if ranked else ""


def _check(case: CaseStudy, data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    level = data.get("level")
    if level not in AdoptionLevel.values:
        checks.add(errors, "level", _("Choose one of: %(choices)s.") % {"choices": ", ".join(AdoptionLevel.values)})
    adopted_on = checks.date(data.get("adopted_on"), "adopted_on", errors)
    if adopted_on is not None:
        if adopted_on > timezone.localdate():
            checks.add(errors, "adopted_on", _("An adoption is recorded once it has happened: not a future date."))
        elif adopted_on < dt.date(case.reform.year, 1, 1):
            checks.add(errors, "adopted_on", _("Not before the reform's year (%(year)d).") % {"year": case.reform.year})
    return {
        "level": level,
        "adopted_on": adopted_on,
        "place": checks.text(data.get("place"), "place", limits.TITLE, errors, required=True),
        "document_number": checks.text(data.get("document_number"), "document_number", 100, errors),
        "description": checks.text(data.get("description"), "description", limits.LONG_TEXT, errors),
    }


@transaction.atomic
def record_adoption(
    *, user, case: CaseStudy, level: str, place: str, adopted_on: dt.date | str,
    document_number: str = "", description: str = "",
) -> Adoption:
    """Record that the case's experience was adopted elsewhere. Only a published case; the same
    place, level and date once."""
    case = CaseStudy.objects.select_for_update().select_related("reform").get(pk=case.pk)
    require(user, "casestudies.manage_case_study", case, message=MANAGES)
    if case.state != CaseStudyState.PUBLISHED:
        raise ValidationError({"state": _("Adoptions are recorded once the case study is published.")})
    errors: Errors = {}
    values = _check(case, {
        "level": level, "place": place, "adopted_on": adopted_on, "document_number": document_number, "description": description,
    }, errors)
    in_force = case.adoptions.filter(withdrawn_at__isnull=True)
    if not errors and in_force.filter(level=values["level"], place=values["place"], adopted_on=values["adopted_on"]).exists():
        checks.add(errors, "place", _("This adoption is recorded already."))
    if errors:
        raise ValidationError(errors)
    adoption = Adoption.objects.create(case_study=case, recorded_by=user, **values)
    log_action(user, "casestudy.adopt", case, {
        "adoption": [None, adoption.pk], "level": values["level"], "place": values["place"],
        "adopted_on": values["adopted_on"], "document_number": values["document_number"], **_recount(case),
    })
    return adoption


def _recount(case: CaseStudy) -> dict[str, list[Any]]:
    """Keep the case's widest level and count of the adoptions in force; the changes, for the audit."""
    levels = list(case.adoptions.filter(withdrawn_at__isnull=True).values_list("level", flat=True))
    before = (case.adoption_level, case.adoptions_count)
    case.adoption_level, case.adoptions_count = widest(levels), len(levels)
    case.save(update_fields=["adoption_level", "adoptions_count", "updated_at"])
    return {"adoption_level": [before[0], case.adoption_level], "adoptions_count": [before[1], case.adoptions_count]}


@transaction.atomic
def withdraw_adoption(*, user, adoption: Adoption, reason: str) -> Adoption:
    """The office withdraws a wrongly recorded adoption with a reason: kept on record (an assessment
    that cited it stays as published), no longer shown publicly nor counted."""
    case = CaseStudy.objects.select_for_update().select_related("reform").get(pk=adoption.case_study_id)
    require(user, "casestudies.manage_case_study", case, message=MANAGES)
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    errors: Errors = {}
    if adoption.withdrawn_at is not None:
        checks.add(errors, "state", _("This adoption is withdrawn already."))
    text = checks.text(reason, "reason", limits.REASON, errors, required=True)
    if errors:
        raise ValidationError(errors)
    adoption.withdrawn_at, adoption.withdrawn_by, adoption.withdraw_reason = timezone.now(), user, text
    adoption.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason", "updated_at"])
    log_action(user, "casestudy.adoption_withdraw", case, {
        "adoption": [adoption.pk, None], "level": adoption.level, "place": adoption.place, "reason": text, **_recount(case),
    })
    return adoption
