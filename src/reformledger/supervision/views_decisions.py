"""Completion (办结), change requests (改革深化), the office's decisions queue and help needed.

Thin: reads are scoped like the catalogue (a reform the person may not see answers 404), writes go
through ``services`` (a write the person may not make answers 403; bad input is shown on the form,
with status 400, and nothing is written).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.forms import add_service_errors
from reformledger.org.selectors import actor_for
from reformledger.reforms.selectors import get_visible_reform, visible_reforms
from reformledger.reforms.templatetags.ui import reform_field_label
from reformledger.reforms.views import office_member_required

from . import services
from .forms_orders import (
    ChangeDecisionForm,
    ChangeRequestForm,
    CompletionDecisionForm,
    CompletionForm,
    HelpResolveForm,
)
from .models import ChangeRequest, Completion, Decision, Evidence, HelpRequest, TaskStatus

PAGE_SIZE = 50


def _require(request: HttpRequest, perm: str, obj=None, message: str | None = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(message or _("You may not do this."))


# --- the office's queue --------------------------------------------------------------------------


def pending_completions() -> QuerySet[Completion]:
    return (
        Completion.objects.filter(status=Decision.PENDING)
        .select_related("reform", "reform__lead_unit", "applied_by")
        .annotate(n_evidence=Count("evidence"))
        .order_by("created_at", "pk")
    )


def pending_changes() -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(status=ChangeRequest.CRStatus.PENDING)
        .select_related("reform", "reform__lead_unit", "requested_by")
        .annotate(n_evidence=Count("evidence"))
        .order_by("created_at", "pk")
    )


def _decided_meanwhile(request: HttpRequest, exc: ValidationError) -> bool:
    """Whether the service refused because someone decided first (its ``status`` error): then the
    errors go on top of the page that shows the decision, where the caller redirects."""
    if "status" not in getattr(exc, "error_dict", {}):
        return False
    for message in exc.message_dict["status"]:
        messages.error(request, message)
    return True


@require_GET
@office_member_required()
def decisions(request: HttpRequest) -> HttpResponse:
    _require(request, "supervision.decide", message=_("Only the reform office decides completions and changes."))
    completions = Paginator(pending_completions(), PAGE_SIZE).get_page(request.GET.get("cpage"))
    changes = Paginator(pending_changes(), PAGE_SIZE).get_page(request.GET.get("rpage"))
    return render(request, "supervision/decisions.html", {"completions": completions, "changes": changes})


# --- completion ----------------------------------------------------------------------------------


def _evidence_of() -> Prefetch:
    return Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "pk"))


@require_http_methods(["GET", "POST"])
@office_member_required()
def completion_apply(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_visible_reform(request.user, pk)
    _require(request, "supervision.apply_completion", reform,
             _("Only the lead unit applies for completion, while the reform is open."))
    form = CompletionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.apply_completion(
                    user=request.user, reform=reform, summary=form.cleaned_data["summary"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The application for completion was sent to the reform office."))
                return redirect("reforms:detail", pk=reform.pk)
        status = 400
    history = list(
        Completion.objects.filter(reform=reform).select_related("applied_by", "decided_by")
        .prefetch_related(_evidence_of()).order_by("-created_at", "-pk")
    )
    open_tasks = reform.tasks.exclude(status=TaskStatus.DONE).count()
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
    _require(request, "supervision.decide", message=_("Only the reform office decides completions."))
    completion = get_object_or_404(
        Completion.objects.select_related("reform", "reform__lead_unit", "reform__domain", "applied_by", "decided_by")
        .prefetch_related(_evidence_of()),
        pk=pk,
    )
    form = CompletionDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            accept = form.cleaned_data["decision"] == "accept"
            try:
                services.decide_completion(
                    user=request.user, completion=completion, accept=accept, comment=form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                if _decided_meanwhile(request, exc):
                    return redirect("supervision:completion-decide", pk=completion.pk)
                add_service_errors(form, exc)
            else:
                if accept:
                    messages.success(request, _("%(code)s is completed.") % {"code": completion.reform.code})
                else:
                    messages.success(request, _("The application was returned to the lead unit."))
                return redirect("supervision:decisions")
        status = 400
    reform = completion.reform
    open_tasks = reform.tasks.exclude(status=TaskStatus.DONE).count()
    return render(
        request,
        "supervision/completion_decide.html",
        {"completion": completion, "reform": reform, "form": form, "open_tasks": open_tasks},
        status=status,
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
    for name in services.CHANGEABLE_FIELDS:
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
    reform = get_visible_reform(request.user, pk)
    _require(request, "supervision.request_change", reform,
             _("Only the reform office, the lead unit and the responsible leader request changes."))
    form = ChangeRequestForm(request.POST or None, request.FILES or None, reform=reform)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                change = services.request_change(
                    user=request.user, reform=reform, proposed=form.proposed(), reason=form.cleaned_data["reason"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The change request was sent to the reform office."))
                return redirect("supervision:change", pk=change.pk)
        status = 400
    return render(request, "supervision/change_form.html", {"reform": reform, "form": form}, status=status)


def _visible_change(user, pk: int) -> ChangeRequest:
    change = (
        ChangeRequest.objects.filter(pk=pk, reform__in=visible_reforms(user).values("pk"))
        .select_related("reform", "reform__lead_unit", "requested_by", "decided_by")
        .prefetch_related(_evidence_of())
        .first()
    )
    if change is None or not actor_for(user).is_authenticated:
        raise Http404
    return change


def _render_change(request: HttpRequest, change: ChangeRequest, form: ChangeDecisionForm | None, status: int = 200):
    can_decide = change.status == ChangeRequest.CRStatus.PENDING and request.user.has_perm("supervision.decide")
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
    return _render_change(request, _visible_change(request.user, pk), None)


@require_POST
@office_member_required()
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "supervision.decide", message=_("Only the reform office decides change requests."))
    change = _visible_change(request.user, pk)
    form = ChangeDecisionForm(request.POST, reform=change.reform)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.decide_change(
                user=request.user, change_request=change, approve=approve, note=form.cleaned_data["note"],
                committee_meeting=form.cleaned_data["committee_meeting"],
            )
        except ValidationError as exc:
            if _decided_meanwhile(request, exc):
                return redirect("supervision:change", pk=change.pk)
            add_service_errors(form, exc)
        else:
            if approve:
                messages.success(request, _("The change is approved and applied to %(code)s.") % {"code": change.reform.code})
            else:
                messages.success(request, _("The change request is rejected."))
            return redirect("supervision:change", pk=change.pk)
    return _render_change(request, change, form, status=400)


# --- help needed ---------------------------------------------------------------------------------

HELP_STATES = ("open", "resolved", "all")


def help_requests(user, state: str) -> QuerySet[HelpRequest]:
    """The office's list of every help request, or the ones escalated to this person."""
    qs = HelpRequest.objects.select_related(
        "reform", "leader", "resolved_by", "report", "report__task", "report__task__unit", "report__reporter"
    )
    if not actor_for(user).is_office:
        qs = qs.filter(leader=user)
    if state == "open":
        qs = qs.filter(status=HelpRequest.HelpStatus.OPEN)
    elif state == "resolved":
        qs = qs.filter(status=HelpRequest.HelpStatus.RESOLVED)
    order = ("created_at", "pk") if state == "open" else ("status", "-created_at", "-pk")
    return qs.order_by(*order)


def _render_help(request: HttpRequest, *, failed: HelpRequest | None = None, form: HelpResolveForm | None = None,
                 status: int = 200) -> HttpResponse:
    actor = actor_for(request.user)
    state = request.GET.get("state") if request.GET.get("state") in HELP_STATES else "open"
    if not actor.is_office and not actor.is_leader and not HelpRequest.objects.filter(leader=request.user).exists():
        raise PermissionDenied(_("Help needed goes to the special groups' leaders and the reform office."))
    page = Paginator(help_requests(request.user, state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/help.html",
        {"page": page, "state": state, "is_office": actor.is_office, "failed": failed, "failed_form": form},
        status=status,
    )


@require_GET
@office_member_required()
def help_list(request: HttpRequest) -> HttpResponse:
    return _render_help(request)


@require_POST
@office_member_required()
def help_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = get_object_or_404(HelpRequest, pk=pk)
    _require(request, "supervision.resolve_help", help_request,
             _("Only the leader it was escalated to, or the reform office, resolves this."))
    form = HelpResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_help(user=request.user, help_request=help_request, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            if _decided_meanwhile(request, exc):
                return redirect("supervision:help")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Marked resolved."))
            return redirect("supervision:help")
    return _render_help(request, failed=help_request, form=form, status=400)
