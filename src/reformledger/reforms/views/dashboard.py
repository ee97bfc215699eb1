"""The office's dashboard: completion by tier, for the year chosen (left as it was: it moves to the
cockpit)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..selectors import tier_rows, year_choices
from . import office_member_required


@require_GET
@office_member_required("portal:home")
def home(request: HttpRequest) -> HttpResponse:
    years = year_choices(request.user)
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    if year not in years:
        year = None
    tiers = tier_rows(request.user, year=year)
    total = sum(t["total"] for t in tiers)
    completed = sum(t["completed"] for t in tiers)
    chart = {
        "categories": [str(t["label"]) for t in tiers],
        "total": [t["total"] for t in tiers],
        "completed": [t["completed"] for t in tiers],
        "rate": [round(t["rate"] * 100, 1) for t in tiers],
        "labels": {
            "total": _("Total"),
            "completed": _("Completed"),
            "rate": _("Completion rate"),
            "open": _("Not completed yet"),
        },
    }
    return render(
        request,
        "reforms/home.html",
        {
            "years": years,
            "year": year,
            "tiers": tiers,
            "total": total,
            "completed": completed,
            "rate": completed / total if total else 0,
            "chart": chart,
        },
    )
