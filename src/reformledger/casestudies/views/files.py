"""Serving a case study's stored files safely: the type judged at upload, sent with it and
``nosniff``; images inline (the public page shows them), every other file as a download; a
sandboxing Content-Security-Policy on the response itself."""

from __future__ import annotations

from django.http import FileResponse, Http404

from ..materials import content_type


def file_response(stored, *, name: str, kind: str | None, inline: bool = False) -> FileResponse:
    try:
        handle = stored.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=not inline, filename=name)
    if kind:
        response["Content-Type"] = content_type(kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
