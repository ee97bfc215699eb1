"""Extension requests (延期申请) and a task's deadline record: scoped like the reports (the
requests of tasks the person may see), one request by the loading policy."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from ..models import DeadlineChange, ExtensionRequest, ExtensionStatus, OverdueSpell, Task
from .tasks import may_know_task, task_filter

#: What a list row and a request's answer show.
EXTENSION_RELATED = ("task", "reform", "unit", "requested_by", "decided_by")


def _scoped(user, status: str | None) -> QuerySet[ExtensionRequest]:
    qs = ExtensionRequest.objects.filter(task_filter(user, via="task__"))
    return qs.filter(status=status) if status else qs


def visible_extensions(user, *, status: str | None = None) -> QuerySet[ExtensionRequest]:
    """The requests of the tasks the person may see, newest first (a key ending in ``pk``)."""
    return _scoped(user, status).select_related(*EXTENSION_RELATED).prefetch_related("evidence").order_by("-created_at", "-pk")


def pending_extensions(user) -> QuerySet[ExtensionRequest]:
    """Requests awaiting the office's decision, oldest first, with how many files each has."""
    return (
        _scoped(user, ExtensionStatus.PENDING)
        .select_related(*EXTENSION_RELATED)
        .annotate(n_evidence=Count("evidence"))
        .order_by("created_at", "pk")
    )


def count_pending(user) -> int:
    return _scoped(user, ExtensionStatus.PENDING).count()


def get_extension(user, pk: int, *, for_change: bool = False) -> ExtensionRequest:
    """An extension request with its task; 404 unless the person may see its task in full (its
    reason and evidence are the task's unit's and the office's business, not every unit's that
    may know of a public reform). ``for_change``: the request a decision names; 404 unless the
    person may know of its task (the decision itself is the service's to allow, or refuse with 403).
    """
    request = ExtensionRequest.objects.select_related(*EXTENSION_RELATED, "task__reform").filter(pk=pk).first()
    if request is None:
        raise Http404
    if not (may_know_task(user, request.task) if for_change else user.has_perm("supervision.view_task", request.task)):
        raise Http404
    return request


def task_extensions(task: Task) -> QuerySet[ExtensionRequest]:
    """A task's requests, newest first, as its page shows them (dates, status, comment): one query."""
    return task.extension_requests.order_by("-created_at", "-pk")


def deadline_changes(task: Task) -> QuerySet[DeadlineChange]:
    """Each move of the task's due date, oldest first, with who moved it and the request if any."""
    return task.deadline_changes.select_related("changed_by", "extension").order_by("created_at", "pk")


def overdue_spells(task: Task) -> QuerySet[OverdueSpell]:
    return task.overdue_spells.order_by("started_on", "pk")
