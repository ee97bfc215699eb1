"""The office's pages of expert panels: the list (and the district's expert pool), forming or
changing a panel, its progress (pending sheets, agreement, the furthest rater), opening scoring,
closing it, the results once closed, reopening a sheet with a reason, and the report's downloads.

A panel the person may not read answers 404; a page or action the person may not use, 403. Writes
are the services'; bad input goes back on the form with status 400 and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.exporters import response
from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Role, Unit, User
from reformledger.org.selectors import actor_for

from ..documents.panels import PanelWordReport, PanelWorkbook
from ..forms.panels import ExpertForm, PanelForm, ReasonForm
from ..models import Expert, Panel, PanelState
from ..selectors import panels as panel_selectors
from ..selectors import scores
from ..services import panels as panel_services
from ..services import sheets as sheet_services


def _me(request: HttpRequest) -> User:
    """The signed-in person (every page here requires signing in)."""
    return cast(User, request.user)

READS = gettext_lazy("These pages are for the reform office.")


def _own_district(request: HttpRequest) -> Unit | None:
    ids = sorted(actor_for(request.user).district_ids)
    return Unit.objects.filter(pk=ids[0]).first() if ids and actor_for(request.user).is_office else None


@require_http_methods(["GET"])
@office_member_required()
def panel_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.view_panel", message=READS)
    district = _own_district(request)
    context = {
        "panels": list(panel_selectors.office_panels(request.user)[:200]),
        "may_form": request.user.has_perm("evaluation.manage_panel") and district is not None,
        "pool": list(panel_selectors.pool(district.pk)) if district else [],
        "district": district,
    }
    return render(request, "evaluation/panels.html", context)


@require_http_methods(["GET", "POST"])
@office_member_required()
def expert_add(request: HttpRequest) -> HttpResponse:
    district = _own_district(request)
    require(request.user, "evaluation.manage_panel", district, message=READS)
    assert district is not None
    people = User.objects.filter(memberships__role=Role.EXPERT, is_active=True).exclude(expert_entries__district=district).distinct().order_by("username")
    units = Unit.objects.filter(district=district, is_active=True).order_by("sort_order", "code")
    form = ExpertForm(request.POST or None, people=people, units=units)
    if request.method == "POST" and form.is_valid():
        made = submit(form, lambda: panel_services.add_expert(
            user=_me(request), district=district, person=form.cleaned_data["person"], name=form.cleaned_data["name"],
            affiliation=form.cleaned_data["affiliation"], field=form.cleaned_data["field"], unit=form.cleaned_data["unit"],
        ))
        if made is not None:
            messages.success(request, _("%(name)s joined the expert pool.") % {"name": made.name})
            return redirect("evaluation:panels")
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/expert_form.html", {"form": form, "district": district}, status=status)


def _panel_form_page(request: HttpRequest, form: PanelForm, panel: Panel | None, status: int) -> HttpResponse:
    return render(request, "evaluation/panel_form.html", {"form": form, "panel": panel}, status=status)


@require_http_methods(["GET", "POST"])
@office_member_required()
def panel_new(request: HttpRequest) -> HttpResponse:
    district = _own_district(request)
    require(request.user, "evaluation.manage_panel", district, message=READS)
    assert district is not None
    form = PanelForm(request.POST or None, rounds=panel_selectors.expert_rounds_without_panel(request.user),
                     experts=panel_selectors.pool(district.pk))
    if request.method == "POST" and form.is_valid():
        criteria, aliases = form.criteria()
        panel = submit(form, lambda: panel_services.form_panel(
            user=_me(request), round=form.cleaned_data["round"], name=form.cleaned_data["name"], criteria=criteria,
            members=list(form.cleaned_data["members"]), trim_min_experts=form.cleaned_data["trim_min_experts"],
        ), aliases=aliases)
        if panel is not None:
            messages.success(request, _("The panel was formed. Open scoring when its rubric and members are right."))
            return redirect("evaluation:panel", pk=panel.pk)
    return _panel_form_page(request, form, None, 400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def panel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    panel = panel_selectors.get_panel(request.user, pk)
    require(request.user, "evaluation.manage_panel", panel, message=READS)
    if panel.state != PanelState.FORMING:
        messages.info(request, _("The panel's rubric, members and rule are frozen once scoring opens."))
        return redirect("evaluation:panel", pk=panel.pk)
    initial = {"name": panel.name, "trim_min_experts": panel.trim_min_experts, "members": list(panel.members.all())}
    form = PanelForm(request.POST or None, initial=initial, experts=panel_selectors.pool(panel.district_id),
                     criteria=scores.criteria(panel))
    if request.method == "POST" and form.is_valid():
        criteria, aliases = form.criteria()
        done = submit(form, lambda: panel_services.change_panel(
            user=_me(request), panel=panel, name=form.cleaned_data["name"], criteria=criteria,
            members=list(form.cleaned_data["members"]), trim_min_experts=form.cleaned_data["trim_min_experts"],
        ), aliases=aliases)
        if done is not None:
            messages.success(request, _("The panel was changed."))
            return redirect("evaluation:panel", pk=panel.pk)
    return _panel_form_page(request, form, panel, 400 if request.method == "POST" else 200)


def _furthest(report: scores.PanelReport) -> dict[str, object] | None:
    far = report.agreement.furthest
    if far is None:
        return None
    return {"expert": report.experts.get(int(str(far.rater))), "mean_absolute": far.mean_absolute,
            "mean_signed": far.mean_signed, "units": far.units}


def _result_rows(report: scores.PanelReport, experts: list[Expert]) -> list[dict[str, object]]:
    """Each project: its cells per expert (total and whether dropped, or excluded / pending) and
    its line-by-line table (an expert a row, a criterion a column)."""
    rows = []
    for project in report.projects:
        totals = {t.expert_id: t for t in project.totals}
        excluded = dict(project.excluded)
        cells = []
        for e in experts:
            t = totals.get(e.pk)
            cells.append({"total": t.total if t else None, "dropped": t.dropped if t else "",
                          "excluded": excluded.get(e.pk), "pending": e.pk in project.pending})
        lines = [
            {"expert": report.experts[t.expert_id], "marks": [report.lines.get((project.reform_id, t.expert_id), {}).get(c.pk) for c in report.criteria],
             "total": t.total, "dropped": t.dropped}
            for t in project.totals
        ]
        rows.append({"project": project, "cells": cells, "lines": lines})
    return rows


@require_http_methods(["GET"])
@office_member_required()
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while scoring (pending sheets, agreement, the furthest rater); results after close."""
    panel = panel_selectors.get_panel(request.user, pk)
    require(request.user, "evaluation.view_panel", panel, message=READS)
    closed = panel.state == PanelState.CLOSED
    report = scores.panel_report(panel, with_lines=closed)
    experts = list(report.experts.values())
    context = {
        "panel": panel, "report": report, "closed": closed, "experts": experts,
        "member_rows": [(e, report.progress.by_expert.get(e.pk, {})) for e in experts],
        "furthest": _furthest(report),
        "result_rows": _result_rows(report, experts) if closed else [],
        "may_manage": request.user.has_perm("evaluation.manage_panel", panel),
        "pending": list(panel_selectors.pending_sheets(panel)),
        "submitted": list(panel_selectors.submitted_sheets(panel)) if panel.state == PanelState.SCORING else [],
        "excluded": list(panel_selectors.excluded_sheets(panel)),
        "reopenings": list(panel_selectors.reopenings(panel)),
        "rubric_total": panel_services.rubric_total(report.criteria),
    }
    return render(request, "evaluation/panel_detail.html", context)


def _state_change(request: HttpRequest, pk: int, change: Callable[..., Panel], done: str) -> HttpResponse:
    panel = panel_selectors.get_panel(request.user, pk)
    try:
        change(user=_me(request), panel=panel)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("evaluation:panel", pk=pk)


@require_POST
@office_member_required()
def panel_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, panel_services.open_scoring, _("Scoring is open: each expert now has their sheets."))


@require_POST
@office_member_required()
def panel_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, panel_services.close_panel, _("The panel is closed: its results are final."))


@require_http_methods(["GET", "POST"])
@office_member_required()
def sheet_reopen(request: HttpRequest, panel: int, pk: int) -> HttpResponse:
    found = panel_selectors.get_panel(request.user, panel)
    sheet = panel_selectors.get_sheet(request.user, found, pk)
    require(request.user, "evaluation.reopen_sheet", sheet, message=_("Only the reform office of the district reopens a sheet."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: sheet_services.reopen_sheet(user=_me(request), sheet=sheet, reason=form.cleaned_data["reason"]),
                      aliases={"status": "reason"})
        if done is not None:
            messages.success(request, _("The sheet is open again for %(name)s.") % {"name": sheet.expert.name})
            return redirect("evaluation:panel", pk=found.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/sheet_reopen.html", {"panel": found, "sheet": sheet, "form": form}, status=status)


def _report(request: HttpRequest, pk: int) -> scores.PanelReport:
    panel = panel_selectors.get_panel(request.user, pk)
    require(request.user, "evaluation.view_panel", panel, message=READS)
    if panel.state != PanelState.CLOSED:
        raise PermissionDenied(_("The report is made once the panel closes."))
    return scores.panel_report(panel)


@require_http_methods(["GET"])
@office_member_required()
def report_docx(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    return response(PanelWordReport(_report(request, pk)))


@require_http_methods(["GET"])
@office_member_required()
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    return response(PanelWorkbook(_report(request, pk)))
