"""The inbox: a person's messages, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator as PlainPaginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reformledger.org.decorators import office_member_required

from ..selectors import inbox as inbox_selectors
from ..services import inbox as inbox_services
from .common import safe_next

INBOX_PAGE_SIZE = 50


@require_GET
@office_member_required()
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = inbox_selectors.inbox(request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    # Not the cached-count paginator: reading a message changes no data version.
    page = PlainPaginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/inbox.html", {"page": page, "unread_only": unread_only})


@require_POST
@office_member_required()
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one message (``id``), several, or all of them (``all``) read; then go to ``next`` (the
    thing the message is about) or back to the inbox."""
    if request.POST.get("all"):
        ids = None
    else:
        try:
            ids = [int(value) for value in request.POST.getlist("id")]
        except ValueError:
            ids = []
    marked = inbox_services.mark_read(user=request.user, delivery_ids=ids) if ids != [] else 0
    if ids is None and marked:
        messages.success(request, _("Every message is marked read."))
    return redirect(safe_next(request, reverse("supervision:inbox")))
