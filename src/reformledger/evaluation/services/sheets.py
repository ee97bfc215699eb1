"""An expert's scoring sheets: marks saved as a draft, the sheet submitted (then it cannot change),
and the office reopening a submitted sheet with a reason. Each expert writes only their own sheets;
nothing changes once the panel closes. Every write is atomic, permission-checked and audited.

Two submissions of one sheet racing: the sheet's row is locked first, so the second finds it
submitted and is refused (``status``: the API answers 409).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import User

from ..models import Criterion, Mark, PanelState, Sheet, SheetReopening, SheetStatus
from ..models.panels import plain
from .panels import Errors, _add, _decimal

#: A comment on a sheet has at most this many characters.
COMMENT_MAX = 2000
OWN_SHEETS = gettext_lazy("An expert scores only their own sheets.")


def _locked(sheet: Sheet) -> Sheet:
    return Sheet.objects.select_for_update(of=("self",)).select_related("panel", "expert", "reform").get(pk=sheet.pk)


def _writable(sheet: Sheet) -> None:
    if sheet.panel.state != PanelState.SCORING:
        raise ValidationError({"status": _("The panel is not scoring: its sheets cannot change.")})
    if sheet.status == SheetStatus.EXCLUDED:
        raise ValidationError({"status": _("You do not score this reform: its unit is yours (conflict of interest: %(unit)s).")
                               % {"unit": sheet.conflict}})
    if sheet.status == SheetStatus.SUBMITTED:
        raise ValidationError({"status": _("This sheet was submitted: only the reform office can reopen it.")})


def check_marks(criteria: list[Criterion], marks: Mapping[str, object], *, complete: bool) -> dict[int, Decimal]:
    """``{"<criterion id>": points}`` → ``{criterion id: Decimal}``; errors name ``marks.<id>``:
    an unknown criterion, points out of 0..max or with more than one decimal, and (``complete``)
    a criterion left unmarked."""
    errors: Errors = {}
    by_key = {str(c.pk): c for c in criteria}
    if not isinstance(marks, Mapping):
        raise ValidationError({"marks": [_("Marks are an object of criterion: points.")]})
    for key in marks:
        if str(key) not in by_key:
            _add(errors, f"marks.{key}", _("“%(key)s” is not a criterion of this panel's rubric.") % {"key": key})
    out: dict[int, Decimal] = {}
    for key, criterion in by_key.items():
        value = marks.get(key, marks.get(criterion.pk))  # type: ignore[call-overload]
        if value is None or value == "":
            if complete:
                _add(errors, f"marks.{key}", _("Give “%(name)s” its points.") % {"name": criterion.name})
            continue
        points = None if isinstance(value, bool) else _decimal(value)
        if points is None or not 0 <= points <= criterion.max_points or points != points.quantize(Decimal("0.1")):
            _add(errors, f"marks.{key}", _("“%(name)s” takes 0 to %(max)s points, with at most one decimal.")
                 % {"name": criterion.name, "max": plain(criterion.max_points)})
            continue
        out[criterion.pk] = points.quantize(Decimal("0.1"))
    if errors:
        raise ValidationError(errors)
    return out


def _store(sheet: Sheet, points: dict[int, Decimal]) -> dict[str, list[object]]:
    """Write the marks; the changes as the audit records them (criterion id → [old, new])."""
    existing = {m.criterion_id: m for m in sheet.marks.all()}
    changes: dict[str, list[object]] = {}
    new: list[Mark] = []
    changed: list[Mark] = []
    for criterion_id, value in points.items():
        mark = existing.get(criterion_id)
        if mark is None:
            new.append(Mark(sheet=sheet, criterion_id=criterion_id, points=value))
            changes[f"marks.{criterion_id}"] = [None, str(value)]
        elif mark.points != value:
            changes[f"marks.{criterion_id}"] = [str(mark.points), str(value)]
            mark.points = value
            changed.append(mark)
    Mark.objects.bulk_create(new)
    if changed:
        Mark.objects.bulk_update(changed, ["points"])
    return changes


def _comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("A comment has at most %(n)d characters.") % {"n": COMMENT_MAX}})
    return comment


@transaction.atomic
def save_marks(*, user: User, sheet: Sheet, marks: Mapping[str, object], comment: str | None = None) -> Sheet:
    """The expert keeps a draft: the marks given (some may be missing), not yet submitted."""
    sheet = _locked(sheet)
    require(user, "evaluation.score_sheet", sheet, message=OWN_SHEETS)
    _writable(sheet)
    points = check_marks(list(sheet.panel.criteria.all()), marks, complete=False)
    changes = _store(sheet, points)
    if comment is not None and (text := _comment(comment)) != sheet.comment:
        changes["comment"] = [sheet.comment, text]
        sheet.comment = text
        sheet.save(update_fields=["comment", "updated_at"])
    if changes:
        log_action(user, "sheet.save", sheet, changes)
    return sheet


@transaction.atomic
def submit_sheet(
    *, user: User, sheet: Sheet, marks: Mapping[str, object] | None = None, comment: str | None = None,
) -> Sheet:
    """The expert submits: every criterion marked (those given here, else the draft's). Then the
    sheet cannot change unless the office reopens it."""
    sheet = _locked(sheet)
    require(user, "evaluation.score_sheet", sheet, message=OWN_SHEETS)
    _writable(sheet)
    criteria = list(sheet.panel.criteria.all())
    draft = {str(m.criterion_id): m.points for m in sheet.marks.all()}
    points = check_marks(criteria, {**draft, **{str(k): v for k, v in (marks or {}).items()}}, complete=True)
    changes = _store(sheet, points)
    if comment is not None and (text := _comment(comment)) != sheet.comment:
        changes["comment"] = [sheet.comment, text]
        sheet.comment = text
    sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, timezone.now()
    sheet.save(update_fields=["status", "submitted_at", "comment", "updated_at"])
    total = sum((points[c.pk] * c.weight for c in criteria), Decimal(0))
    log_action(user, "sheet.submit", sheet, {**changes, "status": [SheetStatus.PENDING, SheetStatus.SUBMITTED],
                                            "total": str(total)})
    return sheet


@transaction.atomic
def reopen_sheet(*, user: User, sheet: Sheet, reason: str) -> SheetReopening:
    """The office of the district reopens a submitted sheet of a scoring panel, with its reason;
    the expert may then change and submit it again. The history keeps each reopening."""
    sheet = _locked(sheet)
    require(user, "evaluation.reopen_sheet", sheet, message=_("Only the reform office of the district reopens a sheet."))
    if sheet.panel.state != PanelState.SCORING:
        raise ValidationError({"status": _("The panel is not scoring: its sheets cannot change.")})
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted sheet can be reopened.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the sheet is reopened.")})
    if len(reason) > 5000:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": 5000}})
    assert sheet.submitted_at is not None
    reopening = SheetReopening.objects.create(sheet=sheet, reopened_by=user, reason=reason,
                                              was_submitted_at=sheet.submitted_at)
    sheet.status, sheet.submitted_at = SheetStatus.PENDING, None
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    log_action(user, "sheet.reopen", sheet, {"status": [SheetStatus.SUBMITTED, SheetStatus.PENDING], "reason": reason})
    return reopening
