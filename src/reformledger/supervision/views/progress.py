"""The office's correction of an accepted figure, with a reason (ADR 0022): a leaf task's, or
the progress of a reform without tasks. The form is offered to who may send it (403 otherwise);
bad input stays on the form (400) and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.decisions import ProgressCorrectionForm
from ..selectors.reforms import get_reform
from ..selectors.tasks import get_task
from ..services import progress as progress_services

CORRECTS = gettext_lazy("Only the reform office of the reform's district corrects progress.")


@require_http_methods(["GET", "POST"])
@office_member_required()
def correct_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task(request.user, pk, for_change=True)
    form = ProgressCorrectionForm(request.POST or None, initial={"percent": task.progress})
    writing = request.method == "POST"
    if not writing or not form.is_valid():
        require(request.user, "supervision.correct_progress", task, message=CORRECTS)
    else:
        done = submit(
            form,
            lambda: progress_services.correct_progress(
                user=request.user, task=task, percent=form.cleaned_data["percent"], reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("The progress was corrected; the reform's history records the reason."))
            return redirect("supervision:task", pk=task.pk)
    context = {"form": form, "task": task, "reform": task.reform, "subject": task.title, "current": task.progress}
    return render(request, "supervision/progress_correct.html", context, status=400 if writing else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def correct_reform(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_reform(request.user, pk, for_change=True)
    form = ProgressCorrectionForm(request.POST or None, initial={"percent": reform.progress})
    writing = request.method == "POST"
    if not writing or not form.is_valid():
        require(request.user, "supervision.correct_progress", reform, message=CORRECTS)
    else:
        done = submit(
            form,
            lambda: progress_services.correct_reform_progress(
                user=request.user, reform=reform, percent=form.cleaned_data["percent"], reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("The progress was corrected; the reform's history records the reason."))
            return redirect("reforms:detail", pk=reform.pk)
    context = {"form": form, "task": None, "reform": reform, "subject": f"{reform.code} {reform.title}", "current": reform.progress}
    return render(request, "supervision/progress_correct.html", context, status=400 if writing else 200)
