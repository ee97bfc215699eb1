"""Evidence files, for whoever may see what they are evidence of."""

from __future__ import annotations

from django.http import Http404

from ..models import Evidence


def get_evidence(user, pk: int) -> Evidence:
    """An evidence file, for whoever may see its task (a report's, an extension request's) or, for
    a completion application or a change request, its reform; 404 otherwise."""
    item = Evidence.objects.select_related("report__task__reform", "extension__task__reform", "reform").filter(pk=pk).first()
    if item is None:
        raise Http404
    if item.report is not None:
        allowed = user.has_perm("supervision.view_task", item.report.task)
    elif item.extension is not None:
        allowed = user.has_perm("supervision.view_task", item.extension.task)
    else:
        allowed = user.has_perm("reforms.view_reform", item.reform)
    if not allowed:
        raise Http404
    return item
