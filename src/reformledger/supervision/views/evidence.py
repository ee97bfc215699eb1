"""Evidence files, served as downloads."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from reformledger.core import files
from reformledger.org.decorators import office_member_required

from ..selectors.evidence import get_evidence


@require_GET
@office_member_required()
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever may see its task (or, for a completion application or a change
    request, its reform); served as a download with the type its content was judged to be."""
    item = get_evidence(request.user, pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    content_type = files.KINDS[item.kind][1] if item.kind in files.KINDS else "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=item.name, content_type=content_type)
