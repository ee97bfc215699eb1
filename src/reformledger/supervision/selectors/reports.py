"""Progress reports: a task's reports, the office's review queue, one report by the loading policy."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ..models import ProgressReport, Task
from .tasks import may_know_task, visible_tasks


def task_reports(task: Task) -> QuerySet[ProgressReport]:
    return task.reports.select_related("reporter", "reviewed_by").prefetch_related("evidence")


def pending_reports(user) -> QuerySet[ProgressReport]:
    """Reports awaiting the office's review, oldest first."""
    return (
        ProgressReport.objects.filter(status="pending", task__in=visible_tasks(user).values("pk"))
        .select_related("task", "task__reform", "task__unit", "reporter")
        .order_by("created_at", "pk")
    )


def get_report(user, pk: int) -> ProgressReport:
    """The report a review names; 404 unless the person may know of its task (the review itself
    is the service's to allow, or refuse with 403). Reports are read with their task's page."""
    report = ProgressReport.objects.select_related("task", "task__reform").filter(pk=pk).first()
    if report is None or not may_know_task(user, report.task):
        raise Http404
    return report
