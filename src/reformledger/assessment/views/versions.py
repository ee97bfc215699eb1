"""The office's versions (ADR 0045): the list of a district's computed versions, one version's
ranking (ties and noise bands beside it), a unit's breakdown with its appeals. The office of the
district and the province office read them (another district's office: 404)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit

from .. import selectors
from ..models import Appeal, AppealState, Assessment
from ..selectors import published
from ..selectors.appeals import appeals_by_line
from ..selectors.scope import check_district
from ..services import versions
from .common import chosen_district, flash

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
        "may_manage": district is not None and request.user.has_perm("assessment.manage_scheme", district),
    }
    return render(request, "assessment/office/versions.html", context)


@require_http_methods(["GET"])
@office_member_required()
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = office_version(request, pk)
    context = {
        "version": version, "rows": selectors.ranking(request.user, version),
        "open_appeals": Appeal.objects.filter(line_item__assessment=version, state=AppealState.SUBMITTED).count(),
        "may_manage": request.user.has_perm("assessment.review", version),
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


@require_POST
@office_member_required()
def version_review(request: HttpRequest, pk: int) -> HttpResponse:
    version = office_version(request, pk)
    flash(request, lambda: versions.review(user=request.user, assessment=version), _("The version is reviewed; it may now be published."))
    return redirect("assessment:version", pk=version.pk)


@require_http_methods(["GET", "POST"])
@office_member_required()
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a reviewed version, choosing whether the ranking is shown on the public site."""
    version = office_version(request, pk)
    require(request.user, "assessment.publish", version)
    if request.method == "POST":
        is_public = request.POST.get("is_public") == "1"
        done = flash(request, lambda: versions.publish(user=request.user, assessment=version, is_public=is_public),
                      _("The version is published and frozen; its fingerprint is in the audit trail."))
        if done is not None:
            return redirect("assessment:version", pk=version.pk)
    current = selectors.published_assessment(version.district_id, version.year)
    context = {"version": version, "current": current if current is not None and current.pk != version.pk else None}
    return render(request, "assessment/office/publish.html", context)


@require_http_methods(["GET"])
@office_member_required()
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The version against the one it is compared with: the published one of its year (or its ``previous``)."""
    version = office_version(request, pk)
    against = version.previous or selectors.published_assessment(version.district_id, version.year)
    if against is not None and against.pk == version.pk:
        against = version.previous
    rows = selectors.version_diff(version, against)
    changed = [row for row in rows if row.lines or row.rank_before != row.rank_after]
    context = {"version": version, "against": against, "rows": changed, "unchanged": len(rows) - len(changed)}
    return render(request, "assessment/office/diff.html", context)
