"""A case study's images and documents on the office's pages: add, remove, download (drafts'
files too, for whoever reads the case)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.actions import MaterialForm
from ..selectors import cases as selectors
from ..services import cases as case_services
from ..services import materials as services
from .files import file_response


def _back(pk: int) -> HttpResponse:
    return redirect("casestudies:office-case", pk=pk)


@require_POST
@office_member_required()
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    require(request.user, "casestudies.change_case_study", case, message=case_services.CHANGES)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return _back(pk)
    try:
        services.add_material(user=request.user, case=case, upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The file is added."))
    return _back(pk)


@require_POST
@office_member_required()
def material_remove(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    material = get_object_or_404(case.materials.all(), pk=material_id)
    services.remove_material(user=request.user, material=material)
    messages.success(request, _("%(name)s is removed.") % {"name": material.name})
    return _back(pk)


@require_GET
@office_member_required()
def material_download(request: HttpRequest, pk: int, material_id: int) -> FileResponse:
    case = selectors.get_case_study(request.user, pk)
    material = get_object_or_404(case.materials.all(), pk=material_id)
    return file_response(material.file, name=material.name, kind=material.kind, inline=material.is_image)
