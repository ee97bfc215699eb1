"""Completion (办结), change requests (改革深化) and the office's queue of both (and of extension
requests, decided in ``views.extensions``).

A reform the person may not see answers 404; a form the person may not use answers 403 when asked
for (or sent back); a write is the service's to allow (403 otherwise), and bad input is shown on
the form, with status 400, and nothing is written. When someone decided first, the person is sent
to the page that shows the decision, with the service's message on top.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.reforms.templatetags.ui import reform_field_label

from ..forms.decisions import (
    ChangeDecisionForm,
    ChangeRequestForm,
    CompletionDecisionForm,
    CompletionForm,
    ReopenCompletionForm,
)
from ..models import SETTLED_STATUSES, ChangeRequest, Decision, TaskStatus
from ..selectors import decisions as decision_selectors
from ..selectors import extensions as extension_selectors
from ..selectors.reforms import get_reform
from ..services import decisions as decision_services
from .common import DECIDED_FIRST, decided_meanwhile

PAGE_SIZE = 50
DECIDES = gettext_lazy("Only the reform office decides completions and changes.")
DECIDES_COMPLETIONS = gettext_lazy("Only the reform office decides completions.")
DECIDES_CHANGES = gettext_lazy("Only the reform office decides change requests.")
REOPENS = gettext_lazy("Only the reform office of the reform's district reopens a completion.")
APPLIES = gettext_lazy("Only the lead unit applies for completion, while the reform is open.")
REQUESTS = gettext_lazy("Only the reform office, the lead unit and the responsible leader request changes.")


@require_GET
@office_member_required()
def decisions(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervision.decide", message=DECIDES)
    completions = Paginator(decision_selectors.pending_completions(request.user), PAGE_SIZE).get_page(request.GET.get("cpage"))
    changes = Paginator(decision_selectors.pending_changes(request.user), PAGE_SIZE).get_page(request.GET.get("rpage"))
    extensions = Paginator(extension_selectors.pending_extensions(request.user), PAGE_SIZE).get_page(request.GET.get("epage"))
    return render(
        request, "supervision/decisions.html", {"completions": completions, "changes": changes, "extensions": extensions}
    )


# --- completion ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@office_member_required()
def completion_apply(request: HttpRequest, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    reform = get_reform(request.user, pk, for_change=writing)
    form = CompletionForm(request.POST or None, request.FILES or None)
    status = 200
    if not writing or not form.is_valid():
        # The form is offered, and goes back, to who may send it; a valid one is the service's.
        require(request.user, "supervision.apply_completion", reform, message=APPLIES)
    else:
        done = submit(
            form,
            lambda: decision_services.apply_completion(
                user=request.user, reform=reform, summary=form.cleaned_data["summary"], evidence=form.cleaned_data["evidence"]
            ),
        )
        if done is not None:
            messages.success(request, _("The application for completion was sent to the reform office."))
            return redirect("reforms:detail", pk=reform.pk)
    if writing:
        status = 400
    history = decision_selectors.completions_of(reform)
    open_tasks = reform.tasks.exclude(status__in=SETTLED_STATUSES).count()
    return render(
        request,
        "supervision/completion_form.html",
        {"reform": reform, "form": form, "history": history, "open_tasks": open_tasks,
         "pending": any(c.status == Decision.PENDING for c in history)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@office_member_required()
def completion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    if not writing:
        require(request.user, "supervision.decide", message=DECIDES_COMPLETIONS)
    completion = decision_selectors.get_completion(request.user, pk)
    if not writing:  # the office of the reform's district only (ADR 0025)
        require(request.user, "supervision.decide", completion.reform, message=DECIDES_COMPLETIONS)
    form = CompletionDecisionForm(request.POST or None)
    if writing:
        if not form.is_valid():
            require(request.user, "supervision.decide", completion.reform, message=DECIDES_COMPLETIONS)
        else:
            accept = form.cleaned_data["decision"] == "accept"
            try:
                done = submit(
                    form,
                    lambda: decision_services.decide_completion(
                        user=request.user, completion=completion, accept=accept, comment=form.cleaned_data["comment"]
                    ),
                    reraise=DECIDED_FIRST,
                )
            except ValidationError as exc:
                return decided_meanwhile(request, exc, "supervision:completion-decide", pk=completion.pk)
            if done is not None:
                if accept:
                    messages.success(request, _("%(code)s is completed.") % {"code": completion.reform.code})
                else:
                    messages.success(request, _("The application was returned to the lead unit."))
                return redirect("supervision:decisions")
    reform = completion.reform
    open_tasks = reform.tasks.exclude(status__in=SETTLED_STATUSES).count()
    return render(
        request,
        "supervision/completion_decide.html",
        {
            "completion": completion, "reform": reform, "form": form, "open_tasks": open_tasks,
            "can_reopen": request.user.has_perm("supervision.reopen_completion", reform),
        },
        status=400 if writing else 200,
    )


@require_http_methods(["GET", "POST"])
@office_member_required()
def completion_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The office reopens a completed reform, with a reason and a confirmation."""
    reform = get_reform(request.user, pk, for_change=True)
    form = ReopenCompletionForm(request.POST or None)
    writing = request.method == "POST"
    if not writing or not form.is_valid():
        require(request.user, "supervision.reopen_completion", reform, message=REOPENS)
    else:
        done = submit(
            form, lambda: decision_services.reopen_completion(user=request.user, reform=reform, reason=form.cleaned_data["reason"])
        )
        if done is not None:
            messages.success(request, _("%(code)s is reopened: back in progress.") % {"code": reform.code})
            return redirect("reforms:detail", pk=reform.pk)
    closed_tasks = reform.tasks.filter(status=TaskStatus.CLOSED).count()
    return render(
        request, "supervision/completion_reopen.html", {"reform": reform, "form": form, "closed_tasks": closed_tasks},
        status=400 if writing else 200,
    )


# --- change requests -----------------------------------------------------------------------------


def _shown(value) -> str:
    """A changeable value as the page shows it: dates in the local format, "—" for nothing."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def change_rows(request_: ChangeRequest) -> list[dict]:
    """Each proposed field: its label, the value before (recorded on approval, else the reform's
    current value) and the proposed value."""
    reform = request_.reform
    approved = request_.status == ChangeRequest.CRStatus.APPROVED
    rows = []
    for name in decision_services.CHANGEABLE_FIELDS:
        if name not in request_.proposed:
            continue
        before = request_.before.get(name) if approved else getattr(reform, name)
        rows.append(
            {
                "name": name,
                "label": reform_field_label(name),
                "before": _shown(before),
                "after": _shown(request_.proposed[name]),
                "is_date": name.endswith("_date"),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@office_member_required()
def change_new(request: HttpRequest, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    reform = get_reform(request.user, pk, for_change=writing)
    form = ChangeRequestForm(request.POST or None, request.FILES or None, reform=reform)
    if not writing or not form.is_valid():
        # The form is offered, and goes back, to who may send it; a valid one is the service's.
        require(request.user, "supervision.request_change", reform, message=REQUESTS)
    else:
        change = submit(
            form,
            lambda: decision_services.request_change(
                user=request.user, reform=reform, proposed=form.proposed(), reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            ),
        )
        if change is not None:
            messages.success(request, _("The change request was sent to the reform office."))
            return redirect("supervision:change", pk=change.pk)
    return render(request, "supervision/change_form.html", {"reform": reform, "form": form}, status=400 if writing else 200)


def _render_change(request: HttpRequest, change: ChangeRequest, form: ChangeDecisionForm | None, status: int = 200):
    can_decide = change.status == ChangeRequest.CRStatus.PENDING and request.user.has_perm("supervision.decide", change.reform)
    if can_decide and form is None:
        form = ChangeDecisionForm(reform=change.reform)
    return render(
        request,
        "supervision/change_detail.html",
        {"change": change, "reform": change.reform, "rows": change_rows(change), "form": form if can_decide else None},
        status=status,
    )


@require_GET
@office_member_required()
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_change(request, decision_selectors.get_change_request(request.user, pk), None)


@require_POST
@office_member_required()
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = decision_selectors.get_change_request(request.user, pk, for_change=True)
    form = ChangeDecisionForm(request.POST, reform=change.reform)
    if not form.is_valid():
        require(request.user, "supervision.decide", change.reform, message=DECIDES_CHANGES)  # the form goes back to who may send it
        return _render_change(request, change, form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        done = submit(
            form,
            lambda: decision_services.decide_change(
                user=request.user, change_request=change, approve=approve, note=form.cleaned_data["note"],
                committee_meeting=form.cleaned_data["committee_meeting"],
            ),
            reraise=DECIDED_FIRST,
        )
    except ValidationError as exc:
        return decided_meanwhile(request, exc, "supervision:change", pk=change.pk)
    if done is None:
        return _render_change(request, change, form, status=400)
    if approve:
        messages.success(request, _("The change is approved and applied to %(code)s.") % {"code": change.reform.code})
    else:
        messages.success(request, _("The change request is rejected."))
    return redirect("supervision:change", pk=change.pk)
