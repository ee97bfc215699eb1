"""Every write to the catalogue: atomic, permission-checked, audited.

Views, the API, the ledger import and the demo loader all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypedDict, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core import files
from reformledger.core.audit import diff, log_action
from reformledger.core.integrity import save_unique
from reformledger.core.permissions import require
from reformledger.org.models import Domain, Membership, Role, Unit, User
from reformledger.org.selectors import actor_for

from . import rules as reform_rules
from .models import Attachment, Plan, Reform, Status, Tier
from .signals import reform_dates_checked, reforms_changed

#: Why an office may not create or move a reform into another district (ADR 0025).
OTHER_DISTRICT = gettext_lazy("The reform office works only on its own district's reforms.")


class ReformFields(TypedDict, total=False):
    """The fields :func:`create_reform` and :func:`update_reform` set: any of them, by name, with
    references as objects. Built by the reform form (``ReformForm.service_data``), the API
    (``reforms.api``) and the demo; what a person may set is the services' rule
    (:data:`UNIT_EDITABLE`, :data:`OFFICE_EDITABLE`)."""

    code: str
    title: str
    tier: str  # a Tier value
    source_level: str  # a SourceLevel value, or "" (upper-level tasks only)
    year: int
    plan: Plan | None
    domain: Domain
    lead_unit: Unit
    co_units: list[Unit]  # replaces the co-units
    responsible_leader: User | None
    goals: str
    measures: str
    deliverables: str
    start_date: dt.date | None
    due_date: dt.date | None
    status: str  # a Status value; on create only (the office's), later only by transition_reform
    public_summary: str


class ReformSnapshot(TypedDict, total=False):
    """A reform's tracked values with references by id (co-units as a sorted id list): what
    :func:`snapshot` returns (every key), what the audit trail compares, and what a checked
    ledger row sets (the keys of the columns its file has; ``reforms.ledger.checks``)."""

    code: str
    title: str
    tier: str
    source_level: str
    year: int
    plan: int | None
    domain: int
    lead_unit: int
    co_units: list[int]
    responsible_leader: int | None
    goals: str
    measures: str
    deliverables: str
    start_date: dt.date | None
    due_date: dt.date | None
    status: str
    progress: int
    public_summary: str


#: A reform's dates are its lead unit's proposal until approval, the office's commitment from then on.
PROPOSAL_STATUSES = (Status.DRAFT, Status.PROPOSED)
#: Fields any editor may set. ``lead_unit``, ``tier``, ``code``, ``year``, ``district`` and the
#: plan are the office's: a unit cannot hand its reform to another unit or re-tier it. Nobody
#: types a reform's progress (ADR 0022): it is the roll-up of the work the office accepted, and the
#: office corrects it only with a reason (:func:`correct_reform_progress`).
UNIT_EDITABLE = frozenset(
    {"title", "goals", "measures", "deliverables", "start_date", "due_date", "public_summary", "co_units"}
)
OFFICE_EDITABLE = UNIT_EDITABLE | {
    "code",
    "tier",
    "source_level",
    "year",
    "plan",
    "domain",
    "lead_unit",
    "responsible_leader",
}
#: The fields the audit trail tracks, in the order forms and histories show them.
TRACKED_FIELDS = (
    "code",
    "title",
    "tier",
    "source_level",
    "year",
    "plan",
    "domain",
    "lead_unit",
    "co_units",
    "responsible_leader",
    "goals",
    "measures",
    "deliverables",
    "start_date",
    "due_date",
    "status",
    "progress",
    "public_summary",
)

_FK_FIELDS = frozenset({"domain", "lead_unit", "responsible_leader", "plan"})


def snapshot(reform: Reform) -> ReformSnapshot:
    """The tracked values of a reform, as ids and plain values (co-units as a sorted id list)."""
    values = {name: getattr(reform, f"{name}_id" if name in _FK_FIELDS else name) for name in TRACKED_FIELDS if name != "co_units"}
    values["co_units"] = sorted(reform_rules.co_unit_ids(reform)) if reform.pk else []
    return cast(ReformSnapshot, values)


def is_office_of(user, reform: Reform) -> bool:
    """Whether the person is the reform office of the reform's district (ADR 0025)."""
    actor = actor_for(user)
    return actor.is_office and actor.in_district(reform.district_id)


def _district_of(unit: Unit) -> int:
    # Every unit records its district (a district records itself): see org.models.Unit.
    if unit.district_id is None:
        raise ValidationError({"lead_unit": _("The lead unit does not belong to a district.")})
    return unit.district_id


def _assign(reform: Reform, data: ReformFields) -> list[Unit] | None:
    co_units = list(data["co_units"]) if "co_units" in data else None
    for name, value in data.items():
        if name != "co_units":
            setattr(reform, name, value)
    if reform.tier != Tier.UPPER:
        reform.source_level = ""
    return co_units


def _validate(
    reform: Reform, co_units: list[Unit] | None, *, leader_changed: bool = True, dates_changed: bool = True
) -> None:
    errors: dict[str, list[str]] = {}
    try:
        reform.full_clean(exclude=["district"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if reform.start_date and reform.due_date and reform.due_date < reform.start_date:
        errors.setdefault("due_date", []).append(_("The due date is before the start date."))
    if reform.tier == Tier.UPPER and not reform.source_level:
        errors.setdefault("source_level", []).append(_("An upper-level task needs its source level."))
    if co_units and reform.district_id and any(u.district_id != reform.district_id for u in co_units):
        errors.setdefault("co_units", []).append(_("Co-units must belong to the reform's district."))
    leader = reform.responsible_leader_id
    if leader_changed and leader and leader not in responsible_people([leader]):
        errors.setdefault("responsible_leader", []).append(
            _("The responsible leader must be an active district leader or unit head.")
        )
    if not progress_fits_status(reform.status, reform.progress):
        errors.setdefault("progress", []).append(_("A completed reform is at 100%."))
    if co_units and reform.lead_unit_id and any(u.pk == reform.lead_unit_id for u in co_units):
        errors.setdefault("co_units", []).append(_("The lead unit cannot also be a co-unit."))
    if reform.pk and dates_changed and (reform.start_date or reform.due_date):
        for _receiver, message in reform_dates_checked.send(sender=Reform, reform=reform):
            if message:
                errors.setdefault("due_date", []).append(message)
    if errors:
        raise ValidationError(errors)


# --- rules a reform keeps, shared by the services and the ledger import ---------------------------

#: Three-level responsibility: district leaders own key and domain reforms, the heads of
#: sub-districts and departments own micro-reforms.
RESPONSIBLE_ROLES = (Role.LEADER, Role.UNIT_HEAD)


def responsible_people(user_ids) -> set[int]:
    """Of these people, those who may be named a reform's responsible leader (one query)."""
    return set(
        Membership.objects.filter(user_id__in=list(user_ids), user__is_active=True, role__in=RESPONSIBLE_ROLES)
        .values_list("user_id", flat=True)
        .distinct()
    )


def progress_fits_status(status: str, progress: int) -> bool:
    """A completed reform is at 100%."""
    return status != Status.COMPLETED or progress == 100


def _refuse_typed_progress(data: Mapping[str, Any]) -> None:
    """Nobody types a reform's progress: it comes from the work the office accepted."""
    if "progress" in data:
        raise ValidationError(
            {
                "progress": _(
                    "Progress cannot be typed: it comes from the work the reform office accepted "
                    "(the weighted roll-up of accepted reports). The office corrects it only with a reason."
                )
            }
        )


def _refuse_completion_by_status(to_status: str) -> None:
    if to_status == Status.COMPLETED:
        raise ValidationError(
            {
                "status": _(
                    "A reform is completed only through 办结: the lead unit applies for completion "
                    "with evidence and the reform office decides."
                )
            }
        )


@transaction.atomic
def create_reform(*, user, data: ReformFields, imported_progress: int | None = None) -> Reform:
    """Create a reform in draft (the office may create it in any status but completed).

    A unit may create reforms only for a unit it works in. ``imported_progress``: the office moving
    its history in (a reform new to Reform Ledger, as its old ledger records it): the reform takes
    that progress and may be completed already; its history marks it as imported. Otherwise nobody
    types a reform's progress and completion is only through 办结 (ADR 0022).
    """
    require(user, "reforms.add_reform")
    _refuse_typed_progress(data)
    actor = actor_for(user)
    data = ReformFields(**data)  # a copy: the status is taken out
    status = data.pop("status", Status.DRAFT)
    if imported_progress is None:
        _refuse_completion_by_status(status)
    elif not actor.is_office:
        raise PermissionDenied(_("Only the reform office moves its history in."))
    if not actor.is_office:
        unknown = set(data) - UNIT_EDITABLE - {"lead_unit", "tier", "year", "domain", "code", "responsible_leader"}
        if unknown:
            raise PermissionDenied(_("You may not set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
        lead = data.get("lead_unit")
        if lead is None or lead.pk not in actor.unit_ids:
            raise PermissionDenied(_("You may only create reforms that your own unit leads."))
        status = Status.DRAFT
    reform = Reform(status=status, progress=imported_progress or 0)
    co_units = _assign(reform, data)
    if reform.lead_unit_id:
        reform.district_id = _district_of(reform.lead_unit)
        # The office creates reforms in its own district only (ADR 0025).
        require(user, "reforms.add_reform", reform, message=OTHER_DISTRICT)
    _validate(reform, co_units)
    save_unique(reform, fields=["code"])  # a code taken in the same instant: 422 on code, not a 500
    if co_units:
        reform.co_units.set(co_units)
    changes: dict[str, Any] = dict(diff({}, snapshot(reform)))
    if imported_progress is not None:
        changes["imported"] = True
    log_action(user, "reform.create", reform, changes)
    return reform


def dates_are_the_offices(reform: Reform) -> bool:
    """From approval on a reform's dates are the office's commitments (a draft's or a proposal's
    are still its lead unit's proposal)."""
    return reform.status not in PROPOSAL_STATUSES


def _check_dates_owner(user, reform: Reform, data: Mapping[str, Any], reason: str) -> str:
    """Only the office moves the dates of a reform past its proposal, and with a reason (returned,
    stripped); a unit's change is refused on the field (a value equal to the current one passes)."""
    moved = [name for name in ("start_date", "due_date") if name in data and data[name] != getattr(reform, name)]
    reason = (reason or "").strip()
    if not moved or not dates_are_the_offices(reform):
        return reason
    if not is_office_of(user, reform):
        message = _("From approval on, only the reform office changes a reform's dates; request a change (调整申请) instead.")
        raise ValidationError({name: message for name in moved})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for changing the reform's dates.")})
    return reason


@transaction.atomic
def update_reform(*, user, reform: Reform, data: ReformFields, reason: str = "") -> Reform:
    """Change a reform's fields; the status changes only through :func:`transition_reform`. From
    approval on only the office changes the dates, with a ``reason`` (recorded)."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    require(user, "reforms.change_reform", reform)
    _refuse_typed_progress(data)
    allowed = OFFICE_EDITABLE if is_office_of(user, reform) else UNIT_EDITABLE
    refused = set(data) - allowed
    if refused:
        raise PermissionDenied(_("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(refused))})
    reason = _check_dates_owner(user, reform, data, reason)
    before, district_before = snapshot(reform), reform.district_id
    co_units = _assign(reform, data)
    if "lead_unit" in data:
        reform.district_id = _district_of(reform.lead_unit)
        if reform.district_id != district_before:  # moved: the office of the new district too
            require(user, "reforms.change_reform", reform, message=OTHER_DISTRICT)
    _validate(
        reform, co_units, leader_changed=reform.responsible_leader_id != before["responsible_leader"],
        dates_changed=(reform.start_date, reform.due_date) != (before["start_date"], before["due_date"]),
    )
    save_unique(reform, fields=["code"])
    if co_units is not None:
        reform.co_units.set(co_units)  # which drops the reform's prefetched co-units
    changes: dict[str, Any] = diff(before, snapshot(reform))
    if changes and reason and {"start_date", "due_date"} & set(changes):
        changes["reason"] = reason
    if changes:
        log_action(user, "reform.update", reform, changes)
    if {"start_date", "due_date", "lead_unit"} & set(changes):  # the lead unit decides the district
        reforms_changed.send(sender=Reform, reform_ids=[reform.pk])
    return reform


@transaction.atomic
def transition_reform(*, user, reform: Reform, to_status: str, note: str = "") -> Reform:
    """Move a reform along its lifecycle; the allowed moves are ``rules.TRANSITIONS``."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    require(user, "reforms.view_reform", reform)
    if to_status not in Status.values:
        raise ValidationError({"status": _("Unknown status: %(status)s.") % {"status": to_status}})
    _refuse_completion_by_status(to_status)
    if (reform.status, to_status) not in reform_rules.TRANSITIONS:
        raise ValidationError(
            {
                "status": _("A reform cannot go from %(from)s to %(to)s.")
                % {"from": Status(reform.status).label, "to": Status(to_status).label}
            }
        )
    if not reform_rules.may_transition(user, reform, to_status):
        raise PermissionDenied(_("You may not make this change of status."))
    before = reform.status
    reform.status = to_status
    reform.save(update_fields=["status", "updated_at"])
    changes: dict[str, Any] = {"status": [before, to_status]}
    if note:
        changes["note"] = note
    log_action(user, "reform.transition", reform, changes)
    reforms_changed.send(sender=Reform, reform_ids=[reform.pk])
    return reform


@transaction.atomic
def add_attachment(*, user, reform: Reform, uploaded_file, is_public: bool = False) -> Attachment:
    require(user, "reforms.manage_attachments", reform)
    limit = int(settings.ATTACHMENT_MAX_MB * 1024 * 1024)
    if uploaded_file.size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.ATTACHMENT_MAX_MB}})
    if not files.allowed(uploaded_file):
        raise ValidationError(
            {"file": _("Attach a PDF, Word, Excel, PowerPoint, OFD, JPEG or PNG file whose name matches its content.")}
        )
    attachment = Attachment.objects.create(
        reform=reform,
        file=uploaded_file,
        name=uploaded_file.name[:200],
        size=uploaded_file.size,
        is_public=is_public,
        uploaded_by=user,
    )
    log_action(user, "reform.attach", reform, {"attachment": [None, attachment.name]})
    return attachment



@transaction.atomic
def remove_attachment(*, user, attachment: Attachment) -> None:
    """Remove an attachment (a wrong file, a draft); the history keeps its name."""
    reform = Reform.objects.select_for_update().get(pk=attachment.reform_id)
    require(user, "reforms.manage_attachments", reform)
    name = attachment.name
    stored = attachment.file.name
    attachment.delete()
    log_action(user, "reform.detach", reform, {"attachment": [name, None]})
    storage = Attachment._meta.get_field("file").storage
    if stored:  # a file field without a name has no file to delete
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def set_attachment_public(*, user, attachment: Attachment, is_public: bool) -> Attachment:
    """Show an attachment on the public reform page, or take it off."""
    reform = Reform.objects.select_for_update().get(pk=attachment.reform_id)
    require(user, "reforms.manage_attachments", reform)
    if attachment.is_public != is_public:
        attachment.is_public = is_public
        attachment.save(update_fields=["is_public", "updated_at"])
        log_action(
            user, "reform.attachment_public", reform, {"attachment": [attachment.name, attachment.name], "is_public": [not is_public, is_public]}
        )
    return attachment


@transaction.atomic
def apply_approved_change(*, user, reform: Reform, changes: Mapping[str, Any], request_id: int) -> Reform:
    """Apply the fields of a change request the office approved (改革深化: goals, measures,
    deliverables, dates), audited as ``reform.change`` with the values before and after and the
    request's id. The approval is the permission: the caller (supervision's ``decide_change``) has
    checked who decides and validated ``changes``; this writes them, even on a locked reform."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    before = {name: getattr(reform, name) for name in changes}
    for name, value in changes.items():
        setattr(reform, name, value)
    reform.save(update_fields=[*changes, "updated_at"])
    log_action(user, "reform.change", reform, {**diff(before, dict(changes)), "change_request": request_id})
    return reform


# --- writers for the office's decisions (supervision decides; the reform's fields change here) -----


@transaction.atomic
def complete_reform(*, user, reform: Reform, completion_id: int, note: str = "", recorded: Mapping[str, Any] | None = None) -> Reform:
    """Complete a reform whose application for completion (办结) the office accepted: the reform is
    completed and at 100%, audited as ``reform.complete`` with the progress before and the
    application's id (``recorded``: what else the decision records, such as the tasks it closed).
    The acceptance is the permission: the caller (supervision's ``decide_completion``) has checked
    who decides; this is the only way a reform becomes completed after its creation."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    if reform.status != Status.IN_PROGRESS:
        raise ValidationError({"status": _("Only a reform in progress can be completed.")})
    before = {"status": reform.status, "progress": reform.progress}
    reform.status, reform.progress = Status.COMPLETED, 100
    reform.save(update_fields=["status", "progress", "updated_at"])
    changes: dict[str, Any] = {**diff(before, {"status": reform.status, "progress": reform.progress}), **(recorded or {})}
    changes["completion"] = completion_id
    if note:
        changes["note"] = note
    log_action(user, "reform.complete", reform, changes)
    reforms_changed.send(sender=Reform, reform_ids=[reform.pk])
    return reform


@transaction.atomic
def reopen_reform(
    *, user, reform: Reform, reason: str, completion_id: int, progress: int | None = None,
    recorded: Mapping[str, Any] | None = None,
) -> Reform:
    """Reopen a completed reform (the office's decision, with a reason): back in progress, its
    progress again the roll-up of its tasks (recomputed by the receivers of ``reforms_changed``),
    or ``progress`` for a reform without tasks. Audited as ``reform.reopen_completion``. The
    caller (supervision's ``reopen_completion``) has checked who decides."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    if reform.status != Status.COMPLETED:
        raise ValidationError({"status": _("Only a completed reform can be reopened.")})
    before = {"status": reform.status, "progress": reform.progress}
    reform.status = Status.IN_PROGRESS
    if progress is not None:
        reform.progress = progress
    reform.save(update_fields=["status", "progress", "updated_at"])
    changes: dict[str, Any] = {**diff(before, {"status": reform.status, "progress": reform.progress}), **(recorded or {})}
    changes.update(completion=completion_id, reason=reason)
    log_action(user, "reform.reopen_completion", reform, changes)
    reforms_changed.send(sender=Reform, reform_ids=[reform.pk])
    return reform


@transaction.atomic
def correct_reform_progress(*, user, reform: Reform, percent: int, reason: str, recorded: Mapping[str, Any] | None = None) -> Reform:
    """Write the office's correction of a reform's own progress (a reform without tasks), with its
    reason, audited as ``progress.correct``. The caller (supervision's ``correct_reform_progress``)
    has checked who corrects and that the reform has no tasks."""
    reform = Reform.objects.select_for_update().get(pk=reform.pk)
    if not progress_fits_status(reform.status, percent):
        raise ValidationError({"percent": _("A completed reform is at 100%.")})
    before = reform.progress
    reform.progress = percent
    reform.save(update_fields=["progress", "updated_at"])
    log_action(user, "progress.correct", reform, {"progress": [before, percent], **(recorded or {}), "reason": reason})
    return reform
