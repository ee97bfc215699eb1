"""Extension requests (延期申请): the unit's request from a task's page, the office's decision
page (its confirmation step), in the office's queue of decisions (``views.decisions``).

A task the person may not see answers 404; a form the person may not use answers 403 when asked
for (or sent back); a write is the service's to allow, and bad input is shown on the form, with
status 400, and nothing is written. When someone decided first, the person is sent to the
request's page with the service's message on top.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.extensions import ExtensionDecisionForm, ExtensionRequestForm
from ..models import ExtensionRequest, ExtensionStatus
from ..selectors import extensions as extension_selectors
from ..selectors import tasks as task_selectors
from ..services import extensions as extension_services
from .common import DECIDED_FIRST, decided_meanwhile

ASKS = gettext_lazy("Only the unit responsible for the task, or the reform's lead unit, asks for more time.")
DECIDES = gettext_lazy("Only the reform office of the district decides extension requests.")


@require_http_methods(["GET", "POST"])
@office_member_required()
def extension_new(request: HttpRequest, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    task = task_selectors.get_task(request.user, pk, for_change=writing)
    form = ExtensionRequestForm(request.POST or None, request.FILES or None)
    if not writing or not form.is_valid():
        # The form is offered, and goes back, to who may send it; a valid one is the service's.
        require(request.user, "supervision.request_extension", task, message=ASKS)
    else:
        made = submit(
            form,
            lambda: extension_services.request_extension(
                user=request.user, task=task, new_due_date=form.cleaned_data["new_due_date"],
                reason=form.cleaned_data["reason"], evidence=form.cleaned_data["evidence"],
            ),
        )
        if made is not None:
            messages.success(request, _("The extension request was sent to the reform office."))
            return redirect("supervision:task", pk=task.pk)
    context = {"task": task, "reform": task.reform, "form": form, "max_mb": f"{settings.EVIDENCE_MAX_MB:g}"}
    return render(request, "supervision/extension_form.html", context, status=400 if writing else 200)


def _render(request: HttpRequest, item: ExtensionRequest, form: ExtensionDecisionForm | None, status: int = 200):
    may_decide = item.status == ExtensionStatus.PENDING and request.user.has_perm("supervision.decide_extension", item)
    if may_decide and form is None:
        form = ExtensionDecisionForm(initial={"granted_due_date": item.requested_date})
    context = {"item": item, "task": item.task, "reform": item.reform, "form": form if may_decide else None}
    return render(request, "supervision/extension_decide.html", context, status=status)


@require_http_methods(["GET", "POST"])
@office_member_required()
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = extension_selectors.get_extension(request.user, pk, for_change=request.method == "POST")
    if request.method != "POST":
        return _render(request, item, None)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        require(request.user, "supervision.decide_extension", item, message=DECIDES)  # back to who may send it
        return _render(request, item, form, status=400)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        done = submit(
            form,
            lambda: extension_services.decide_extension(
                user=request.user, request=item, approve=approve,
                granted_due_date=form.cleaned_data["granted_due_date"], comment=form.cleaned_data["comment"],
            ),
            reraise=DECIDED_FIRST,
        )
    except ValidationError as exc:
        return decided_meanwhile(request, exc, "supervision:extension", pk=item.pk)
    if done is None:
        return _render(request, item, form, status=400)
    if approve:
        messages.success(
            request, _("The due date of “%(task)s” moved to %(date)s.") % {"task": item.task.title, "date": date_format(done.granted_date or done.requested_date, "DATE_FORMAT")}
        )
    else:
        messages.success(request, _("The extension request was refused."))
    return redirect("supervision:decisions")
