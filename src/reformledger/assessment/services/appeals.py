"""Appeals (申诉) against a line item of a published version (issue 11 part 3, ADR 0045).

A unit (its head or staff) appeals a line item of its own score in its district's published,
current version, within the scheme's window (``published_at`` + ``appeal_days``), with a reason and
optionally the points it asks for. One open appeal per line item (a database constraint; a second
writer racing the first gets the same clear error). The office of the district decides: it rejects
with reasons, or upholds with the decided points and reasons, which derives a new draft version
(``versions.derive_version``): the line item of every appeal upheld against the same published
version carries its decided points and says "changed on appeal N". The unit may withdraw its open
appeal. Every write is atomic, checked once and audited; bad input is a ValidationError naming the
field (``line_item``, ``reason``, ``requested_points``, ``points``, ``state``), nothing written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require

from ..models import Appeal, AppealState, Assessment, AssessmentPurpose, AssessmentState, LineItem
from ..ranking import points as as_points
from . import versions

FILES = gettext_lazy("Only the head or staff of the unit whose score it is may appeal a line item.")
WITHDRAWS = gettext_lazy("Only the unit that filed the appeal may withdraw it.")
DECIDES = gettext_lazy("Only the reform office of the district decides its appeals.")
#: Points an appeal may ask for or a decision may set, either way (a line item's points are a few hundred at most).
MAX_POINTS = Decimal("100000")


def window_closes(assessment: Assessment) -> dt.datetime | None:
    """When the appeal window of a published version closes (None: not published)."""
    if assessment.published_at is None:
        return None
    return assessment.published_at + dt.timedelta(days=assessment.scheme.appeal_days)


def window_open(assessment: Assessment, *, now: dt.datetime | None = None) -> bool:
    """Whether a line item of ``assessment`` may be appealed now: the district's published, current
    official version, within its window."""
    closes = window_closes(assessment)
    return (
        assessment.purpose == AssessmentPurpose.OFFICIAL
        and assessment.state == AssessmentState.PUBLISHED
        and closes is not None
        and (now or timezone.now()) <= closes
    )


def _clean_points(value: object, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number of points, e.g. 2.5 or -1."))
        return None
    if not number.is_finite() or abs(number) >= MAX_POINTS:
        errors.setdefault(name, []).append(_("Enter a number of points between -99999 and 99999."))
        return None
    return as_points(number)


def _clean_text(value: str, name: str, errors: dict[str, list[str]], *, required_message: str) -> str:
    text = (value or "").strip()
    if not text:
        errors.setdefault(name, []).append(required_message)
    elif len(text) > limits.REASON:
        errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limits.REASON})
    return text


def _check_appealable(line: LineItem) -> None:
    if line.adjustment:
        raise ValidationError({"line_item": _(
            "This line only holds a total between a floor and a cap: appeal the line items it adjusts."
        )})
    assessment = line.assessment
    if assessment.purpose != AssessmentPurpose.OFFICIAL or assessment.state in (AssessmentState.DRAFT, AssessmentState.REVIEWED):
        raise ValidationError({"line_item": _("Only a line item of a published version may be appealed.")})
    if assessment.state == AssessmentState.SUPERSEDED:
        raise ValidationError({"line_item": _(
            "This version has been superseded by a later published version: appeal the line item of the current version."
        )})
    if not window_open(assessment):
        closes = window_closes(assessment)
        raise ValidationError({"line_item": _("The appeal window closed on %(date)s (%(days)d days after publication).") % {
            "date": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M") if closes else "—",
            "days": assessment.scheme.appeal_days,
        }})


OPEN_ALREADY = gettext_lazy("This line item already has an open appeal; wait for the office's decision or withdraw it first.")


@transaction.atomic
def file_appeal(*, user, line_item: LineItem, reason: str, requested_points: Decimal | str | None = None) -> Appeal:
    """The unit's appeal against one line item of its own score in the current published version."""
    line = LineItem.objects.select_related("assessment__scheme", "unit").get(pk=line_item.pk)
    require(user, "assessment.file_appeal", line, message=FILES)
    errors: dict[str, list[str]] = {}
    text = _clean_text(reason, "reason", errors, required_message=_("Say why the line item is wrong."))
    asked = _clean_points(requested_points, "requested_points", errors)
    if asked is not None and asked == line.points:
        errors.setdefault("requested_points", []).append(_("These are the points the line item already gives."))
    if errors:
        raise ValidationError(errors)
    # Lock the version: a publication superseding it waits for this appeal, or this one sees it.
    Assessment.objects.select_for_update().filter(pk=line.assessment_id).first()
    line.assessment.refresh_from_db(fields=["state", "published_at"])
    _check_appealable(line)
    if Appeal.objects.filter(line_item=line, state=AppealState.SUBMITTED).exists():
        raise ValidationError({"line_item": OPEN_ALREADY})
    appeal = Appeal(line_item=line, unit=line.unit, filed_by=user, reason=text, requested_points=asked)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError as exc:  # another writer filed one a moment ago
        raise ValidationError({"line_item": OPEN_ALREADY}) from exc
    log_action(user, "appeal.file", appeal, {
        "line_item": [None, line.pk], "assessment": [None, line.assessment_id], "points": [None, line.points],
        "requested_points": [None, asked], "reason": [None, text],
    })
    return appeal


def _open_appeal(appeal: Appeal) -> Appeal:
    """The appeal locked for a decision, with its line item and version; still open or an error."""
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("line_item__assessment__scheme", "line_item__rule", "unit")
        .get(pk=appeal.pk)
    )
    return locked


def _require_open(appeal: Appeal) -> None:
    if appeal.state != AppealState.SUBMITTED:
        raise ValidationError({"state": _("This appeal is already %(state)s.") % {"state": appeal.get_state_display().lower()}})


@transaction.atomic
def withdraw_appeal(*, user, appeal: Appeal) -> Appeal:
    appeal = _open_appeal(appeal)
    require(user, "assessment.withdraw_appeal", appeal, message=WITHDRAWS)
    _require_open(appeal)
    appeal.state = AppealState.WITHDRAWN
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["state", "decided_at", "updated_at"])
    log_action(user, "appeal.withdraw", appeal, {"state": [AppealState.SUBMITTED, AppealState.WITHDRAWN]})
    return appeal


@transaction.atomic
def reject_appeal(*, user, appeal: Appeal, reasons: str) -> Appeal:
    """The office rejects the appeal with its reasons; the version stays as it is."""
    appeal = _open_appeal(appeal)
    require(user, "assessment.decide_appeal", appeal, message=DECIDES)
    _require_open(appeal)
    errors: dict[str, list[str]] = {}
    text = _clean_text(reasons, "reasons", errors, required_message=_("Give the reasons for the decision."))
    if errors:
        raise ValidationError(errors)
    appeal.state, appeal.decision, appeal.decided_by, appeal.decided_at = AppealState.REJECTED, text, user, timezone.now()
    appeal.save(update_fields=["state", "decision", "decided_by", "decided_at", "updated_at"])
    log_action(user, "appeal.reject", appeal, {"state": [AppealState.SUBMITTED, AppealState.REJECTED], "decision": [None, text]})
    return appeal


def changed_on_appeal(appeal: Appeal) -> str:
    """The explanation of a line item an upheld appeal changed."""
    return _("Changed on appeal %(n)d: %(reasons)s") % {"n": appeal.pk, "reasons": appeal.decision}


@transaction.atomic
def uphold_appeal(*, user, appeal: Appeal, points: Decimal | str, reasons: str) -> Appeal:
    """The office upholds the appeal with the points it decides and its reasons: a new draft version
    is derived from the published version the appeal was filed against, carrying the decided points
    of this appeal and of every appeal upheld earlier against the same version (ADR 0045). The
    office then reviews and publishes it like any version."""
    appeal = _open_appeal(appeal)
    require(user, "assessment.decide_appeal", appeal, message=DECIDES)
    _require_open(appeal)
    errors: dict[str, list[str]] = {}
    text = _clean_text(reasons, "reasons", errors, required_message=_("Give the reasons for the decision."))
    decided = _clean_points(points, "points", errors)
    if decided is None and "points" not in errors:
        errors.setdefault("points", []).append(_("Set the points the line item is to give."))
    if errors or decided is None:
        raise ValidationError(errors)
    source = appeal.line_item.assessment
    if source.state != AssessmentState.PUBLISHED:
        raise ValidationError({"state": _(
            "The version this appeal was filed against has been superseded: reject it with a note; the unit may appeal the current version."
        )})
    appeal.state, appeal.decision, appeal.decided_points = AppealState.UPHELD, text, decided
    appeal.decided_by, appeal.decided_at = user, timezone.now()
    earlier = Appeal.objects.filter(line_item__assessment=source, state=AppealState.UPHELD).exclude(pk=appeal.pk)
    overrides: dict[int, tuple[Decimal, str]] = {
        a.line_item_id: (a.decided_points, changed_on_appeal(a))
        for a in earlier.order_by("decided_at", "pk") if a.decided_points is not None
    }
    overrides[appeal.line_item_id] = (decided, changed_on_appeal(appeal))
    derived = versions.derive_version(
        user=user, source=source, overrides=overrides,
        reason=_("Appeal %(n)d upheld: %(reasons)s") % {"n": appeal.pk, "reasons": text},
    )
    appeal.resulting_assessment = derived
    appeal.save(update_fields=["state", "decision", "decided_points", "decided_by", "decided_at", "resulting_assessment", "updated_at"])
    log_action(user, "appeal.uphold", appeal, {
        "state": [AppealState.SUBMITTED, AppealState.UPHELD], "decision": [None, text],
        "points": [appeal.line_item.points, decided], "resulting_assessment": [None, derived.pk],
    })
    return appeal
