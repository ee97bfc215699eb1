"""A reform's page: its fields, its history in words, what the person may do, and the panels
other areas add (registered in ``core.registry``; this page does not know them)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reformledger.core.registry import reform_panels
from reformledger.org.decorators import office_member_required

from .. import rules as reform_rules
from ..forms import AttachmentForm, TransitionForm
from ..history import history_rows
from ..models import Status
from ..selectors import get_reform


@require_GET
@office_member_required("portal:detail")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_reform(request.user, pk)
    user = request.user
    can_change = user.has_perm("reforms.change_reform", reform)
    targets = reform_rules.allowed_targets(user, reform)
    return render(
        request,
        "reforms/detail.html",
        {
            "reform": reform,
            "can_change": can_change,
            "targets": [(status, Status(status).label) for status in targets],
            "transition_form": TransitionForm(),
            "attachment_form": AttachmentForm() if user.has_perm("reforms.manage_attachments", reform) else None,
            "history": history_rows(reform),
            "panels": reform_panels(request, reform),
        },
    )
