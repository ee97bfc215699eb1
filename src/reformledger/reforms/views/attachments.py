"""A reform's attachments: upload, remove, show on the public page or not, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reformledger.org.decorators import office_member_required

from .. import services
from ..forms import AttachmentForm
from ..models import Attachment
from ..selectors import attachment_of, get_reform, reform_by_id


def _attachments_of(pk: int) -> str:
    return reverse("reforms:detail", kwargs={"pk": pk}) + "#attachments"


@require_POST
@office_member_required()
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    reform = reform_by_id(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                user=request.user,
                reform=reform,
                uploaded_file=form.cleaned_data["file"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Attachment added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(_attachments_of(reform.pk))


@require_POST
@office_member_required()
def remove_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    item = attachment_of(request.user, pk, attachment_id)
    services.remove_attachment(user=request.user, attachment=item)
    messages.success(request, _("Attachment %(name)s removed.") % {"name": item.name})
    return redirect(_attachments_of(pk))


@require_POST
@office_member_required()
def attachment_public(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    item = attachment_of(request.user, pk, attachment_id)
    services.set_attachment_public(user=request.user, attachment=item, is_public=request.POST.get("is_public") == "1")
    return redirect(_attachments_of(pk))


@require_GET
@office_member_required()
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    reform = get_reform(request.user, pk)
    item = next((a for a in reform.attachments.all() if a.pk == attachment_id), None)
    if item is None:
        raise Http404
    return _file_response(item)


def _file_response(item: Attachment) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.name)
