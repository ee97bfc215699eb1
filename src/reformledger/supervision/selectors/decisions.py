"""Completion applications and change requests: the office's queue, one of each by the loading
policy."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform
from reformledger.reforms.selectors import of_visible_reforms

from ..models import ChangeRequest, Completion, Decision, Evidence
from .reforms import may_know


def evidence_prefetch() -> Prefetch:
    """An application's or a request's evidence, oldest first."""
    return Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "pk"))


def pending_completions(user) -> QuerySet[Completion]:
    """Applications awaiting the office, of the reforms the person sees (its district's: ADR 0025)."""
    return (
        of_visible_reforms(Completion.objects.filter(status=Decision.PENDING), user)
        .select_related("reform", "reform__lead_unit", "applied_by")
        .annotate(n_evidence=Count("evidence"))
        .order_by("created_at", "pk")
    )


def pending_changes(user) -> QuerySet[ChangeRequest]:
    """Change requests awaiting the office, of the reforms the person sees."""
    return (
        of_visible_reforms(ChangeRequest.objects.filter(status=ChangeRequest.CRStatus.PENDING), user)
        .select_related("reform", "reform__lead_unit", "requested_by")
        .annotate(n_evidence=Count("evidence"))
        .order_by("created_at", "pk")
    )


def completions_of(reform: Reform) -> list[Completion]:
    """Every application for the reform's completion, newest first."""
    return list(
        Completion.objects.filter(reform=reform).select_related("applied_by", "decided_by")
        .prefetch_related(evidence_prefetch()).order_by("-created_at", "-pk")
    )


def get_completion(user, pk: int) -> Completion:
    """The application a decision names, with what its page shows; 404 unless the person may know
    of its reform (deciding is the service's to allow, or refuse with 403)."""
    completion = (
        Completion.objects.select_related("reform", "reform__lead_unit", "reform__domain", "applied_by", "decided_by")
        .prefetch_related(evidence_prefetch())
        .filter(pk=pk)
        .first()
    )
    if completion is None or not may_know(user, completion.reform):
        raise Http404
    return completion


def get_change_request(user, pk: int, *, for_change: bool = False) -> ChangeRequest:
    """One change request with what its page shows; 404 unless the person may see its reform in
    full.

    ``for_change``: the request a decision names; 404 unless the person may know of its reform
    (deciding is the service's to allow, or refuse with 403).
    """
    qs = ChangeRequest.objects.select_related("reform", "reform__lead_unit", "requested_by", "decided_by").prefetch_related(
        evidence_prefetch()
    )
    if for_change:
        change = qs.filter(pk=pk).first()
        if change is None or not may_know(user, change.reform):
            raise Http404
        return change
    change = of_visible_reforms(qs.filter(pk=pk), user).first()
    if change is None or not actor_for(user).is_authenticated:
        raise Http404
    return change
