"""Evidence files, served as downloads."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from reformledger.org.decorators import office_member_required

from ..selectors.evidence import get_evidence
from .common import checked_file_download


@require_GET
@office_member_required()
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever may see its task (or, for a completion application or a change
    request, its reform); served as a download with the type its content was judged to be."""
    item = get_evidence(request.user, pk)
    return checked_file_download(item)
