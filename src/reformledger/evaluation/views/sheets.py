"""An expert's pages: my panels, a panel's own sheets (and, once it closes, its results), the
scoring sheet with the rubric (save a draft; errors per field), and submitting it after a
confirmation. An expert sees only their own sheets: anyone else's answers 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.models import User

from ..forms.panels import SheetForm
from ..models import Panel, Sheet, SheetStatus
from ..selectors import panels as panel_selectors
from ..selectors import scores
from ..services import sheets as sheet_services


def _me(request: HttpRequest) -> User:
    """The signed-in person (every page here requires signing in)."""
    return cast(User, request.user)

EXPERTS_ONLY = gettext_lazy("These pages are for experts.")


def _member_panel(request: HttpRequest, pk: int) -> Panel:
    panel = panel_selectors.get_panel(request.user, pk)
    if panel_selectors.member_of(request.user, panel) is None:
        raise Http404
    return panel


def _own_sheet(request: HttpRequest, panel: Panel, pk: int) -> Sheet:
    sheet = panel_selectors.get_sheet(request.user, panel, pk)
    if sheet.expert.person_id != request.user.pk:
        raise Http404
    return sheet


@require_http_methods(["GET"])
@login_required
def my_panels(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.view_my_panels", message=EXPERTS_ONLY)
    return render(request, "evaluation/my_panels.html", {"panels": list(panel_selectors.expert_panels(request.user)[:100])})


@require_http_methods(["GET"])
@login_required
def my_panel(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _member_panel(request, pk)
    sheets = list(panel_selectors.my_sheets(request.user, panel))
    context: dict[str, object] = {"panel": panel, "sheets": sheets, "criteria": scores.criteria(panel)}
    if scores.results_visible(request.user, panel):
        report = scores.panel_report(panel, with_lines=False)
        context["report"] = report
        context["me"] = panel_selectors.member_of(request.user, panel)
    return render(request, "evaluation/my_panel.html", context)


def _marks(sheet: Sheet) -> dict[int, Decimal]:
    return {m.criterion_id: m.points for m in sheet.marks.all()}


@require_http_methods(["GET", "POST"])
@login_required
def sheet_score(request: HttpRequest, panel: int, pk: int) -> HttpResponse:
    found = _member_panel(request, panel)
    sheet = _own_sheet(request, found, pk)
    criteria = scores.criteria(found)
    form = SheetForm(request.POST or None, criteria=criteria, sheet=sheet, marks=_marks(sheet))
    writable = sheet.status == SheetStatus.PENDING and found.state == "scoring"
    if request.method == "POST" and form.is_valid():
        saved = submit(form, lambda: sheet_services.save_marks(
            user=_me(request), sheet=sheet, marks=form.marks(), comment=form.cleaned_data["comment"],
        ), aliases={**form.aliases(), "status": "comment"})
        if saved is not None:
            if request.POST.get("then") == "submit":
                return redirect("evaluation:sheet-submit", panel=found.pk, pk=sheet.pk)
            messages.success(request, _("Your marks were saved as a draft."))
            return redirect("evaluation:sheet", panel=found.pk, pk=sheet.pk)
    context = {"panel": found, "sheet": sheet, "form": form, "writable": writable, "criteria": criteria}
    return render(request, "evaluation/sheet.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@login_required
def sheet_submit(request: HttpRequest, panel: int, pk: int) -> HttpResponse:
    """The confirmation: the marks and the weighted total; submitting cannot be undone by the expert."""
    found = _member_panel(request, panel)
    sheet = _own_sheet(request, found, pk)
    criteria = scores.criteria(found)
    marks = _marks(sheet)
    if request.method == "POST":
        try:
            sheet_services.submit_sheet(user=_me(request), sheet=sheet)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("evaluation:sheet", panel=found.pk, pk=sheet.pk)
        messages.success(request, _("Your sheet for %(code)s was submitted.") % {"code": sheet.reform.code})
        return redirect("evaluation:my-panel", pk=found.pk)
    lines = [(c, marks.get(c.pk), (marks[c.pk] * c.weight) if c.pk in marks else None) for c in criteria]
    complete = all(c.pk in marks for c in criteria)
    total = sum((line[2] for line in lines if line[2] is not None), Decimal(0))
    context = {"panel": found, "sheet": sheet, "lines": lines, "complete": complete, "total": total,
               "writable": sheet.status == SheetStatus.PENDING and found.state == "scoring"}
    return render(request, "evaluation/sheet_submit.html", context)
