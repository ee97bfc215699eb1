"""The public pages (portal look): the published rankings the office chose to show, one ranking
with its ties and noise bands, a unit's breakdown. Anyone may read them; nothing else is shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from reformledger.org.models import Unit

from ..selectors import published

PAGE_SIZE = 50


@require_http_methods(["GET"])
def rankings(request: HttpRequest) -> HttpResponse:
    page = Paginator(published.public_versions(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/public/rankings.html", {"page": page})


@require_http_methods(["GET"])
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    version = published.public_version(pk)
    return render(request, "assessment/public/ranking.html", {"version": version, "rows": published.public_ranking(version)})


@require_http_methods(["GET"])
def ranking_unit(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    version = published.public_version(pk)
    the_unit = get_object_or_404(Unit, pk=unit, district_id=version.district_id)
    score = published.unit_score(version, the_unit)
    if score is None:
        raise Http404
    lines = published.unit_lines(version, the_unit)
    context = {
        "version": version, "unit": the_unit, "score": score, "rows": [(line, [], False) for line in lines],
        "total": published.lines_total(lines),
    }
    return render(request, "assessment/public/unit.html", context)
