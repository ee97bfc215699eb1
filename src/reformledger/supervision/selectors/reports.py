"""Progress reports: a task's reports, the office's review queue, one report by the loading policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from ..models import Decision, Evidence, ProgressReport, Task
from .tasks import may_know_task, task_filter


@dataclass(frozen=True)
class ReportFilters:
    unit: str | None = None  # the code of the task's unit
    level: str | None = None  # the task's warning level
    evidence: str | None = None  # "with" or "without" files


def task_reports(task: Task) -> QuerySet[ProgressReport]:
    return task.reports.select_related("reporter", "reviewed_by").prefetch_related("evidence")


def pending_reports(user, filters: ReportFilters = ReportFilters()) -> QuerySet[ProgressReport]:
    """Reports awaiting the office's review, oldest first, each with ``accepted_percent`` (the
    task's last accepted report, None before the first) and ``has_evidence``: one query a page."""
    accepted = ProgressReport.objects.filter(task_id=OuterRef("task_id"), status=Decision.ACCEPTED).order_by("-created_at", "-pk")
    qs = ProgressReport.objects.filter(task_filter(user, via="task__", district="district_id"), status=Decision.PENDING).annotate(
        accepted_percent=Subquery(accepted.values("percent")[:1]),
        has_evidence=Exists(Evidence.objects.filter(report_id=OuterRef("pk"))),
    )
    if filters.unit:
        qs = qs.filter(task__unit__code=filters.unit)
    if filters.level:
        qs = qs.filter(task__level=filters.level)
    if filters.evidence in ("with", "without"):
        qs = qs.filter(has_evidence=filters.evidence == "with")
    return qs.select_related("task", "task__reform", "task__unit", "reporter").order_by("created_at", "pk")


def get_report(user, pk: int) -> ProgressReport:
    """The report a review names; 404 unless the person may know of its task (the review itself
    is the service's to allow, or refuse with 403). Reports are read with their task's page."""
    report = ProgressReport.objects.select_related("task", "task__reform").filter(pk=pk).first()
    if report is None or not may_know_task(user, report.task):
        raise Http404
    return report
