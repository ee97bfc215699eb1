"""Help needed (需协调事项): what a unit cannot settle alone, escalated with its progress report to
the special group's leader (else the reform's responsible leader), resolved by them or the office."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, log_action
from reformledger.core.permissions import require
from reformledger.org.models import SpecialGroup, User
from reformledger.reforms.models import Reform

from .. import notify
from ..models import HelpRequest, ProgressReport, Task


def help_leader(reform: Reform) -> User | None:
    """Who help needed goes to: the special group's leader for the reform's domain, else the
    reform's responsible leader."""
    group = SpecialGroup.objects.filter(district_id=reform.district_id, domain_id=reform.domain_id).select_related("leader").first()
    leader = group.leader if group is not None else None
    if leader is not None and leader.is_active:
        return leader
    return reform.responsible_leader


def open_help(*, report: ProgressReport, reform: Reform, task: Task) -> Change:
    """The help a report asks for, escalated to its leader (a step of submitting the report, in
    its transaction; the report's permission covers it). Returns the audit item."""
    leader = help_leader(reform)
    help_request = HelpRequest.objects.create(
        report=report, reform=reform, district_id=reform.district_id, leader=leader, text=report.help_needed
    )
    notify.help_needed(help_request, task=task)
    notify.help_for_office(help_request, task=task)
    return Change("help.open", help_request, {"leader": [None, leader.pk if leader else None]})


@transaction.atomic
def resolve_help(*, user, help_request: HelpRequest, resolution: str) -> HelpRequest:
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    require(
        user, "supervision.resolve_help", help_request,
        message=_("Only the leader it was escalated to, or the reform office, resolves this."),
    )
    if help_request.status == HelpRequest.HelpStatus.RESOLVED:
        raise ValidationError({"status": _("This help request is already resolved.")})
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how it was resolved.")})
    help_request.status = HelpRequest.HelpStatus.RESOLVED
    help_request.resolution = resolution.strip()
    help_request.resolved_by = user
    help_request.resolved_at = timezone.now()
    help_request.save()
    log_action(user, "help.resolve", help_request, {"status": ["open", "resolved"], "resolution": help_request.resolution})
    return help_request
