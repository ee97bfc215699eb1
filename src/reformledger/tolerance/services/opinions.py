"""The two opinions on a case and its decision (ADR 0047).

The reform office of the case's district and a discipline reviewer of that district each give an
opinion — exempt, partly (with the share waived) or rejected — with reasons, in either order; each
may name negative-list items it finds apply. When both are in, the case is decided: **the less
generous opinion stands** (the smaller share waived), so a waiver needs both to concur and neither
can excuse alone. A negative-list hit (declared by the applicant or found by either reviewer) rules
out ``exempt``. One person gives at most one of the two opinions, never on their own case. A
decided case is frozen; it enters the precedent library anonymised (``anonymise``) and indexed
(``similarity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.org.models import Unit, User

from ..anonymise import redact, reform_placeholder, replacements
from ..models import CaseReview, CaseState, ItemKind, Outcome, ReviewerKind, ToleranceCase
from ..selectors.precedents import flags_of
from ..similarity import terms

Errors = dict[str, list[str]]
FROZEN = _("This case is decided or withdrawn: it is frozen.")
PERMS = {ReviewerKind.OFFICE: "tolerance.office_opinion", ReviewerKind.DISCIPLINE: "tolerance.discipline_opinion"}
ONE = Decimal("1")


def sides_for(user, case: ToleranceCase) -> list[str]:
    """The sides this person may give an opinion for on ``case`` (office, discipline)."""
    return [side for side, perm in PERMS.items() if user.has_perm(perm, case)]


def _side(user, case: ToleranceCase, side: str | None) -> str:
    sides = sides_for(user, case)
    if side:
        if side not in PERMS:
            raise ValidationError({"side": _("Choose office or discipline.")})
        if side not in sides:
            raise PermissionDenied(_("Only the reform office and the discipline reviewers of the case's district give opinions, never on their own case."))
        return side
    if not sides:
        raise PermissionDenied(_("Only the reform office and the discipline reviewers of the case's district give opinions, never on their own case."))
    if len(sides) > 1:
        raise ValidationError({"side": _("You review for both sides: say for which one you give this opinion.")})
    return sides[0]


def _waiver(outcome: str, waiver: Any, errors: Errors) -> Decimal:
    if outcome == Outcome.EXEMPT:
        return ONE
    if outcome == Outcome.REJECTED:
        return Decimal("0")
    try:
        share = Decimal(str(waiver)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError, TypeError):
        share = Decimal("-1")
    if not share.is_finite() or not Decimal("0") < share < ONE:  # NaN compares by raising
        errors.setdefault("waiver", []).append(_("For a partial exemption, give the share waived between 0 and 1 (e.g. 0.5)."))
    return share


def _check(case: ToleranceCase, outcome: str, waiver: Any, reasons: str, negative_hits: Sequence[str]) -> tuple[Decimal, str, list[str]]:
    errors: Errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose exempt, partly or rejected.")]
    share = _waiver(outcome, waiver, errors) if outcome in Outcome.values else Decimal("0")
    text = (reasons or "").strip()
    if not text:
        errors["reasons"] = [_("Give the reasons for this opinion.")]
    elif len(text) > limits.LONG_TEXT:
        errors["reasons"] = [_("At most %(n)s characters.") % {"n": limits.LONG_TEXT}]
    negative = {a.code: a for a in case.answers.all() if a.kind == ItemKind.NEGATIVE}
    hits = sorted(set(negative_hits))
    unknown = [code for code in hits if code not in negative]
    if unknown:
        errors["negative_hits"] = [_("Not a negative-list item of this case: %(codes)s.") % {"codes": ", ".join(unknown)}]
    declared = [code for code, a in negative.items() if a.answer]
    if outcome == Outcome.EXEMPT and (declared or hits):
        errors.setdefault("outcome", []).append(_("A negative-list item applies: the case cannot be exempt."))
    if errors:
        raise ValidationError(errors)
    return share, text, hits


@transaction.atomic
def give_opinion(
    *, user, case: ToleranceCase, outcome: str, reasons: str, waiver: Any = None,
    negative_hits: Sequence[str] = (), side: str | None = None,
) -> ToleranceCase:
    """Record one side's opinion; decide the case when it is the second."""
    case = ToleranceCase.objects.select_for_update().get(pk=case.pk)
    if not user.has_perm("tolerance.view_case", case):
        raise PermissionDenied(_("You may not review this case."))
    kind = _side(user, case, side)
    if case.state != CaseState.SUBMITTED:
        raise ValidationError({"state": FROZEN})
    other = CaseReview.objects.filter(case=case).exclude(kind=kind).first()
    if other is not None and other.reviewer_id == user.pk:
        raise PermissionDenied(_("The two opinions come from two people: you gave the other one."))
    share, text, hits = _check(case, outcome, waiver, reasons, negative_hits)
    review = CaseReview(case=case, kind=kind, reviewer=user, outcome=outcome, waiver=share, reasons=text, negative_hits=hits)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise ValidationError({"state": _("This side has given its opinion already.")}) from exc
    log_action(user, "tolerance.opinion", case, {
        "side": kind, "outcome": [None, outcome], "waiver": [None, share], "reasons": text, "negative_hits": hits,
    })
    if other is not None:
        _decide(user, case, [other, review])
    return case


def _decide(user, case: ToleranceCase, reviews: list[CaseReview]) -> None:
    """Both opinions are in: the less generous stands; the case is frozen, anonymised and indexed."""
    share = min(r.waiver for r in reviews)
    outcome = Outcome.EXEMPT if share == ONE else Outcome.REJECTED if share == 0 else Outcome.PARTLY
    by_kind = {r.kind: r for r in sorted(reviews, key=lambda r: r.kind != ReviewerKind.OFFICE)}
    labels: dict[str, str] = {ReviewerKind.OFFICE: _("Reform office"), ReviewerKind.DISCIPLINE: _("Discipline reviewer")}
    case.reasons = "\n\n".join(f"{labels[kind]}: {r.reasons}" for kind, r in by_kind.items())
    before = case.state
    case.state, case.outcome, case.waiver, case.decided_at = CaseState.DECIDED, outcome, share, timezone.now()
    found = [code for r in reviews for code in r.negative_hits]
    case.flags = sorted(flags_of(case.answers.all(), found))
    pairs = _names(case, reviews)
    case.anonymised = redact(case.what_happened, pairs)
    case.anonymised_reasons = redact(case.reasons, pairs)
    counted = terms(case.anonymised)
    case.terms, case.term_count = dict(counted), sum(counted.values())
    case.save()
    log_action(user, "tolerance.decide", case, {
        "state": [before, CaseState.DECIDED], "outcome": [None, outcome], "waiver": [None, share],
        "opinions": {r.kind: [r.outcome, r.waiver] for r in reviews},
    })


def _names(case: ToleranceCase, reviews: list[CaseReview]) -> list[tuple[str, str]]:
    """What the precedent library takes out of this case's words (``anonymise``)."""
    people = set(
        User.objects.filter(memberships__unit__district_id=case.district_id).values_list("full_name", flat=True)
    )
    people |= set(
        User.objects.filter(pk__in=[case.applicant_id, case.reform.responsible_leader_id, *(r.reviewer_id for r in reviews)])
        .values_list("full_name", flat=True)
    )
    units = Unit.objects.filter(district_id=case.district_id).values_list("name", "kind")
    reform = case.reform
    return replacements(
        people=[p for p in people if p], units=list(units), reform_names=[reform.title, reform.code],
        reform_placeholder_text=reform_placeholder(getattr(reform.domain, "name", None)),
    )
