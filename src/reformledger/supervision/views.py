"""Supervision pages: my tasks, the warning board, a reform's task tree with its timeline, the task
forms, a task's page with its reports, the office's review queue, evidence files and the inbox.

Thin, like the catalogue's views: reads come from ``selectors`` (already scoped to the person),
writes go through ``services`` (permission-checked and audited). Reading what the person may not
see answers 404; a write the person may not make answers 403; a write the service refuses shows
its messages next to the fields, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator as PlainPaginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core import files
from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.cache import cached_fragment, personal_page
from reformledger.core.views import is_htmx
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform
from reformledger.reforms.selectors import (
    districts_of,
    filter_domains,
    filter_units,
    get_visible_reform,
    reform_units,
    visibility_key,
)
from reformledger.reforms.views import office_member_required

from . import levels, selectors, services
from .forms import BoardFilterForm, ReportForm, ReviewForm, TaskForm, UrgeForm, assignee_choices
from .models import Evidence, Level, ProgressReport, Task, TaskStatus
from .rollup import today

#: At most this many rows on "my tasks" (ordered by due date: the late and the urgent come first).
MY_TASKS_LIMIT = 300
INBOX_PAGE_SIZE = 50


def _visible_task(request: HttpRequest, pk: int) -> Task:
    try:
        return selectors.get_visible_task(request.user, pk)
    except Task.DoesNotExist as exc:
        raise Http404 from exc


def _task_to_write(request: HttpRequest, pk: int) -> Task:
    """The task a POST names, whoever may see it: a write the person may not make answers 403
    (as the catalogue's writes do), a task that does not exist 404."""
    if request.method != "POST":
        return _visible_task(request, pk)
    return get_object_or_404(
        Task.objects.select_related("reform", "reform__domain", "reform__lead_unit", "unit", "assignee", "parent"), pk=pk
    )


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _may_change(user, task: Task) -> bool:
    """Edit or remove a task: the service's own test (its reform's lead unit or the office, or
    whoever may split its parent)."""
    if user.has_perm("supervision.change_task", task):
        return True
    if task.parent_id is None:
        return False
    task.parent.reform = task.reform  # the same reform: the rule reads it without a query
    return user.has_perm("supervision.split_task", task.parent)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- my tasks ------------------------------------------------------------------------------------


@require_GET
@office_member_required("portal:catalogue")
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in leads (``LOGIN_REDIRECT_URL``, when no ``next`` is asked for): people who
    carry reforms out start at their tasks; the office, the committee and leaders at the catalogue;
    experts and residents at the public catalogue."""
    actor = actor_for(request.user)
    if actor.unit_ids and not actor.sees_everything:
        return redirect("supervision:my-tasks")
    return redirect("reforms:catalogue")


@require_GET
@office_member_required()
@personal_page
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    unit_wide = request.GET.get("scope") == "unit" and bool(actor.unit_ids)
    rows = list(selectors.my_tasks(request.user, unit_wide=unit_wide)[: MY_TASKS_LIMIT + 1])
    truncated = len(rows) > MY_TASKS_LIMIT
    rows = rows[:MY_TASKS_LIMIT]
    on = today()
    # A task split into sub-tasks takes no report of its own (its progress is theirs): one query.
    parents = set(
        Task.objects.filter(parent_id__in=[task.pk for task in rows]).values_list("parent_id", flat=True).distinct()
    ) if rows else set()
    for task in rows:
        task.can_report = task.pk not in parents and request.user.has_perm("supervision.report_on_task", task)
    groups = selectors.split_by_urgency(rows, on=on)
    sections = [
        ("late", _("Late"), "bi-alarm", groups["late"]),
        (
            "due_soon",
            _("Due within %(days)d days") % {"days": settings.WARNING_AMBER_DAYS},
            "bi-hourglass-split",
            groups["due_soon"],
        ),
        ("later", _("Later"), "bi-calendar3", groups["later"]),
    ]
    return render(
        request,
        "supervision/my_tasks.html",
        {
            "sections": sections,
            "unit_wide": unit_wide,
            "has_units": bool(actor.unit_ids),
            "total": len(rows),
            "truncated": truncated,
            "limit": MY_TASKS_LIMIT,
            "today": on,
        },
    )


# --- the warning board ---------------------------------------------------------------------------


@require_GET
@office_member_required()
@personal_page
def board(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.view_board")
    actor = actor_for(request.user)
    form = BoardFilterForm(request.GET or None, domains=filter_domains(), units=filter_units(districts_of(actor)))
    filters = form.filters()
    on = today()

    def results_context() -> dict:
        rows = selectors.warning_list(request.user, filters)
        page = Paginator(rows, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        by_level = dict(
            selectors.warning_list(request.user, replace(filters, level=None))
            .order_by()
            .values_list("level")
            .annotate(n=Count("pk"))
            .values_list("level", "n")
        )
        return {
            "page": page,
            "today": on,
            "red": by_level.get(Level.RED, 0),
            "amber": by_level.get(Level.AMBER, 0),
            "level": filters.level,
        }

    # Rows, counts and pagination, rendered once per (who may see what, filters, query string, day,
    # language, data version): exact, and shared by everyone who sees the same rows. The day is in
    # the key because "overdue by n days" moves at midnight without any write.
    results = cached_fragment(
        request,
        "supervision/_board_results.html",
        results_context,
        key_parts=(visibility_key(request.user), repr(filters), on.isoformat()),
    )
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        response = render(request, "supervision/board.html", {"form": form, "results": results})
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- a reform's task tree and its timeline -------------------------------------------------------


@dataclass
class Tick:
    left: float
    year: str  # shown at the first tick and where the year changes
    month: str  # empty when the ticks are a year or more apart


@dataclass
class Bar:
    """A task's bar, in percent: of the timeline for its place, of the bar itself for what is in it."""

    left: float  # where the visible bar starts
    width: float  # its visible length
    fill: float  # how much of the visible bar is done
    tick: float | None  # where the straight-line trajectory stands today (None: outside the visible bar)
    expected: float  # the trajectory's percent today (for the words)
    starts_before: bool = False  # the span begins before the timeline (drawn open on the left)
    ends_after: bool = False  # and ends after it


#: Months between two ticks, the smallest that keeps the axis readable.
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60)
MAX_TICKS = 8


class Timeline:
    """The tasks' date range (with today, when the reform runs) mapped to 0–100%: bars, ticks and
    today's line. A reform whose own dates reach far beyond its tasks is drawn open at that end."""

    def __init__(self, reform: Reform, tasks: list[Task], on: dt.date):
        if tasks:
            self.start = min(t.start_date for t in tasks)
            self.end = max(t.due_date for t in tasks)
            if reform.start_date and reform.due_date and reform.start_date <= on <= reform.due_date:
                self.start, self.end = min(self.start, on), max(self.end, on)
        else:
            self.start = reform.start_date or on
            self.end = reform.due_date or on
        pad = dt.timedelta(days=max(1, (self.end - self.start).days // 50))
        self.start, self.end = self.start - pad, self.end + pad
        self.days = (self.end - self.start).days
        self.on = on
        self.today = self.pos(on) if self.start <= on <= self.end else None
        self.ticks = self._ticks()

    def pos(self, day: dt.date) -> float:
        return round(100 * (day - self.start).days / self.days, 3)

    def bar(self, start: dt.date, due: dt.date, progress: int) -> Bar:
        full_left, full_right = self.pos(start), self.pos(due)
        full = max(full_right - full_left, 0.001)
        left = min(max(full_left, 0.0), 99.2)
        width = max(min(full_right, 100.0) - left, 0.8)
        expected = levels.expected_percent(start, due, self.on)

        def within(percent: float) -> float:
            return (full_left + percent / 100 * full - left) / width * 100

        tick = within(expected)
        return Bar(
            left=round(left, 3),
            width=round(width, 3),
            fill=round(min(max(within(progress), 0.0), 100.0), 2),
            tick=round(tick, 2) if 0 <= tick <= 100 else None,
            expected=round(expected, 1),
            starts_before=full_left < 0,
            ends_after=full_right > 100,
        )

    def _ticks(self) -> list[Tick]:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        step = next((s for s in TICK_STEPS if months / s <= MAX_TICKS), TICK_STEPS[-1])
        # A PHP-style date format for a month on the axis ("M": Mar / 三月; zh-Hans may use "n月").
        month_format = pgettext("timeline month label, a date format", "M")
        ticks: list[Tick] = []
        month = dt.date(self.start.year, self.start.month, 1)
        last_year = None
        while month <= self.end:
            if month >= self.start and (month.year * 12 + month.month - 1) % step == 0:
                year = str(month.year) if month.year != last_year else ""
                last_year = month.year
                label = "" if step >= 12 else date_format(month, month_format)
                ticks.append(Tick(self.pos(month), year, label))
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return ticks


@require_GET
@office_member_required()
def task_tree(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_visible_reform(request.user, pk)
    rows = selectors.task_tree(reform)
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
        row.bar = timeline.bar(task.start_date, task.due_date, task.progress)
        row.can_split = user.has_perm("supervision.split_task", task)
        row.can_change = _may_change(user, task)
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


def _task_form(reform: Reform, data=None, *, task: Task | None = None, initial=None) -> TaskForm:
    return TaskForm(
        data,
        units=reform_units({reform.district_id}),
        people=assignee_choices(reform.district_id),
        task=task,
        initial=initial,
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


@require_http_methods(["GET", "POST"])
@office_member_required()
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    parent = None
    if parent_id:
        try:
            parent = _task_to_write(request, int(parent_id))
        except ValueError as exc:
            raise Http404 from exc
        if parent.reform_id != pk:
            raise Http404
        reform = parent.reform
        _require(request, "supervision.split_task", parent)
    else:
        if request.method == "POST":
            reform = get_object_or_404(Reform.objects.select_related("lead_unit"), pk=pk)
        else:
            reform = get_visible_reform(request.user, pk)
        _require(request, "supervision.decompose_reform", reform)
    if parent is not None:
        initial = {"unit": parent.unit_id, "start_date": parent.start_date, "due_date": parent.due_date}
    else:
        initial = {"unit": reform.lead_unit_id, "start_date": reform.start_date, "due_date": reform.due_date}
    form = _task_form(reform, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(user=request.user, reform=reform, parent=parent, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Task “%(title)s” added.") % {"title": task.title})
            return _after_task_write(request, reform, parent or task)
    return _render_task_form(request, form, reform=reform, parent=parent)


@require_http_methods(["GET", "POST"])
@office_member_required()
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_to_write(request, pk)
    if not _may_change(request.user, task):
        raise PermissionDenied(_("You may not change this task."))
    reform = task.reform
    form = _task_form(reform, request.POST if request.method == "POST" else None, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_task(user=request.user, task=task, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Task “%(title)s” saved.") % {"title": saved.title})
            return redirect("supervision:task", pk=saved.pk)
    return _render_task_form(request, form, reform=reform, parent=task.parent, task=task)


@require_POST
@office_member_required()
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_to_write(request, pk)
    if not _may_change(request.user, task):
        raise PermissionDenied(_("You may not remove this task."))
    try:
        services.delete_task(user=request.user, task=task)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("supervision:task", pk=task.pk)
    messages.success(request, _("Task “%(title)s” removed.") % {"title": task.title})
    return _after_task_write(request, task.reform, task.parent)


# --- a task's page, reports and urging -----------------------------------------------------------


def _render_task(request: HttpRequest, task: Task, *, report_form=None, urge_form=None, status: int = 200):
    user = request.user
    reports = list(selectors.task_reports(task))
    # A task's sub-tasks are its own decomposition: whoever sees the task sees them.
    children = list(task.children.select_related("unit", "assignee").order_by("sort_order", "pk"))
    may_report = user.has_perm("supervision.report_on_task", task)
    can_report = may_report and not children and task.status != TaskStatus.DONE
    can_urge = user.has_perm("supervision.urge") and task.status != TaskStatus.DONE
    can_review = user.has_perm("supervision.review_report")
    context = {
        "task": task,
        "reform": task.reform,
        "reports": reports,
        "children": children,
        "today": today(),
        "can_view_reform": user.has_perm("reforms.view_reform", task.reform),
        "can_change": _may_change(user, task),
        "can_split": user.has_perm("supervision.split_task", task),
        "can_review": can_review,
        "may_report": may_report,
        "report_form": (report_form or ReportForm()) if can_report else None,
        "urge_form": (urge_form or UrgeForm()) if can_urge else None,
        "max_mb": f"{settings.EVIDENCE_MAX_MB:g}",
    }
    return render(request, "supervision/task.html", context, status=status)


@require_GET
@office_member_required()
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, _visible_task(request, pk))


@require_POST
@office_member_required()
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_to_write(request, pk)
    _require(request, "supervision.report_on_task", task)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_report(
                user=request.user,
                task=task,
                percent=data["percent"],
                text=data["text"],
                problems=data["problems"],
                help_needed=data["help_needed"],
                evidence=data["evidence"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your report was sent to the reform office."))
            return redirect(reverse("supervision:task", args=[task.pk]) + "#reports")
    return _render_task(request, task, report_form=form, status=400)


@require_POST
@office_member_required()
def urge(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.urge")
    task = _task_to_write(request, pk)
    form = UrgeForm(request.POST)
    if form.is_valid():
        try:
            services.urge(user=request.user, task=task, message=form.cleaned_data["message"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Message sent to %(unit)s.") % {"unit": task.unit.name})
            return redirect("supervision:task", pk=task.pk)
    return _render_task(request, task, urge_form=form, status=400)


# --- the office's review queue -------------------------------------------------------------------


@require_GET
@office_member_required()
def report_queue(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.review_report")
    rows = selectors.pending_reports(request.user).prefetch_related("evidence")
    page = Paginator(rows, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/reports.html", {"page": page, "today": today()})


@require_POST
@office_member_required()
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.review_report")
    report = get_object_or_404(ProgressReport.objects.select_related("task"), pk=pk)
    back = _safe_next(request, reverse("supervision:reports"))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to return the report."))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.review_report(user=request.user, report=report, accept=accept, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if accept:
            messages.success(request, _("Report on “%(task)s” accepted.") % {"task": report.task.title})
        else:
            messages.success(request, _("Report on “%(task)s” returned to the unit.") % {"task": report.task.title})
    return redirect(back)


# --- evidence files ------------------------------------------------------------------------------


@require_GET
@office_member_required()
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever may see its task (or, for a completion application or a change
    request, its reform); served as a download with the type its content was judged to be."""
    item = get_object_or_404(Evidence.objects.select_related("report__task__reform", "reform"), pk=pk)
    if item.report_id is not None:
        allowed = request.user.has_perm("supervision.view_task", item.report.task)
    else:
        allowed = request.user.has_perm("reforms.view_reform", item.reform)
    if not allowed:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    content_type = files.KINDS[item.kind][1] if item.kind in files.KINDS else "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=item.name, content_type=content_type)


# --- the inbox -----------------------------------------------------------------------------------


@require_GET
@office_member_required()
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.inbox(request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    # Not the cached-count paginator: reading a message changes no data version.
    page = PlainPaginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/inbox.html", {"page": page, "unread_only": unread_only})


@require_POST
@office_member_required()
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one message (``id``), several, or all of them (``all``) read; then go to ``next`` (the
    thing the message is about) or back to the inbox."""
    if request.POST.get("all"):
        ids = None
    else:
        try:
            ids = [int(value) for value in request.POST.getlist("id")]
        except ValueError:
            ids = []
    marked = services.mark_read(user=request.user, delivery_ids=ids) if ids != [] else 0
    if ids is None and marked:
        messages.success(request, _("Every message is marked read."))
    return redirect(_safe_next(request, reverse("supervision:inbox")))
