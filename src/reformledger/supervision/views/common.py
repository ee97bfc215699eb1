"""What the supervision pages share: a safe ``next``, the answer when someone decided first, and
the download of a checked file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from reformledger.core import files

#: The service's error that means someone decided first (``core.forms.submit(..., reraise=...)``).
DECIDED_FIRST = ("status",)


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` the request asks for, when it is a page of this site; ``default`` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def decided_meanwhile(request: HttpRequest, exc: ValidationError, back: str, **kwargs) -> HttpResponse:
    """Someone decided first (the service's ``status`` error): its messages go on top of the page
    that shows the decision, where the person is sent."""
    for message in exc.message_dict["status"]:
        messages.error(request, message)
    return redirect(back, **kwargs)


def checked_file_download(item) -> FileResponse:
    """A stored evidence-like file (``file``, ``name``, ``kind``) as a download, with the type its
    content was judged to be on upload (``core.files``); 404 when the file is gone from storage."""
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    content_type = files.KINDS[item.kind][1] if item.kind in files.KINDS else "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=item.name, content_type=content_type)
