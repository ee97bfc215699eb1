"""Appeal pages (ADR 0045): the unit's appeal of a line item and its "my appeals", one appeal (the
unit reads it and may withdraw it; the office decides it), the office's queue.

An appeal or a line item the person may not see answers 404; an action the person may not take
answers 403; bad input goes back on the form with status 400 and nothing written.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.appeals import AppealForm, DecisionForm
from ..models import AppealState
from ..selectors import appeals as selectors
from ..services import appeals as services

PAGE_SIZE = 50


@require_http_methods(["GET"])
@office_member_required()
def appeal_queue(request: HttpRequest) -> HttpResponse:
    """The open appeals of the office's districts, oldest first; the decided ones below."""
    open_appeals = list(selectors.appeal_queue(request.user)[:PAGE_SIZE * 4])
    decided = selectors.appeal_queue(request.user, state=None).exclude(state=AppealState.SUBMITTED)
    page = Paginator(decided, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/appeals/queue.html", {"open_appeals": open_appeals, "page": page})


@require_http_methods(["GET"])
@office_member_required()
def my_appeals(request: HttpRequest) -> HttpResponse:
    require(request.user, "assessment.view_own_unit", message=_("“My appeals” is for the heads and staff of units."))
    page = Paginator(selectors.my_appeals(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/appeals/mine.html", {"page": page})


@require_http_methods(["GET", "POST"])
@office_member_required()
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's appeal of one line item of its own score."""
    line = selectors.appealable_line(request.user, pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = submit(form, lambda: services.file_appeal(user=request.user, line_item=line, **form.cleaned_data),
                      aliases={"line_item": "__all__"})
        if made is not None:
            messages.success(request, _("Your appeal is filed; the reform office will decide it."))
            return redirect("assessment:appeal", pk=made.pk)
    context = {
        "line": line, "assessment": line.assessment, "form": form,
        "window_closes": services.window_closes(line.assessment), "window_open": services.window_open(line.assessment),
    }
    return render(request, "assessment/appeals/file.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One appeal: its line item, reason and decision; the office's decision form while it is open."""
    appeal = selectors.get_appeal(request.user, pk)
    may_decide = appeal.state == AppealState.SUBMITTED and request.user.has_perm("assessment.decide_appeal", appeal)
    form = DecisionForm(request.POST or None, initial={"points": appeal.requested_points})
    if request.method == "POST":
        require(request.user, "assessment.decide_appeal", appeal, message=services.DECIDES)
        if form.is_valid():
            data = form.cleaned_data
            if data["outcome"] == DecisionForm.UPHOLD:
                done = submit(form, lambda: services.uphold_appeal(user=request.user, appeal=appeal, points=data["points"],
                                                                   reasons=data["reasons"]), aliases={"state": "__all__"})
            else:
                done = submit(form, lambda: services.reject_appeal(user=request.user, appeal=appeal, reasons=data["reasons"]),
                              aliases={"state": "__all__"})
            if done is not None:
                messages.success(request, _("The appeal is upheld: a new draft version is derived; review and publish it.")
                                 if done.state == AppealState.UPHELD else _("The appeal is rejected."))
                return redirect("assessment:appeal", pk=appeal.pk)
    context = {
        "appeal": appeal, "line": appeal.line_item, "assessment": appeal.line_item.assessment, "form": form,
        "may_decide": may_decide,
        "may_withdraw": appeal.state == AppealState.SUBMITTED and request.user.has_perm("assessment.withdraw_appeal", appeal),
    }
    return render(request, "assessment/appeals/detail.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@office_member_required()
def appeal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = selectors.get_appeal(request.user, pk)
    try:
        services.withdraw_appeal(user=request.user, appeal=appeal)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The appeal is withdrawn."))
    return redirect("assessment:appeal", pk=appeal.pk)
