"""The unit's "my score" (ADR 0045): its published score, rank and line items for a year, with
"appeal this line" while the window is open."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for

from ..models import AppealState
from ..selectors import published
from ..selectors.appeals import appeals_by_line
from ..selectors.results import published_assessment
from ..services.appeals import window_closes, window_open

UNITS_ONLY = _("“My unit's score” is for the heads and staff of units.")


@require_http_methods(["GET"])
@office_member_required()
def my_score(request: HttpRequest) -> HttpResponse:
    require(request.user, "assessment.view_own_unit", message=UNITS_ONLY)
    unit_ids = actor_for(request.user).unit_ids
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("sort_order", "code"))
    wanted = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == wanted), None) if wanted else units[0]
    if unit is None:
        raise Http404
    years = published.unit_years(frozenset({unit.pk}))
    wanted_year = request.GET.get("year", "")
    year = int(wanted_year) if wanted_year.isdigit() and int(wanted_year) in years else (years[0] if years else None)
    version = published_assessment(unit.district_id or unit.pk, year) if year else None
    context = {"units": units, "unit": unit, "years": years, "year": year, "version": version}
    if version is not None:
        lines = published.unit_lines(version, unit)
        appeals = appeals_by_line(version, unit.pk)
        can_appeal = window_open(version) and request.user.has_perm("assessment.file_appeal", lines[0]) if lines else False
        context |= {
            "score": published.unit_score(version, unit),
            "units_ranked": version.scores.count(),
            "rows": [(line, appeals.get(line.pk, []), any(a.state == AppealState.SUBMITTED for a in appeals.get(line.pk, [])))
                     for line in lines],
            "total": published.lines_total(lines),
            "can_appeal": can_appeal,
            "window_closes": window_closes(version),
        }
    return render(request, "assessment/unit/my_score.html", context)
