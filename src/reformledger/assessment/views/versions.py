"""The office's versions (ADR 0045): the list of a district's computed versions, one version's
ranking (ties and noise bands beside it), a unit's breakdown with its appeals. The office of the
district and the province office read them (another district's office: 404)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit

from ..models import Appeal, AppealState, Assessment
from ..selectors import published
from ..selectors.appeals import appeals_by_line
from ..selectors.scope import check_district
from .common import chosen_district

PAGE_SIZE = 50


def office_version(request: HttpRequest, pk: int) -> Assessment:
    """A version the office reader may read (404 for another district's, 403 for a non-office)."""
    version = get_object_or_404(Assessment.objects.select_related("scheme", "district", "previous"), pk=pk)
    check_district(request.user, version.district_id)
    return version


@require_http_methods(["GET"])
@office_member_required()
def version_list(request: HttpRequest) -> HttpResponse:
    district, districts = chosen_district(request)
    versions = (
        Assessment.objects.filter(district=district).select_related("scheme", "computed_by", "published_by")
        .order_by("-year", "purpose", "-version")
    )
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "district": district, "districts": districts, "page": page,
        "may_manage": district is not None and request.user.has_perm("assessment.decide_appeal", district),
    }
    return render(request, "assessment/office/versions.html", context)


@require_http_methods(["GET"])
@office_member_required()
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = office_version(request, pk)
    rows = published.ranking_rows(version)
    context = {
        "version": version, "rows": published.with_ties(rows),
        "open_appeals": Appeal.objects.filter(line_item__assessment=version, state=AppealState.SUBMITTED).count(),
        "may_manage": request.user.has_perm("assessment.decide_appeal", version),
    }
    return render(request, "assessment/office/version.html", context)


@require_http_methods(["GET"])
@office_member_required()
def version_unit(request: HttpRequest, pk: int, unit: int) -> HttpResponse:
    version = office_version(request, pk)
    the_unit = get_object_or_404(Unit, pk=unit, district_id=version.district_id)
    score = published.unit_score(version, the_unit)
    if score is None:
        raise Http404
    lines = published.unit_lines(version, the_unit)
    appeals = appeals_by_line(version, the_unit.pk)
    context = {
        "version": version, "unit": the_unit, "score": score, "total": published.lines_total(lines),
        "rows": [(line, appeals.get(line.pk, []), False) for line in lines],
    }
    return render(request, "assessment/office/unit.html", context)
