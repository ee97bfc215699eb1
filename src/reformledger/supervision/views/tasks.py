"""Tasks: my tasks, a reform's task tree with its timeline, the task forms
(add, split, edit, remove) and a task's page.

Reading what the person may not see answers 404 (``selectors.tasks.get_task``); a form the person
may not use answers 403 when asked for; a write is the service's to allow (403 otherwise), and a
write it refuses shows its messages next to the fields, with nothing written.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.forms import submit
from reformledger.core.fragments import personal_page
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform
from reformledger.reforms.selectors import reading_scopes, reform_units

from ..forms.reports import ReportForm, UrgeForm
from ..forms.tasks import TaskForm, assignee_choices
from ..models import SETTLED_STATUSES, ExtensionStatus, Level, Task
from ..rollup import today
from ..selectors import extensions as extension_selectors
from ..selectors import reports as report_selectors
from ..selectors import tasks as task_selectors
from ..selectors.reforms import get_reform
from ..services import tasks as task_services
from ..timeline import Timeline

#: At most this many rows on "my tasks" (ordered by due date: the late and the urgent come first).
MY_TASKS_LIMIT = 300


def may_edit(user, task: Task) -> bool:
    """Whether to offer editing and removing the task (``supervision.edit_task``): its reform's
    lead unit or the office, or whoever may split its parent."""
    if task.parent_id is not None and task.parent is not None:
        task.parent.reform = task.reform  # the same reform: the rule reads it without a query
    return user.has_perm("supervision.edit_task", task)


def _require_edit(user, task: Task) -> None:
    if not may_edit(user, task):
        raise PermissionDenied(_("You may not change this task."))


# --- my tasks ------------------------------------------------------------------------------------


def _my_sections(rows: list[Task], on) -> list[tuple]:
    groups = task_selectors.split_by_urgency(rows, on=on)
    return [
        ("late", _("Late"), "bi-alarm", groups["late"]),
        (
            "due_soon",
            _("Due within %(days)d days") % {"days": settings.WARNING_AMBER_DAYS},
            "bi-hourglass-split",
            groups["due_soon"],
        ),
        ("later", _("Later"), "bi-calendar3", groups["later"]),
    ]


def _my_scopes(request: HttpRequest):
    # Unit staff's tasks are their districts' work (a task's unit is in its reform's district).
    return reading_scopes(request.user)


@require_GET
@office_member_required()
@personal_page(scopes=_my_scopes)
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    unit_wide = request.GET.get("scope") == "unit" and bool(actor.unit_ids)
    rows = list(task_selectors.my_tasks(request.user, unit_wide=unit_wide)[: MY_TASKS_LIMIT + 1])
    truncated = len(rows) > MY_TASKS_LIMIT
    rows = rows[:MY_TASKS_LIMIT]
    on = today()
    # A task split into sub-tasks takes no report of its own (its progress is theirs): one query.
    parents = set(
        Task.objects.filter(parent_id__in=[task.pk for task in rows]).values_list("parent_id", flat=True).distinct()
    ) if rows else set()
    for task in rows:
        task.can_report = task.pk not in parents and request.user.has_perm("supervision.report_on_task", task)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/my_tasks.html",
        {
            "sections": _my_sections(rows, on),
            "unit_wide": unit_wide,
            "has_units": bool(actor.unit_ids),
            "total": len(rows),
            "truncated": truncated,
            "limit": MY_TASKS_LIMIT,
            "today": on,
        },
    )


# --- a reform's task tree and its timeline -------------------------------------------------------


@require_GET
@office_member_required()
def task_tree(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_reform(request.user, pk)
    rows = task_selectors.task_tree(reform)
    user = request.user
    by_pk = {row.task.pk: row.task for row in rows}
    for row in rows:
        # The permission rules read the task's reform and parent: hand them the rows already loaded.
        row.task.reform = reform
        if row.task.parent_id:
            row.task.parent = by_pk.get(row.task.parent_id)
    on = today()
    timeline = Timeline(reform, [row.task for row in rows], on)
    for row in rows:
        task = row.task
        # What the row shows, on the row (the template reads them as attributes).
        row.bar = timeline.bar(task.start_date, task.due_date, task.progress)  # type: ignore[attr-defined]
        row.can_split = user.has_perm("supervision.split_task", task)  # type: ignore[attr-defined]
        row.can_change = may_edit(user, task)  # type: ignore[attr-defined]
    return render(
        request,
        "supervision/tree.html",
        {
            "reform": reform,
            "warning": getattr(reform, "warning", None),
            "rows": rows,
            "timeline": timeline,
            "reform_bar": (
                timeline.bar(reform.start_date, reform.due_date, reform.progress)
                if reform.start_date and reform.due_date
                else None
            ),
            "can_decompose": user.has_perm("supervision.decompose_reform", reform),
            "can_urge": user.has_perm("supervision.urge"),
            "today": on,
        },
    )


# --- task forms ----------------------------------------------------------------------------------


def _task_form(reform: Reform, data=None, *, task: Task | None = None, initial=None, user=None) -> TaskForm:
    return TaskForm(
        data,
        units=reform_units({reform.district_id}),
        people=assignee_choices(reform.district_id),
        task=task,
        initial=initial,
        may_move_dates=user is None or user.has_perm("supervision.move_dates", task),
    )


def _render_task_form(request, form: TaskForm, *, reform: Reform, parent: Task | None = None, task: Task | None = None):
    context = {"form": form, "reform": reform, "parent": parent, "task": task,
               "can_view_reform": request.user.has_perm("reforms.view_reform", reform)}
    return render(request, "supervision/task_form.html", context, status=400 if form.errors else 200)


def _after_task_write(request: HttpRequest, reform: Reform, task: Task | None) -> HttpResponse:
    """Back to the reform's tree, or to the task itself for a unit that sees only its own tasks."""
    if request.user.has_perm("reforms.view_reform", reform):
        return redirect("supervision:tree", pk=reform.pk)
    if task is not None:
        return redirect("supervision:task", pk=task.pk)
    return redirect("supervision:my-tasks")


def _new_task_place(request: HttpRequest, pk: int) -> tuple[Reform, Task | None]:
    """The reform and the parent (``parent``, when splitting a task) a new task goes under. The
    form is offered to who may use it (403 otherwise); a POST is the service's to allow."""
    writing = request.method == "POST"
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    if not parent_id:
        reform = get_reform(request.user, pk, for_change=writing)
        if not writing:
            _require_place(request.user, reform, None)
        return reform, None
    try:
        parent = task_selectors.get_task(request.user, int(parent_id), for_change=writing)
    except ValueError as exc:
        raise Http404 from exc
    if parent.reform_id != pk:
        raise Http404
    if not writing:
        _require_place(request.user, parent.reform, parent)
    return parent.reform, parent


def _require_place(user, reform: Reform, parent: Task | None) -> None:
    """403 unless the person may add a task there: split ``parent``, or decompose ``reform``."""
    if parent is not None:
        require(user, "supervision.split_task", parent)
    else:
        require(user, "supervision.decompose_reform", reform)


@require_http_methods(["GET", "POST"])
@office_member_required()
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    reform, parent = _new_task_place(request, pk)
    if parent is not None:
        initial = {"unit": parent.unit_id, "start_date": parent.start_date, "due_date": parent.due_date}
    else:
        initial = {"unit": reform.lead_unit_id, "start_date": reform.start_date, "due_date": reform.due_date}
    form = _task_form(reform, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            _require_place(request.user, reform, parent)  # the form goes back to who may send it
        else:
            task = submit(
                form, lambda: task_services.create_task(user=request.user, reform=reform, parent=parent, **form.changes())
            )
            if task is not None:
                messages.success(request, _("Task “%(title)s” added.") % {"title": task.title})
                return _after_task_write(request, reform, parent or task)
    return _render_task_form(request, form, reform=reform, parent=parent)


@require_http_methods(["GET", "POST"])
@office_member_required()
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    task = task_selectors.get_task(request.user, pk, for_change=writing)
    if not writing:
        _require_edit(request.user, task)
    form = _task_form(task.reform, request.POST if writing else None, task=task, user=request.user)
    if writing:
        if not form.is_valid():
            _require_edit(request.user, task)  # the form goes back to who may send it
        else:
            saved = submit(
                form,
                lambda: task_services.update_task(user=request.user, task=task, changes=form.changes(), reason=form.move_reason()),
            )
            if saved is not None:
                messages.success(request, _("Task “%(title)s” saved.") % {"title": saved.title})
                return redirect("supervision:task", pk=saved.pk)
    return _render_task_form(request, form, reform=task.reform, parent=task.parent, task=task)


@require_POST
@office_member_required()
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_selectors.get_task(request.user, pk, for_change=True)
    try:
        task_services.delete_task(user=request.user, task=task)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("supervision:task", pk=task.pk)
    messages.success(request, _("Task “%(title)s” removed.") % {"title": task.title})
    return _after_task_write(request, task.reform, task.parent)


# --- a task's page -------------------------------------------------------------------------------


def render_task(request: HttpRequest, task: Task, *, report_form=None, urge_form=None, status: int = 200):
    """A task's page: its reports, its sub-tasks, and the forms the person may use (a report, an
    urging), with the form that was sent back when the service refused it."""
    user = request.user
    reports = list(report_selectors.task_reports(task))
    # A task's sub-tasks are its own decomposition: whoever sees the task sees them.
    children = list(task.children.select_related("unit", "assignee").order_by("sort_order", "pk"))
    may_report = user.has_perm("supervision.report_on_task", task)
    can_report = may_report and not children and task.status not in SETTLED_STATUSES
    can_urge = user.has_perm("supervision.urge") and task.status not in SETTLED_STATUSES
    extensions = list(extension_selectors.task_extensions(task))
    pending_extension = next((e for e in extensions if e.status == ExtensionStatus.PENDING), None)
    can_ask_extension = (
        pending_extension is None and task.status not in SETTLED_STATUSES and task.level not in (Level.DONE, Level.PAUSED)
        and user.has_perm("supervision.request_extension", task)
    )
    context = {
        "task": task,
        "reform": task.reform,
        "reports": reports,
        "children": children,
        "today": today(),
        "can_view_reform": user.has_perm("reforms.view_reform", task.reform),
        "can_change": may_edit(user, task),
        "can_split": user.has_perm("supervision.split_task", task),
        "can_review": user.has_perm("supervision.review_report"),
        "can_correct": (
            not children and task.status not in SETTLED_STATUSES and user.has_perm("supervision.correct_progress", task)
        ),
        "may_report": may_report,
        "report_form": (report_form or ReportForm()) if can_report else None,
        "urge_form": (urge_form or UrgeForm()) if can_urge else None,
        "max_mb": f"{settings.EVIDENCE_MAX_MB:g}",
        "extensions": extensions,
        "pending_extension": pending_extension,
        "can_ask_extension": can_ask_extension,
        "deadline_changes": list(extension_selectors.deadline_changes(task)),
        "overdue_spells": list(extension_selectors.overdue_spells(task)),
    }
    return render(request, "supervision/task.html", context, status=status)


@require_GET
@office_member_required()
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_task(request, task_selectors.get_task(request.user, pk))
