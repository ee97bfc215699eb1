"""The office's correction of an accepted figure, with a reason (ADR 0022): a leaf task's, or
the progress of a reform without tasks. The form is offered to who may send it (403 otherwise);
bad input stays on the form (400) and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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


def _correction(request: HttpRequest, *, target, correct, done_url, context: dict) -> HttpResponse:
    """The correction form of ``target`` (a task or a reform): offered, and sent back with its
    errors, to who may correct it; a valid one goes to ``correct(percent, reason)``."""
    form = ProgressCorrectionForm(request.POST or None, initial={"percent": target.progress})
    writing = request.method == "POST"
    if not writing or not form.is_valid():
        require(request.user, "supervision.correct_progress", target, message=CORRECTS)
    elif submit(form, lambda: correct(form.cleaned_data["percent"], form.cleaned_data["reason"])) is not None:
        messages.success(request, _("The progress was corrected; the reform's history records the reason."))
        return redirect(done_url)
    context = {"form": form, "current": target.progress, **context}
    return render(request, "supervision/progress_correct.html", context, status=400 if writing else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def correct_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task(request.user, pk, for_change=True)
    return _correction(
        request, target=task, done_url=reverse("supervision:task", args=[task.pk]),
        correct=lambda percent, reason: progress_services.correct_progress(
            user=request.user, task=task, percent=percent, reason=reason
        ),
        context={"task": task, "reform": task.reform, "subject": task.title},
    )


@require_http_methods(["GET", "POST"])
@office_member_required()
def correct_reform(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_reform(request.user, pk, for_change=True)
    return _correction(
        request, target=reform, done_url=reverse("reforms:detail", args=[reform.pk]),
        correct=lambda percent, reason: progress_services.correct_reform_progress(
            user=request.user, reform=reform, percent=percent, reason=reason
        ),
        context={"task": None, "reform": reform, "subject": f"{reform.code} {reform.title}"},
    )
