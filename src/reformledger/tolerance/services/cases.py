"""Applying for exemption (容错申请) and withdrawing an application.

Only a person responsible for the reform applies (``tolerance.apply``: staff or head of its lead
unit or a co-unit, or its named responsible leader), on a reform that failed or fell short
(``selectors.cases.classify``, ADR 0047), answering every condition and every negative-list item of
the reform's district with an explanation, with evidence files. One open case per reform and unit
(a database constraint: two applications at once leave one). Bad input is a ValidationError naming
each field at fault (``answers.procedures``, ``year``, ``evidence``); nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform
from reformledger.reforms.rules import co_unit_ids
from reformledger.supervision.services.evidence import check_evidence

from ..models import CaseAnswer, CaseEvidence, CaseState, ChecklistItem, ItemKind, ToleranceCase
from ..selectors.cases import shortfall_of
from .checklists import ensure_checklist

Errors = dict[str, list[str]]
NOT_RESPONSIBLE = _(
    "Only a person responsible for the reform applies: staff or the head of its lead unit or a co-unit, or its responsible leader."
)
OPEN_ALREADY = _("This reform already has an open tolerance case for this unit.")
#: ``code -> (answer, explanation)``: a condition met (True) or not; a negative-list item that applies (True) or not.
Answers = Mapping[str, tuple[bool, str]]


def _unit_for(user, reform: Reform, unit: Unit | None, errors: Errors) -> Unit | None:
    """The unit whose penalties the case concerns: the one asked for, if the person works in it and
    it leads or co-runs the reform; else the lead unit (the person's, or the leader's reform's)."""
    actor = actor_for(user)
    running = {reform.lead_unit_id, *co_unit_ids(reform)}
    if unit is not None:
        named_leader = actor.is_leader and reform.responsible_leader_id == user.pk
        if unit.pk not in running or not (unit.pk in actor.unit_ids or (named_leader and unit.pk == reform.lead_unit_id)):
            errors.setdefault("unit", []).append(_("Choose your unit, which leads or co-runs this reform."))
            return None
        return unit
    mine = sorted(actor.unit_ids & running)
    if reform.lead_unit_id in mine or not mine:
        return reform.lead_unit
    return Unit.objects.get(pk=mine[0])


def _check_year(year: Any, reform: Reform, errors: Errors) -> None:
    today = timezone.localdate()
    if not isinstance(year, int) or isinstance(year, bool) or not reform.year <= year <= today.year:
        errors.setdefault("year", []).append(
            _("Choose an assessment year from %(first)s to %(last)s.") % {"first": reform.year, "last": today.year}
        )


def check_answers(items: Sequence[ChecklistItem], answers: Answers, errors: Errors) -> list[CaseAnswer]:
    """One answer for every item in use, with an explanation for each condition and each negative
    item that applies; no answer for an item the district does not have."""
    by_code = {item.code: item for item in items}
    rows = []
    for code in sorted(set(answers) - set(by_code)):
        errors.setdefault(f"answers.{code}", []).append(_("No such condition or negative-list item in this district."))
    for item in items:
        given = answers.get(item.code)
        field = f"answers.{item.code}"
        if given is None:
            errors.setdefault(field, []).append(_("Answer this item."))
            continue
        answer, explanation = bool(given[0]), (given[1] or "").strip()
        if len(explanation) > limits.MESSAGE:
            errors.setdefault(field, []).append(_("At most %(n)s characters.") % {"n": limits.MESSAGE})
        elif not explanation and (item.kind == ItemKind.CONDITION or answer):
            errors.setdefault(field, []).append(_("Explain your answer."))
        rows.append(CaseAnswer(item=item, kind=item.kind, code=item.code, text=item.text, answer=answer, explanation=explanation))
    return rows


def _save(case: ToleranceCase) -> None:
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # another application for the same reform and unit a moment ago
        raise ValidationError({"reform": OPEN_ALREADY}) from exc


@transaction.atomic
def apply_for_exemption(
    *,
    user,
    reform: Reform,
    what_happened: str,
    year: int,
    answers: Answers,
    unit: Unit | None = None,
    evidence: Sequence[Any] = (),
) -> ToleranceCase:
    """File a tolerance case on ``reform`` for the applicant's unit and the assessment ``year``."""
    reform = Reform.objects.select_related("lead_unit", "district").get(pk=reform.pk)
    require(user, "tolerance.apply", reform, message=NOT_RESPONSIBLE)
    errors: Errors = {}
    shortfall = shortfall_of(reform)
    if not shortfall:
        errors["reform"] = [_("This reform has not failed or fallen short: it is neither terminated, suspended, overdue, completed late, nor were any of its tasks overdue.")]
    text = (what_happened or "").strip()
    if not text:
        errors["what_happened"] = [_("Say what happened.")]
    elif len(text) > limits.LONG_TEXT:
        errors["what_happened"] = [_("At most %(n)s characters.") % {"n": limits.LONG_TEXT}]
    _check_year(year, reform, errors)
    case_unit = _unit_for(user, reform, unit, errors)
    ensure_checklist(district=reform.district)
    items = list(ChecklistItem.objects.filter(district_id=reform.district_id, is_active=True).order_by("kind", "sort_order", "pk"))
    rows = check_answers(items, answers, errors)
    checked: list = []
    try:
        checked = check_evidence(list(evidence))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if case_unit is not None and ToleranceCase.objects.filter(reform=reform, unit=case_unit, state=CaseState.SUBMITTED).exists():
        errors.setdefault("reform", []).append(OPEN_ALREADY)
    if errors:
        raise ValidationError(errors)
    assert case_unit is not None
    case = ToleranceCase(
        district_id=reform.district_id, reform=reform, unit=case_unit, applicant=user, year=year, what_happened=text,
        shortfall=shortfall,
    )
    _save(case)
    for row in rows:
        row.case = case
    CaseAnswer.objects.bulk_create(rows)
    files = [
        CaseEvidence.objects.create(case=case, file=upload, name=upload.name[:200], kind=kind, size=upload.size, uploaded_by=user)
        for upload, kind in checked
    ]
    log_action(user, "tolerance.apply", case, {
        "reform": [None, reform.pk], "unit": [None, case_unit.pk], "year": [None, year], "shortfall": [None, shortfall],
        "answers": {row.code: row.answer for row in rows}, "evidence": [f.name for f in files],
    })
    return case


@transaction.atomic
def withdraw_case(*, user, case: ToleranceCase, reason: str) -> ToleranceCase:
    """The applicant withdraws a case no one has decided yet, with a reason."""
    case = ToleranceCase.objects.select_for_update().get(pk=case.pk)
    require(user, "tolerance.withdraw", case, message=_("Only the applicant withdraws a case."))
    if case.state != CaseState.SUBMITTED:
        raise ValidationError({"state": _("This case is decided or withdrawn: it is frozen.")})
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Give a reason.")})
    if len(text) > limits.MESSAGE:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": limits.MESSAGE}})
    case.state = CaseState.WITHDRAWN
    case.save(update_fields=["state", "updated_at"])
    log_action(user, "tolerance.withdraw", case, {"state": [CaseState.SUBMITTED, CaseState.WITHDRAWN], "reason": text})
    return case
