"""Moving a reform along its lifecycle from its page (the moves and who may make them are the
rules'; the service checks them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reformledger.org.decorators import office_member_required

from .. import services
from ..forms import TransitionForm
from ..models import Status
from ..selectors import reform_by_id


@require_POST
@office_member_required()
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    reform = reform_by_id(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid new status."))
        return redirect("reforms:detail", pk=reform.pk)
    try:
        services.transition_reform(
            user=request.user, reform=reform, to_status=form.cleaned_data["to"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Status changed to %(status)s.") % {"status": Status(form.cleaned_data["to"]).label},
        )
    return redirect("reforms:detail", pk=reform.pk)
