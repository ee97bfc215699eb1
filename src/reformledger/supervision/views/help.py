"""Help needed (需协调事项): the list for the office and the leaders it was escalated to, and
resolving it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.selectors import actor_for

from ..forms.help import HelpResolveForm
from ..models import HelpRequest
from ..selectors import help as help_selectors
from ..services import help as help_services
from .common import DECIDED_FIRST, decided_meanwhile

PAGE_SIZE = 50


def _render_help(request: HttpRequest, *, failed: HelpRequest | None = None, form: HelpResolveForm | None = None,
                 status: int = 200) -> HttpResponse:
    state = request.GET.get("state") or "open"
    if state not in help_selectors.HELP_STATES:
        state = "open"
    if not help_selectors.sees_help(request.user):
        raise PermissionDenied(_("Help needed goes to the special groups' leaders and the reform office."))
    page = Paginator(help_selectors.help_requests(request.user, state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/help.html",
        {"page": page, "state": state, "is_office": actor_for(request.user).is_office, "failed": failed, "failed_form": form},
        status=status,
    )


@require_GET
@office_member_required()
def help_list(request: HttpRequest) -> HttpResponse:
    return _render_help(request)


@require_POST
@office_member_required()
def help_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = help_selectors.get_help_request(request.user, pk)
    form = HelpResolveForm(request.POST)
    if not form.is_valid():
        require(
            request.user, "supervision.resolve_help", help_request,
            message=_("Only the leader it was escalated to, or the reform office, resolves this."),
        )  # the form goes back to who may send it
        return _render_help(request, failed=help_request, form=form, status=400)
    try:
        done = submit(
            form,
            lambda: help_services.resolve_help(user=request.user, help_request=help_request, resolution=form.cleaned_data["resolution"]),
            reraise=DECIDED_FIRST,
        )
    except ValidationError as exc:
        return decided_meanwhile(request, exc, "supervision:help")
    if done is None:
        return _render_help(request, failed=help_request, form=form, status=400)
    messages.success(request, _("Marked resolved."))
    return redirect("supervision:help")
