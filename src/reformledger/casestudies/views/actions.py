"""The steps of a case study's life on its page: submit (the lead unit), return to the unit with a
note, publish, take off the public site with a reason, record an adoption (the office)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.actions import AdoptionForm, ReasonForm
from ..selectors import cases as selectors
from ..services import adoptions as adoption_services
from ..services import cases as services


def _refused(request: HttpRequest, exc: ValidationError, pk: int) -> HttpResponse:
    """A step the case's state or sections refuse: the reasons shown on the case's page."""
    case = selectors.get_case_study(request.user, pk)
    for message in exc.messages:
        messages.error(request, message)
    return redirect("casestudies:office-case", pk=case.pk)


@require_POST
@office_member_required()
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    try:
        services.submit_case_study(user=request.user, case=case)
    except ValidationError as exc:
        return _refused(request, exc, pk)
    messages.success(request, _("The case study is submitted to the reform office."))
    return redirect("casestudies:office-case", pk=pk)


@require_POST
@office_member_required()
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    try:
        services.publish_case_study(user=request.user, case=case)
    except ValidationError as exc:
        return _refused(request, exc, pk)
    messages.success(request, _("The case study is published on the public site."))
    return redirect("casestudies:office-case", pk=pk)


STEPS = {
    "return": (services.return_case_study, gettext_lazy("Return to the unit"), gettext_lazy("The case study is returned to the lead unit.")),
    "unpublish": (
        services.unpublish_case_study, gettext_lazy("Take off the public site"),
        gettext_lazy("The case study is taken off the public site."),
    ),
}


def _with_reason(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    require(request.user, "casestudies.manage_case_study", case, message=services.MANAGES)
    service, title, done_message = STEPS[step]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: service(user=request.user, case=case, reason=form.cleaned_data["reason"]),
                      aliases={"state": "__all__"})
        if done is not None:
            messages.success(request, str(done_message))
            return redirect("casestudies:office-case", pk=pk)
    context = {"case": case, "reform": case.reform, "form": form, "title": title, "step": step}
    return render(request, "casestudies/office_reason.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def case_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, "return")


@require_http_methods(["GET", "POST"])
@office_member_required()
def case_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, "unpublish")


@require_http_methods(["GET", "POST"])
@office_member_required()
def adoption_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    require(request.user, "casestudies.manage_case_study", case, message=services.MANAGES)
    form = AdoptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = submit(form, lambda: adoption_services.record_adoption(user=request.user, case=case, **form.cleaned_data),
                      aliases={"state": "__all__"})
        if made is not None:
            messages.success(request, _("The adoption is recorded."))
            return redirect("casestudies:office-case", pk=pk)
    context = {"case": case, "reform": case.reform, "form": form}
    return render(request, "casestudies/office_adoption.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def adoption_withdraw(request: HttpRequest, pk: int, adoption_id: int) -> HttpResponse:
    """Withdraw a wrongly recorded adoption, with a reason."""
    case = selectors.get_case_study(request.user, pk)
    adoption = get_object_or_404(case.adoptions.all(), pk=adoption_id)
    require(request.user, "casestudies.manage_case_study", case, message=services.MANAGES)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: adoption_services.withdraw_adoption(
            user=request.user, adoption=adoption, reason=form.cleaned_data["reason"]), aliases={"state": "__all__"})
        if done is not None:
            messages.success(request, _("The adoption is withdrawn."))
            return redirect("casestudies:office-case", pk=pk)
    title = _("Withdraw the adoption: %(place)s") % {"place": adoption.place}
    context = {"case": case, "reform": case.reform, "form": form, "title": title, "step": "withdraw"}
    return render(request, "casestudies/office_reason.html", context, status=400 if request.method == "POST" else 200)
