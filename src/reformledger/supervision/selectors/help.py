"""Help needed: the office's list of every help request, or those escalated to the person."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from reformledger.org.selectors import actor_for

from ..models import HelpRequest
from .reforms import may_know

HELP_STATES = ("open", "resolved", "all")


def sees_help(user) -> bool:
    """The office and the leaders see the help page (the province office too, to
    read), and whoever help was escalated to."""
    actor = actor_for(user)
    return actor.is_office or actor.reads_every_district or actor.is_leader or HelpRequest.objects.filter(leader=user).exists()


def help_requests(user, state: str) -> QuerySet[HelpRequest]:
    """The office's list of every help request of its districts (the province office's: of every
    district), or the ones escalated to this person (ADR 0025)."""
    qs = HelpRequest.objects.select_related(
        "reform", "leader", "resolved_by", "report", "report__task", "report__task__unit", "report__reporter"
    )
    actor = actor_for(user)
    if actor.is_office:  # its districts' requests, and any escalated to this person
        qs = qs.filter(Q(district_id__in=sorted(actor.district_ids)) | Q(leader=user))
    elif not actor.reads_every_district:
        qs = qs.filter(leader=user)
    if state == "open":
        qs = qs.filter(status=HelpRequest.HelpStatus.OPEN)
    elif state == "resolved":
        qs = qs.filter(status=HelpRequest.HelpStatus.RESOLVED)
    order = ("created_at", "pk") if state == "open" else ("status", "-created_at", "-pk")
    return qs.order_by(*order)


def get_help_request(user, pk: int) -> HelpRequest:
    """The help request a resolution names; 404 unless the person may know of its reform (who may
    resolve it is the service's to decide, with 403)."""
    help_request = HelpRequest.objects.select_related("reform").filter(pk=pk).first()
    if help_request is None or not may_know(user, help_request.reform):
        raise Http404
    return help_request
