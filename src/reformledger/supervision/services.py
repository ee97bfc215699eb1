"""Every write of supervision: atomic, permission-checked, audited.

Each write that touches a task locks its reform row first (``_lock_reform``), so two people
reporting on one reform queue up and the roll-up (:func:`.rollup.refresh_reform`) always sees the
other's committed work. Messages go out through :mod:`.notify` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core import files
from reformledger.core.audit import Change, diff, log_action, log_actions, to_jsonable
from reformledger.org.models import SpecialGroup, Unit, User
from reformledger.org.selectors import actor_for
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import LOCKED_STATUSES, Reform, Status, Tier

from . import notify
from .models import (
    ChangeRequest,
    Completion,
    Decision,
    Evidence,
    HelpRequest,
    Order,
    OrderItem,
    OrderTarget,
    ProgressReport,
    ReformWarning,
    Task,
    TaskStatus,
)
from .rollup import refresh_reform, today
from .scan import recompute_reforms

#: Evidence is what the issue names: documents and photos, judged by content (core.files).
EVIDENCE_KINDS = frozenset({"pdf", "docx", "xlsx", "jpg", "png"})
TASK_FIELDS = ("title", "unit", "assignee", "start_date", "due_date", "weight", "deliverable", "sort_order")
#: What a change request may adjust (改革深化: goals, measures, deliverables or dates).
CHANGEABLE_FIELDS = ("goals", "measures", "deliverables", "start_date", "due_date")


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _lock_reform(reform_id: int) -> Reform:
    # Only the reform's row: a join here would lock its district's unit row too (PostgreSQL),
    # serialising every write of the district.
    return Reform.objects.select_for_update().get(pk=reform_id)


def _task_snapshot(task: Task) -> dict[str, Any]:
    return {
        name: getattr(task, f"{name}_id" if name in ("unit", "assignee") else name) for name in TASK_FIELDS
    }


# --- evidence ------------------------------------------------------------------------------------


def check_evidence(uploads: Sequence, *, field: str = "evidence") -> list[tuple[Any, str]]:
    """Check every file before anything is written: ``[(file, kind)]`` or a ValidationError naming
    the file at fault (too large, or not a PDF, Word, Excel, JPEG or PNG file by its content)."""
    limit = int(settings.EVIDENCE_MAX_MB * 1024 * 1024)
    checked, problems = [], []
    for upload in uploads:
        if upload.size > limit:
            problems.append(
                _("%(name)s is larger than %(mb)s MB.") % {"name": upload.name, "mb": f"{settings.EVIDENCE_MAX_MB:g}"}
            )
            continue
        kind = files.kind_of(upload)
        if kind not in EVIDENCE_KINDS:
            problems.append(
                _("%(name)s is not a PDF, Word (.docx), Excel (.xlsx), JPEG or PNG file, or its name does not match its content.")
                % {"name": upload.name}
            )
            continue
        checked.append((upload, kind))
    if problems:
        raise ValidationError({field: problems})
    return checked


def _store_evidence(user, reform_id: int, checked, **owner) -> list[Evidence]:
    stored = []
    for upload, kind in checked:
        stored.append(
            Evidence.objects.create(
                reform_id=reform_id, file=upload, name=upload.name[:200], kind=kind, size=upload.size, uploaded_by=user, **owner
            )
        )
    return stored


# --- tasks ---------------------------------------------------------------------------------------


def _as_date(value, field: str, errors: dict) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def _validate_task(task: Task, reform: Reform, parent: Task | None) -> None:
    errors: dict[str, list[str]] = {}
    if not (task.title or "").strip():
        errors.setdefault("title", []).append(_("A task needs a title."))
    if task.start_date is None:
        errors.setdefault("start_date", []).append(_("A task needs a start date."))
    if task.due_date is None:
        errors.setdefault("due_date", []).append(_("A task needs a due date."))
    try:
        weight = Decimal(str(task.weight))
        if not weight.is_finite() or weight <= 0:
            errors.setdefault("weight", []).append(_("The weight must be greater than 0."))
        elif weight >= Decimal("100000") or weight != weight.quantize(Decimal("0.01")):
            errors.setdefault("weight", []).append(_("The weight must be below 100000, with at most two decimals."))
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault("weight", []).append(_("The weight must be a number."))
    unit = task.unit if task.unit_id else None
    if unit is None:
        errors.setdefault("unit", []).append(_("A task needs a responsible unit."))
    elif unit.district_id != reform.district_id or not unit.is_active:
        errors.setdefault("unit", []).append(_("The responsible unit must be an active unit of the reform's district."))
    if task.assignee_id and unit is not None:
        works_there = task.assignee.memberships.filter(unit_id=unit.pk).exists() and task.assignee.is_active
        if not works_there:
            errors.setdefault("assignee", []).append(_("The responsible person must work in the responsible unit."))
    start, due = task.start_date, task.due_date
    if start and due:
        if due < start:
            errors.setdefault("due_date", []).append(_("The due date is before the start date."))
        if parent is not None:
            if start < parent.start_date:
                errors.setdefault("start_date", []).append(
                    _("A sub-task cannot start before its parent task (%(date)s).") % {"date": parent.start_date}
                )
            if due > parent.due_date:
                errors.setdefault("due_date", []).append(
                    _("A sub-task is due no later than its parent task (%(date)s).") % {"date": parent.due_date}
                )
        else:
            if reform.start_date and start < reform.start_date:
                errors.setdefault("start_date", []).append(
                    _("A task cannot start before its reform (%(date)s).") % {"date": reform.start_date}
                )
            if reform.due_date and due > reform.due_date:
                errors.setdefault("due_date", []).append(
                    _("A task is due no later than its reform (%(date)s).") % {"date": reform.due_date}
                )
        if task.pk:
            children = list(task.children.values_list("title", "start_date", "due_date"))
            late = [title for title, c_start, c_due in children if c_start < start or c_due > due]
            if late:
                errors.setdefault("due_date", []).append(
                    _("These sub-tasks would fall outside the new dates: %(titles)s.") % {"titles": "、".join(late)}
                )
    if errors:
        raise ValidationError(errors)


def _assign_task(task: Task, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(TASK_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in sorted(unknown)})
    for name, value in data.items():
        if name in ("start_date", "due_date"):
            value = _as_date(value, name, errors)
        setattr(task, name, value)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_task(*, user, reform: Reform, data: Mapping[str, Any], parent: Task | None = None) -> Task:
    """Add a task to a reform's tree, at the top (the lead unit decomposes its reform) or under
    ``parent`` (the unit responsible for a task may split it further)."""
    reform = _lock_reform(reform.pk)
    if parent is not None:
        parent = Task.objects.select_related("reform").get(pk=parent.pk)
        if parent.reform_id != reform.pk:
            raise ValidationError({"parent": _("The parent task belongs to another reform.")})
        _require(user, "supervision.split_task", parent)
    else:
        _require(user, "supervision.decompose_reform", reform)
    task = Task(reform=reform, district_id=reform.district_id, parent=parent)
    task.weight = Decimal(1)
    _assign_task(task, data)
    if task.sort_order == 0:
        siblings = Task.objects.filter(reform=reform, parent=parent)
        task.sort_order = (siblings.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    _validate_task(task, reform, parent)
    if parent is not None:
        task.path = f"{parent.path}{parent.pk}/"
        task.depth = parent.depth + 1
    task.save()
    log_action(user, "task.create", task, {"reform": [None, reform.pk], **diff({}, _task_snapshot(task))})
    refresh_reform(reform.pk)
    task.refresh_from_db()
    return task


@transaction.atomic
def update_task(*, user, task: Task, data: Mapping[str, Any]) -> Task:
    reform = _lock_reform(task.reform_id)
    task = Task.objects.select_related("reform", "parent").get(pk=task.pk)
    if not (
        user.has_perm("supervision.change_task", task)
        or (task.parent is not None and user.has_perm("supervision.split_task", task.parent))
    ):
        raise PermissionDenied(_("You may not do this."))
    before = _task_snapshot(task)
    _assign_task(task, data)
    _validate_task(task, reform, task.parent)
    task.save()
    changes = diff(before, _task_snapshot(task))
    if changes:
        log_action(user, "task.update", task, changes)
        refresh_reform(reform.pk)
        task.refresh_from_db()
    return task


@transaction.atomic
def delete_task(*, user, task: Task) -> None:
    """Remove a task and its sub-tasks; refused once anyone has reported on them (the record stays)."""
    reform = _lock_reform(task.reform_id)
    task = Task.objects.select_related("reform", "parent").get(pk=task.pk)
    if not (
        user.has_perm("supervision.change_task", task)
        or (task.parent is not None and user.has_perm("supervision.split_task", task.parent))
    ):
        raise PermissionDenied(_("You may not do this."))
    subtree = Task.objects.filter(reform_id=reform.pk, path__startswith=f"{task.path}{task.pk}/")
    if ProgressReport.objects.filter(task=task).exists() or ProgressReport.objects.filter(task__in=subtree).exists():
        raise ValidationError({"task": _("This task has progress reports; it can be changed but not removed.")})
    title = task.title
    task.delete()
    log_action(user, "task.delete", reform, {"task": [title, None]})
    refresh_reform(reform.pk)


# --- progress reports ----------------------------------------------------------------------------


def _percent(value, errors: dict) -> int | None:
    try:
        number = int(value)
        if str(value).strip() not in (str(number), f"{number}.0") and not isinstance(value, int):
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("percent", []).append(_("Percent done must be a whole number from 0 to 100."))
        return None
    if not 0 <= number <= 100:
        errors.setdefault("percent", []).append(_("Percent done must be a whole number from 0 to 100."))
        return None
    return number


def _help_leader(reform: Reform) -> User | None:
    """Who help needed goes to: the special group's leader for the reform's domain, else the
    reform's responsible leader."""
    group = SpecialGroup.objects.filter(district_id=reform.district_id, domain_id=reform.domain_id).select_related("leader").first()
    if group and group.leader_id and group.leader.is_active:
        return group.leader
    return reform.responsible_leader


@transaction.atomic
def submit_report(
    *, user, task: Task, percent, text: str, problems: str = "", help_needed: str = "", evidence: Sequence = ()
) -> ProgressReport:
    """A unit's progress report on one of its own tasks, with evidence files."""
    reform = _lock_reform(task.reform_id)
    task = Task.objects.select_related("reform").get(pk=task.pk)
    _require(user, "supervision.report_on_task", task)
    errors: dict[str, list[str]] = {}
    number = _percent(percent, errors)
    if not (text or "").strip():
        errors.setdefault("text", []).append(_("Say what was done."))
    if task.status == TaskStatus.DONE:
        errors.setdefault("task", []).append(_("This task is completed; report on an open task."))
    if task.children.exists():
        errors.setdefault("task", []).append(_("This task is split into sub-tasks; report on those."))
    if errors:
        raise ValidationError(errors)
    checked = check_evidence(evidence)
    on = today()
    report = ProgressReport.objects.create(
        task=task,
        reporter=user,
        reported_on=on,
        percent=number,
        text=text.strip(),
        problems=(problems or "").strip(),
        help_needed=(help_needed or "").strip(),
    )
    stored = _store_evidence(user, reform.pk, checked, report=report)
    task.progress = number
    task.last_report_on = on
    if task.status == TaskStatus.NOT_STARTED:
        task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["progress", "last_report_on", "status", "updated_at"])
    changes: dict[str, Any] = {"percent": [None, number], "evidence": [None, [e.name for e in stored]]}
    items = [Change("task.report", task, changes)]
    if report.help_needed:
        leader = _help_leader(reform)
        help_request = HelpRequest.objects.create(
            report=report, reform=reform, district_id=reform.district_id, leader=leader, text=report.help_needed
        )
        items.append(Change("help.open", help_request, {"leader": [None, leader.pk if leader else None]}))
        notify.help_needed(help_request, task=task)
    log_actions(user, items)
    refresh_reform(reform.pk, on=on)
    return report


@transaction.atomic
def review_report(*, user, report: ProgressReport, accept: bool, comment: str = "") -> ProgressReport:
    """The office accepts a report or returns it with a comment. Accepting a 100% report
    completes the task (办结); returning one puts the task back to its last standing report."""
    _require(user, "supervision.review_report")
    report = ProgressReport.objects.select_related("task").get(pk=report.pk)
    reform = _lock_reform(report.task.reform_id)
    report = ProgressReport.objects.select_for_update().select_related("task", "task__reform").get(pk=report.pk)
    if report.status != Decision.PENDING:
        raise ValidationError({"status": _("This report was already reviewed (%(status)s).") % {"status": report.get_status_display()}})
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the report is returned.")})
    task = report.task
    on = today()
    report.status = Decision.ACCEPTED if accept else Decision.RETURNED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    if accept and report.percent == 100 and task.status != TaskStatus.DONE:
        task.status = TaskStatus.DONE
        task.completed_on = on
        task.progress = 100
        task.save(update_fields=["status", "completed_on", "progress", "updated_at"])
    elif not accept and task.status != TaskStatus.DONE:
        standing = (
            ProgressReport.objects.filter(task=task).exclude(status=Decision.RETURNED).order_by("-created_at", "-pk").first()
        )
        task.progress = standing.percent if standing else 0
        task.last_report_on = standing.reported_on if standing else None
        task.save(update_fields=["progress", "last_report_on", "updated_at"])
    log_action(
        user, "task.review", task, {"report": [report.pk, report.pk], "status": [Decision.PENDING, report.status], "comment": comment}
    )
    notify.reviewed(report)
    refresh_reform(reform.pk, on=on)
    return report


@transaction.atomic
def resolve_help(*, user, help_request: HelpRequest, resolution: str) -> HelpRequest:
    help_request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    _require(user, "supervision.resolve_help", help_request)
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


# --- urging ----------------------------------------------------------------------------------------


@transaction.atomic
def urge(*, user, message: str, task: Task | None = None, reform: Reform | None = None):
    """The office urges (催办) the unit responsible for a task, or a reform's lead unit."""
    _require(user, "supervision.urge")
    if not (message or "").strip():
        raise ValidationError({"message": _("Write the message to send.")})
    if (task is None) == (reform is None):
        raise ValidationError({"task": _("Urge about one task or one reform.")})
    if task is not None:
        task = Task.objects.select_related("reform", "unit").get(pk=task.pk)
        unit, reform = task.unit, task.reform
    else:
        reform = Reform.objects.select_related("lead_unit").get(pk=reform.pk)
        unit = reform.lead_unit
    reminder = notify.urge(sender=user, unit=unit, reform=reform, task=task, message=message.strip())
    log_action(user, "supervision.urge", task or reform, {"unit": [None, unit.pk], "message": message.strip()})
    return reminder


# --- supervision orders ----------------------------------------------------------------------------


def order_prefix(district: Unit | None) -> str:
    """The district's order prefix (``ORDER_PREFIXES`` by district code, else ``ORDER_PREFIX``)."""
    code = district.code if district is not None else None
    return settings.ORDER_PREFIXES.get(code, settings.ORDER_PREFIX)


def order_code(*, district: Unit, year: int, number: int) -> str:
    return f"{order_prefix(district)}〔{year}〕{number}号"


@transaction.atomic
def issue_order(
    *,
    user,
    title: str,
    reply_by,
    body: str = "",
    units: Sequence[Unit] = (),
    items: Sequence[tuple[Task, Any]] = (),
) -> Order:
    """Issue a numbered supervision order to units, listing tasks with their deadlines. A task's
    deadline in the order becomes its due date (checked against its parent's range)."""
    _require(user, "supervision.issue_order")
    errors: dict[str, list[str]] = {}
    on = today()
    if not (title or "").strip():
        errors.setdefault("title", []).append(_("An order needs a title."))
    reply_by = _as_date(reply_by, "reply_by", errors)
    if reply_by is None and "reply_by" not in errors:
        errors.setdefault("reply_by", []).append(_("An order needs a reply-by date."))
    elif reply_by is not None and reply_by < on:
        errors.setdefault("reply_by", []).append(_("The reply-by date has passed."))
    tasks = [(Task.objects.select_related("reform", "parent", "unit").get(pk=t.pk), _as_date(d, "items", errors)) for t, d in items]
    targets = {u.pk: u for u in units}
    for task, _deadline in tasks:
        targets.setdefault(task.unit_id, task.unit)
    if not targets:
        errors.setdefault("units", []).append(_("An order needs at least one target unit."))
    districts = {u.district_id for u in targets.values()} | {t.district_id for t, _d in tasks}
    if len(districts) > 1:
        errors.setdefault("units", []).append(_("An order goes to the units of one district."))
    if any(not u.is_active for u in targets.values()):
        errors.setdefault("units", []).append(_("An order cannot go to an inactive unit."))
    if len({t.pk for t, _d in tasks}) < len(tasks):
        errors.setdefault("items", []).append(_("A task can be listed only once in an order."))
    for task, _deadline in tasks:
        if task.reform.status in LOCKED_STATUSES or task.status == TaskStatus.DONE:
            errors.setdefault("items", []).append(_("%(task)s is closed.") % {"task": task.title})
    if errors:
        raise ValidationError(errors)
    district = Unit.objects.select_for_update().get(pk=districts.pop())
    year = on.year
    number = (Order.objects.filter(district=district, year=year).aggregate(m=Max("number"))["m"] or 0) + 1
    order = Order.objects.create(
        district=district,
        year=year,
        number=number,
        code=order_code(district=district, year=year, number=number),
        title=title.strip(),
        body=(body or "").strip(),
        issued_by=user,
        issued_on=on,
        reply_by=reply_by,
    )
    OrderTarget.objects.bulk_create([OrderTarget(order=order, unit=u) for u in targets.values()])
    for task, deadline in tasks:
        deadline = deadline or task.due_date
        if deadline != task.due_date:
            update_task(user=user, task=task, data={"due_date": deadline})
        OrderItem.objects.create(order=order, task=task, deadline=deadline)
    log_action(
        user, "order.issue", order, {"code": [None, order.code], "units": [None, sorted(targets)], "tasks": [None, [t.pk for t, _d in tasks]]}
    )
    notify.order_issued(order)
    return order


@transaction.atomic
def acknowledge_order(*, user, order: Order, unit: Unit | None = None) -> OrderTarget:
    """The target unit signs for an order (签收). A person in several target units names the unit."""
    actor = actor_for(user)
    targets = OrderTarget.objects.select_for_update().filter(order=order, unit_id__in=actor.unit_ids)
    if unit is not None:
        targets = targets.filter(unit=unit)
    # The units still to sign first (NULLs sort last on PostgreSQL unless told).
    target = targets.order_by(F("acknowledged_at").asc(nulls_first=True), "pk").first()
    if target is None:
        raise PermissionDenied(_("This order is not addressed to your unit."))
    _require(user, "supervision.acknowledge_order", target)
    if target.acknowledged_at is not None:
        raise ValidationError({"order": _("Your unit acknowledged this order on %(date)s.") % {"date": timezone.localdate(target.acknowledged_at)}})
    target.acknowledged_at = timezone.now()
    target.acknowledged_by = user
    target.save(update_fields=["acknowledged_at", "acknowledged_by"])
    log_action(user, "order.acknowledge", order, {"unit": [None, target.unit_id]})
    return target


# --- completion (办结) -------------------------------------------------------------------------------


@transaction.atomic
def apply_completion(*, user, reform: Reform, summary: str, evidence: Sequence = ()) -> Completion:
    reform = _lock_reform(reform.pk)
    _require(user, "supervision.apply_completion", reform)
    errors: dict[str, list[str]] = {}
    if reform.status != Status.IN_PROGRESS:
        errors.setdefault("status", []).append(_("Only a reform in progress can apply for completion."))
    if not (summary or "").strip():
        errors.setdefault("summary", []).append(_("Summarise the results."))
    if Completion.objects.filter(reform=reform, status=Decision.PENDING).exists():
        errors.setdefault("status", []).append(_("An application for completion is already awaiting the office."))
    if not evidence:
        errors.setdefault("evidence", []).append(_("Attach the evidence of completion."))
    if errors:
        raise ValidationError(errors)
    checked = check_evidence(evidence)
    completion = Completion.objects.create(reform=reform, applied_by=user, summary=summary.strip())
    stored = _store_evidence(user, reform.pk, checked, completion=completion)
    log_action(user, "reform.apply_completion", reform, {"evidence": [None, [e.name for e in stored]]})
    return completion


@transaction.atomic
def decide_completion(*, user, completion: Completion, accept: bool, comment: str = "") -> Completion:
    """The office accepts (the reform is completed and locked; open tasks close with it) or
    returns the application with a comment."""
    _require(user, "supervision.decide")
    reform = _lock_reform(completion.reform_id)
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    if completion.status != Decision.PENDING:
        raise ValidationError({"status": _("This application was already decided.")})
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the application is returned.")})
    completion.status = Decision.ACCEPTED if accept else Decision.RETURNED
    completion.decided_by = user
    completion.decided_at = timezone.now()
    completion.comment = comment
    completion.save()
    on = today()
    if accept:
        open_tasks = Task.objects.filter(reform=reform).exclude(status=TaskStatus.DONE)
        closed = list(open_tasks.values_list("pk", flat=True))
        open_tasks.update(status=TaskStatus.DONE, completed_on=on, progress=100, updated_at=timezone.now())
        reform_services.transition_reform(user=user, reform=reform, to_status=Status.COMPLETED, note=comment)
        log_action(user, "reform.complete", reform, {"completion": [None, completion.pk], "tasks_closed": closed})
    else:
        log_action(user, "reform.return_completion", reform, {"completion": [None, completion.pk], "comment": comment})
        refresh_reform(reform.pk, on=on)  # accepting recomputes through the transition's signal
    notify.completion_decided(completion)
    return completion


def close_tasks_of_completed(reform_ids: Sequence[int], *, on: dt.date | None = None) -> int:
    """Open tasks of reforms that are now completed close with them, as accepting a completion does
    (whatever made the reform completed: the status button, an Excel ledger import). Returns how
    many closed; each reform's audit entry lists them."""
    on = on or today()
    open_tasks = Task.objects.filter(reform_id__in=list(reform_ids), reform__status=Status.COMPLETED).exclude(
        status=TaskStatus.DONE
    )
    by_reform: dict[int, list[int]] = {}
    for pk, reform_id in open_tasks.values_list("pk", "reform_id"):
        by_reform.setdefault(reform_id, []).append(pk)
    if not by_reform:
        return 0
    Task.objects.filter(pk__in=[pk for pks in by_reform.values() for pk in pks]).update(
        status=TaskStatus.DONE, completed_on=on, progress=100, updated_at=timezone.now()
    )
    reforms = Reform.objects.in_bulk(list(by_reform))
    log_actions(None, [Change("reform.close_tasks", reforms[rid], {"tasks_closed": pks}) for rid, pks in by_reform.items()])
    return sum(len(pks) for pks in by_reform.values())


def on_reforms_changed(sender=None, *, reform_ids, **kwargs) -> None:
    """Receiver of ``reforms.signals.reforms_changed`` (status or dates moved), in the write's
    transaction: close the open tasks of completed reforms, then recompute the warnings."""
    on = today()
    _follow_district(reform_ids)
    close_tasks_of_completed(reform_ids, on=on)
    recompute_reforms(reform_ids, on=on)


def _follow_district(reform_ids: Sequence[int]) -> None:
    """Tasks and warnings copy their reform's district (the board and the bulletin filter by it):
    a reform moved to another district takes them along. One update per district."""
    by_district: dict[int, list[int]] = {}
    for pk, district_id in Reform.objects.filter(pk__in=list(reform_ids)).values_list("pk", "district_id"):
        by_district.setdefault(district_id, []).append(pk)
    for district_id, ids in by_district.items():
        for model in (Task, ReformWarning):
            model.objects.filter(reform_id__in=ids).exclude(district_id=district_id).update(district_id=district_id)


# --- change requests (改革深化) ----------------------------------------------------------------------


def _clean_proposed(reform: Reform, proposed: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not isinstance(proposed, Mapping) or not proposed:
        raise ValidationError({"changes": _("Name at least one change: goals, measures, deliverables or dates.")})
    unknown = set(proposed) - set(CHANGEABLE_FIELDS)
    for name in sorted(unknown):
        errors.setdefault(name, []).append(_("A change request may adjust goals, measures, deliverables or dates only."))
    cleaned: dict[str, Any] = {}
    for name in CHANGEABLE_FIELDS:
        if name not in proposed:
            continue
        value = proposed[name]
        if name.endswith("_date"):
            value = _as_date(value, name, errors)
            if value is None and name not in errors:
                errors.setdefault(name, []).append(_("Enter a date as YYYY-MM-DD."))
        else:
            value = str(value or "").strip()
        if value is not None and value == getattr(reform, name):
            errors.setdefault(name, []).append(_("This is the current value."))
        cleaned[name] = value
    start = cleaned.get("start_date", reform.start_date)
    due = cleaned.get("due_date", reform.due_date)
    if start and due and due < start and not errors:
        errors.setdefault("due_date", []).append(_("The due date is before the start date."))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def request_change(*, user, reform: Reform, proposed: Mapping[str, Any], reason: str, evidence: Sequence = ()) -> ChangeRequest:
    reform = _lock_reform(reform.pk)
    _require(user, "supervision.request_change", reform)
    cleaned = _clean_proposed(reform, proposed)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    checked = check_evidence(evidence)
    request = ChangeRequest.objects.create(
        reform=reform, requested_by=user, proposed={k: to_jsonable(v) for k, v in cleaned.items()}, reason=reason.strip()
    )
    stored = _store_evidence(user, reform.pk, checked, change_request=request)
    log_action(user, "reform.request_change", reform, {"request": [None, request.pk], "proposed": request.proposed, "evidence": [e.name for e in stored]})
    return request


@transaction.atomic
def decide_change(
    *, user, change_request: ChangeRequest, approve: bool, note: str = "", committee_meeting: str = ""
) -> ChangeRequest:
    """The office decides; for key reforms and upper-level tasks it records the committee's
    decision and its meeting. An approved change applies at once, and the reform's history shows
    the values before and after."""
    _require(user, "supervision.decide")
    reform = _lock_reform(change_request.reform_id)
    request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if request.status != ChangeRequest.CRStatus.PENDING:
        raise ValidationError({"status": _("This change request was already decided (%(status)s).") % {"status": request.get_status_display()}})
    committee_meeting = (committee_meeting or "").strip()
    note = (note or "").strip()
    if reform.tier in (Tier.KEY, Tier.UPPER) and not committee_meeting:
        raise ValidationError({"committee_meeting": _("For a key reform, record the committee meeting that decided.")})
    if not approve and not note:
        raise ValidationError({"note": _("Say why the change is rejected.")})
    if approve:
        cleaned = _clean_proposed(reform, request.proposed)
        before = {name: getattr(reform, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(reform, name, value)
        roots = Task.objects.filter(reform=reform, parent=None)
        outside = [
            t.title
            for t in roots
            if (reform.start_date and t.start_date < reform.start_date) or (reform.due_date and t.due_date > reform.due_date)
        ]
        if outside:
            raise ValidationError(
                {"due_date": _("These tasks would fall outside the new dates; change them first: %(titles)s.") % {"titles": "、".join(outside)}}
            )
        reform.save(update_fields=[*cleaned, "updated_at"])
        request.before = {k: to_jsonable(v) for k, v in before.items()}
        log_action(user, "reform.change", reform, {**diff(before, cleaned), "change_request": request.pk})
    request.status = ChangeRequest.CRStatus.APPROVED if approve else ChangeRequest.CRStatus.REJECTED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.decision_note = note
    request.committee_meeting = committee_meeting
    request.save()
    log_action(
        user,
        "change_request.decide",
        request,
        {"status": [ChangeRequest.CRStatus.PENDING, request.status], "committee_meeting": committee_meeting, "note": note},
    )
    notify.change_decided(request)
    refresh_reform(reform.pk)
    return request


# --- inbox ---------------------------------------------------------------------------------------------


def mark_read(*, user, delivery_ids: Sequence[int] | None = None) -> int:
    """Mark the person's inbox messages read (all of them, or these). Reading changes nothing in
    the programme, so it is not audited."""
    from .models import Channel, Delivery

    qs = Delivery.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True)
    if delivery_ids is not None:
        qs = qs.filter(pk__in=list(delivery_ids))
    return qs.update(read_at=timezone.now())
