"""A reform as supervision's pages and API load it (its task tree, its completion, its changes)."""

from __future__ import annotations

from django.http import Http404

from reformledger.org.selectors import actor_for, has_full_access
from reformledger.reforms import selectors as reform_selectors
from reformledger.reforms.models import Reform


def may_know(user, reform: Reform) -> bool:
    """Whether the person may know of the reform: see it in full, or by its public fields. The
    office, committee and leaders of another district do not know of it (ADR 0025): a write that
    names it answers 404, not 403."""
    if actor_for(user).outside_districts(reform.district_id):
        return False
    return user.has_perm("reforms.view_public_reform", reform)


def get_reform(user, pk: int, *, for_change: bool = False) -> Reform:
    """The reform with what its pages show; 404 unless the person may see it in full.

    ``for_change``: the reform a write names; 404 unless the person may know of it (the write
    itself is the service's to allow, or refuse with 403).
    """
    if for_change:
        reform = Reform.objects.select_related("lead_unit").filter(pk=pk).first()
        if reform is None or not may_know(user, reform):
            raise Http404
        return reform
    if not has_full_access(actor_for(user)):
        raise Http404
    return reform_selectors.get_reform(user, pk)
