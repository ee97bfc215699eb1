"""Progress reports (进展报告): a unit reports on its own tasks with evidence; the office accepts
(复核) or returns them, and urges (催办) the units that owe progress.

Progress is what the office accepted (ADR 0022): a report does not move the task's ``progress``;
its percent shows as reported, awaiting review (``Task.reported_percent``) until the office accepts
it (the task's progress becomes the report's percent) or returns it (the accepted figure stands).
A report still counts as the unit reporting: it sets ``last_report_on`` and starts the task, so a
unit that reported is not silent while the office reviews.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core.audit import Change, log_action, log_actions, record_moved
from reformledger.core.cache import LEVELS, moved_scopes
from reformledger.core.permissions import require
from reformledger.reforms.models import Reform

from .. import notify
from ..models import SETTLED_STATUSES, Decision, ProgressReport, Reminder, Task, TaskStatus
from ..rollup import refresh_reform, today
from ..selectors.tasks import has_subtasks
from ..selectors.warnings import WARNING_LEVELS
from .common import Errors, add_error, lock_reform, refuse_repeat, reloaded_task
from .evidence import check_evidence, store_evidence
from .help import open_help

#: Why a review or an urging is refused: not the office of the work's district (ADR 0025).
REVIEWS = gettext_lazy("Only the reform office of the task's district reviews its reports.")
URGES = gettext_lazy("Only the reform office of the district urges its units.")


def _percent(value, errors: Errors) -> int | None:
    try:
        number = int(value)
        if str(value).strip() not in (str(number), f"{number}.0") and not isinstance(value, int):
            raise ValueError
    except (TypeError, ValueError):
        add_error(errors, "percent", _("Percent done must be a whole number from 0 to 100."))
        return None
    if not 0 <= number <= 100:
        add_error(errors, "percent", _("Percent done must be a whole number from 0 to 100."))
        return None
    return number


def _check_report(task: Task, *, percent: int, text: str) -> int:
    errors: Errors = {}
    number = _percent(percent, errors)
    if not (text or "").strip():
        add_error(errors, "text", _("Say what was done."))
    if task.status in SETTLED_STATUSES:
        add_error(errors, "task", _("This task is completed; report on an open task."))
    if has_subtasks(task):
        add_error(errors, "task", _("This task is split into sub-tasks; report on those."))
    if errors or number is None:
        raise ValidationError(errors)
    return number


@transaction.atomic
def submit_report(
    *, user, task: Task, percent: int, text: str, problems: str = "", help_needed: str = "", evidence: Sequence = ()
) -> ProgressReport:
    """A unit's progress report on one of its own tasks, with evidence files."""
    reform = lock_reform(task.reform_id)
    task = reloaded_task(task)
    require(user, "supervision.report_on_task", task)
    number = _check_report(task, percent=percent, text=text)
    refuse_repeat(ProgressReport.objects.filter(task=task, reporter=user, percent=number, text=text.strip()), field="text")
    checked = check_evidence(evidence)
    on = today()
    report = ProgressReport.objects.create(
        task=task,
        district_id=task.district_id,
        reporter=user,
        reported_on=on,
        percent=number,
        text=text.strip(),
        problems=(problems or "").strip(),
        help_needed=(help_needed or "").strip(),
    )
    stored = store_evidence(user, reform.pk, checked, report=report)
    # On the board (red or amber), the task shows when its unit last reported (the API lists it).
    shown_changed = task.level in WARNING_LEVELS and task.last_report_on != on
    task.reported_percent = number  # awaiting review: the accepted progress stands
    task.last_report_on = on
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["reported_percent", "last_report_on", "status", "updated_at"])
    changes: dict[str, Any] = {"percent": [None, number], "evidence": [None, [e.name for e in stored]]}
    items = [Change("task.report", task, changes)]
    if report.help_needed:
        items.append(open_help(report=report, reform=reform, task=task))
    entries = log_actions(user, items)
    notify.report_submitted(report)
    # A report is quiet on the levels family (registrations, ADR 0052): the board, the workbench
    # and the API lists stay as they were unless the report moved what they show.
    if refresh_reform(reform.pk, on=on).moved or shown_changed:
        record_moved(entries[-1], moved_scopes(LEVELS, [task.district_id]))
    return report


def pending_percent(task: Task) -> int | None:
    """The percent of the task's latest report awaiting review, or None (one query)."""
    return (
        ProgressReport.objects.filter(task=task, status=Decision.PENDING)
        .order_by("-created_at", "-pk")
        .values_list("percent", flat=True)
        .first()
    )


def _settle_task(report: ProgressReport, *, accept: bool, on) -> None:
    """Accepting a report sets the task's progress to its percent (a 100% report completes the
    task); returning one leaves the accepted figure, and the last report on record is the last
    one not returned. Either way, what still awaits review shows as reported."""
    task = report.task
    fields = ["reported_percent", "updated_at"]
    task.reported_percent = pending_percent(task)
    if accept and task.status not in SETTLED_STATUSES:
        task.progress = report.percent
        fields.append("progress")
        if report.percent == 100:
            task.status = TaskStatus.DONE
            task.completed_on = on
            task.reported_percent = None
            fields += ["status", "completed_on"]
    elif not accept and task.status not in SETTLED_STATUSES:
        standing = (
            ProgressReport.objects.filter(task=task).exclude(status=Decision.RETURNED).order_by("-created_at", "-pk").first()
        )
        task.last_report_on = standing.reported_on if standing else None
        fields.append("last_report_on")
    task.save(update_fields=fields)


@transaction.atomic
def review_reports(*, user, reports: Sequence[ProgressReport], accept: bool, comment: str = "") -> list[ProgressReport]:
    """The office accepts (or returns) several reports at once: all or nothing. Every report is
    checked first; if any cannot be decided (already reviewed, returned without a comment), none is,
    and the error names each one. Each decided report is audited and its reporter told."""
    require(user, "supervision.review_report", message=REVIEWS)
    ids = list(dict.fromkeys(r.pk for r in reports))
    if not ids:
        raise ValidationError({"reports": _("Choose at least one report.")})
    found = {r.pk: r for r in ProgressReport.objects.select_related("task").filter(pk__in=ids)}
    for item in found.values():  # every report of the office's own district (ADR 0025)
        require(user, "supervision.review_report", item.task, message=REVIEWS)
    errors: Errors = {}
    if not accept and not (comment or "").strip():
        add_error(errors, "comment", _("Say why the reports are returned."))
    for pk in ids:
        report = found.get(pk)
        if report is None:
            add_error(errors, "reports", _("Report %(id)s does not exist.") % {"id": pk})
        elif report.status != Decision.PENDING:
            add_error(
                errors, "reports",
                _("The report on “%(task)s” (%(id)s) was already reviewed (%(status)s).")
                % {"task": report.task.title, "id": pk, "status": report.get_status_display()},
            )
    if errors:
        raise ValidationError(errors)
    # Reforms locked in one order (by id), so two bulk reviews at once cannot deadlock.
    for reform_id in sorted({r.task.reform_id for r in found.values()}):
        lock_reform(reform_id)
    return [review_report(user=user, report=found[pk], accept=accept, comment=comment) for pk in ids]


@transaction.atomic
def review_report(*, user, report: ProgressReport, accept: bool, comment: str = "") -> ProgressReport:
    """The office accepts a report or returns it with a comment. Accepting sets the task's
    progress to the report's percent (a 100% report completes the task); returning leaves the
    accepted progress as it was."""
    report = ProgressReport.objects.select_related("task").get(pk=report.pk)
    require(user, "supervision.review_report", report.task, message=REVIEWS)
    reform = lock_reform(report.task.reform_id)
    report = ProgressReport.objects.select_for_update().select_related("task", "task__reform").get(pk=report.pk)
    if report.status != Decision.PENDING:
        raise ValidationError({"status": _("This report was already reviewed (%(status)s).") % {"status": report.get_status_display()}})
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the report is returned.")})
    on = today()
    report.status = Decision.ACCEPTED if accept else Decision.RETURNED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    progress_before = report.task.progress
    _settle_task(report, accept=accept, on=on)
    changes: dict[str, Any] = {"report": [report.pk, report.pk], "status": [Decision.PENDING, report.status], "comment": comment}
    if report.task.progress != progress_before:
        changes["progress"] = [progress_before, report.task.progress]
    log_action(user, "task.review", report.task, changes)
    notify.reviewed(report)
    refresh_reform(reform.pk, on=on)
    return report


# --- urging (催办) ----------------------------------------------------------------------------------


@transaction.atomic
def urge(*, user, message: str, task: Task | None = None, reform: Reform | None = None) -> Reminder:
    """The office urges (催办) the unit responsible for a task, or a reform's lead unit."""
    require(user, "supervision.urge", message=URGES)
    if not (message or "").strip():
        raise ValidationError({"message": _("Write the message to send.")})
    if task is not None and reform is None:
        task = Task.objects.select_related("reform", "unit").get(pk=task.pk)
        unit, reform = task.unit, task.reform
    elif reform is not None and task is None:
        reform = Reform.objects.select_related("lead_unit").get(pk=reform.pk)
        unit = reform.lead_unit
    else:
        raise ValidationError({"task": _("Urge about one task or one reform.")})
    require(user, "supervision.urge", task or reform, message=URGES)
    reminder = notify.urge(sender=user, unit=unit, reform=reform, task=task, message=message.strip())
    log_action(user, "supervision.urge", task or reform, {"unit": [None, unit.pk], "message": message.strip()})
    return reminder


@transaction.atomic
def urge_tasks(*, user, tasks: Sequence[Task], message: str) -> list[Reminder]:
    """The office urges the units of several tasks at once (from the warning board): one message
    per unit, naming its tasks; each task's urging audited."""
    require(user, "supervision.urge", message=URGES)
    errors: Errors = {}
    if not (message or "").strip():
        add_error(errors, "message", _("Write the message to send."))
    ids = list(dict.fromkeys(t.pk for t in tasks))
    if not ids:
        add_error(errors, "tasks", _("Choose at least one task."))
    if errors:
        raise ValidationError(errors)
    text = message.strip()
    by_unit: dict[int, list[Task]] = {}
    for task in Task.objects.select_related("reform", "unit").filter(pk__in=ids).order_by("due_date", "pk"):
        require(user, "supervision.urge", task, message=URGES)  # the office's own district only
        by_unit.setdefault(task.unit_id, []).append(task)
    reminders = [notify.urge_unit(sender=user, unit=group[0].unit, tasks=group, message=text) for group in by_unit.values()]
    log_actions(user, [Change("supervision.urge", task, {"unit": [None, task.unit_id], "message": text})
                       for group in by_unit.values() for task in group])
    return reminders
