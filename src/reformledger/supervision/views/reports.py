"""Progress reports on a task's page, urging its unit, and the office's review queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.selectors import actor_for
from reformledger.reforms.selectors import districts_of, filter_units

from ..forms.reports import ReportFilterForm, ReportForm, ReviewForm, UrgeForm
from ..rollup import today
from ..selectors import reports as report_selectors
from ..selectors.tasks import get_task
from ..services import reports as report_services
from .common import safe_next
from .tasks import render_task


@require_POST
@office_member_required()
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task(request.user, pk, for_change=True)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        report = submit(
            form,
            lambda: report_services.submit_report(
                user=request.user,
                task=task,
                percent=data["percent"],
                text=data["text"],
                problems=data["problems"],
                help_needed=data["help_needed"],
                evidence=data["evidence"],
            ),
        )
        if report is not None:
            messages.success(request, _("Your report was sent to the reform office."))
            return redirect(reverse("supervision:task", args=[task.pk]) + "#reports")
    else:
        require(request.user, "supervision.report_on_task", task)  # the form goes back to who may send it
    return render_task(request, task, report_form=form, status=400)


@require_POST
@office_member_required()
def urge(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task(request.user, pk, for_change=True)
    form = UrgeForm(request.POST)
    if form.is_valid():
        sent = submit(form, lambda: report_services.urge(user=request.user, task=task, message=form.cleaned_data["message"]))
        if sent is not None:
            messages.success(request, _("Message sent to %(unit)s.") % {"unit": task.unit.name})
            return redirect("supervision:task", pk=task.pk)
    else:
        require(request.user, "supervision.urge")  # the form goes back to who may send it
    return render_task(request, task, urge_form=form, status=400)


# --- the office's review queue -------------------------------------------------------------------


@require_GET
@office_member_required()
def report_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervision.review_report")
    form = ReportFilterForm(request.GET or None, units=filter_units(districts_of(actor_for(request.user))))
    filters = form.filters()
    rows = report_selectors.pending_reports(request.user, filters).prefetch_related("evidence")
    page = Paginator(rows, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(vars(filters).values())
    return render(request, "supervision/reports.html", {"page": page, "today": today(), "form": form, "filtered": filtered})


def posted_ids(request: HttpRequest, name: str) -> list[int]:
    """The ids ticked in a list (checkboxes of one name); what is not a number is left out."""
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


@require_POST
@office_member_required()
def reports_accept(request: HttpRequest) -> HttpResponse:
    """Several reports accepted at once: all or nothing, the refusal naming each report that could not be."""
    back = safe_next(request, reverse("supervision:reports"))
    ids = posted_ids(request, "report")
    reports = [report_selectors.get_report(request.user, pk) for pk in ids]
    try:
        done = report_services.review_reports(user=request.user, reports=reports, accept=True)
    except ValidationError as exc:
        messages.error(request, _("No report was accepted:") + " " + " ".join(exc.messages))
    else:
        messages.success(request, ngettext("%(count)s report accepted.", "%(count)s reports accepted.", len(done)) % {"count": len(done)})
    return redirect(back)


@require_POST
@office_member_required()
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_selectors.get_report(request.user, pk)
    back = safe_next(request, reverse("supervision:reports"))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to return the report."))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        report_services.review_report(user=request.user, report=report, accept=accept, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if accept:
            messages.success(request, _("Report on “%(task)s” accepted.") % {"task": report.task.title})
        else:
            messages.success(request, _("Report on “%(task)s” returned to the unit.") % {"task": report.task.title})
    return redirect(back)
