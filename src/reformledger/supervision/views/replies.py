"""A unit's written reply to an order (书面回复, with files), the office's review of it (accept, or
return with a comment) and the reply's files, served as downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reformledger.core.forms import submit
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for

from ..forms.orders import ReplyForm
from ..forms.reports import ReviewForm
from ..models import OrderTarget
from ..selectors import orders as order_selectors
from ..services import replies as reply_services
from .common import checked_file_download
from .orders import render_order


@require_POST
@office_member_required()
def reply_new(request: HttpRequest, pk: int) -> HttpResponse:
    """An addressed unit replies (any order may be named: not being addressed is the service's 403)."""
    order = order_selectors.get_order(request.user, pk, for_change=True)
    mine = OrderTarget.objects.filter(order=order, unit_id__in=actor_for(request.user).unit_ids).select_related("unit")
    form = ReplyForm(request.POST, request.FILES, units=[t.unit for t in mine])
    if not form.is_valid():
        if not mine:
            raise PermissionDenied(_("This order is not addressed to your unit."))
        return render_order(request, order, reply_form=form, status=400)
    unit_id = form.cleaned_data.get("unit")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    reply = submit(
        form,
        lambda: reply_services.reply_to_order(
            user=request.user, order=order, unit=unit, text=form.cleaned_data["text"],
            files=form.cleaned_data["attachments"],
        ),
        aliases={reply_services.FILES_FIELD: "attachments"},
    )
    if reply is None:
        return render_order(request, order, reply_form=form, status=400)
    if reply.is_late:
        messages.warning(
            request, _("Your reply was sent to the reform office, %(days)d days after the reply-by date.") % {"days": reply.days_late}
        )
    else:
        messages.success(request, _("Your reply was sent to the reform office."))
    return redirect(reverse("supervision:order", args=[order.pk]) + "#replies")


@require_POST
@office_member_required()
def reply_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The office accepts a reply or returns it with a comment."""
    reply = order_selectors.get_reply(request.user, pk, for_change=True)
    back = reverse("supervision:order", args=[reply.order_id]) + "#replies"
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to return the reply."))
        return redirect(back)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        reply = reply_services.review_order_reply(user=request.user, reply=reply, accept=accept, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    unit = reply.target.unit.name
    if not accept:
        messages.success(request, _("The reply of %(unit)s was returned.") % {"unit": unit})
    elif reply.order.status == "closed":
        messages.success(request, _("The reply of %(unit)s was accepted: every reply is in, the order is closed.") % {"unit": unit})
    else:
        messages.success(request, _("The reply of %(unit)s was accepted.") % {"unit": unit})
    return redirect(back)


@require_GET
@office_member_required()
def reply_file(request: HttpRequest, pk: int) -> FileResponse:
    """A reply's file, for whoever sees its order, with the type its content was judged to be."""
    item = order_selectors.get_reply_file(request.user, pk)
    return checked_file_download(item)
