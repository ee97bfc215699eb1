"""What the tolerance pages share: the gates and the download of an evidence file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reformledger.core import files
from reformledger.org.selectors import actor_for, has_full_access


def require_carrier(request: HttpRequest) -> None:
    """The applicant's pages: people who could be responsible for a reform (unit staff and heads,
    leaders); 403 for everyone else."""
    actor = actor_for(request.user)
    if not (actor.unit_ids or actor.is_leader):
        raise PermissionDenied(_("Tolerance applications are made by the people responsible for a reform."))


def require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_perm("tolerance.review"):
        raise PermissionDenied(_("These pages are for the reform office and the discipline reviewers."))


def file_download(item) -> FileResponse:
    """A stored evidence file as a download, with the type its content was judged to be."""
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    content_type = files.KINDS[item.kind][1] if item.kind in files.KINDS else "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=item.name, content_type=content_type)


def render_page(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Render a tolerance page; ``reviewer_only`` for a person who carries no reform (a discipline
    reviewer): their bar shows the tolerance pages alone, not the office's."""
    context = {**context, "reviewer_only": not has_full_access(actor_for(request.user))}
    return render(request, template, context, status=status)
