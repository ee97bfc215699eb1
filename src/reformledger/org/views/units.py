"""The office keeps its district's units: add, edit (with the robot address), move, deactivate.

404 for a unit of a district the reader does not see, 403 for one they see but do not keep.
Every write is a service of :mod:`reformledger.org.services.units` (checked, audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.forms import submit
from reformledger.core.registry import unit_panels

from ..forms import MoveUnitForm, NewUnitForm, UnitForm
from ..models import Unit, UnitKind
from ..selectors import units_in
from ..services import units as services
from .common import Viewer, attempt, viewer


def _keeper(request: HttpRequest) -> Viewer:
    reader = viewer(request)
    if not reader.is_keeper:
        raise PermissionDenied(_("Only the reform office keeps the units of its district."))
    return reader


def _unit(reader: Viewer, pk: int) -> Unit:
    unit = units_in(reader.sees).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    if unit.district_id not in reader.keeps:
        raise PermissionDenied(_("Only the reform office of this unit's district keeps it."))
    return unit


def _parents(reader: Viewer, unit: Unit | None = None) -> Any:
    qs = units_in(reader.keeps).filter(is_active=True)
    if unit is not None:
        qs = qs.filter(district_id=unit.district_id).exclude(pk=unit.pk)
    return qs


@require_http_methods(["GET", "POST"])
@login_required
def unit_new(request: HttpRequest) -> HttpResponse:
    reader = _keeper(request)
    form = NewUnitForm(request.POST or None, units=_parents(reader), initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = submit(form, lambda: services.create_unit(
            user=reader.user, parent=data["parent"], code=data["code"], name=data["name"], kind=data["kind"],
            sort_order=data["sort_order"] or 0, webhook_url=data["webhook_url"] or "",
        ))
        if unit is not None:
            messages.success(request, _("The unit %(name)s was added.") % {"name": unit.name})
            return redirect("org:unit", unit.pk)
    return render(request, "org/unit_new.html", {"form": form})


def _page(request: HttpRequest, reader: Viewer, unit: Unit, **forms: Any) -> HttpResponse:
    initial = {name: getattr(unit, name) for name in ("code", "name", "kind", "sort_order", "webhook_url")}
    context = {
        "unit": unit,
        "form": forms.get("form") or UnitForm(initial=initial, is_district=unit.kind == UnitKind.DISTRICT),
        "move_form": forms.get("move_form") or MoveUnitForm(units=_parents(reader, unit), initial={"parent": unit.parent_id}),
        "active_errors": forms.get("active_errors", []),
        "children": unit.children.order_by("sort_order", "code"),
        "panels": unit_panels(request, unit),
    }
    return render(request, "org/unit.html", context, status=400 if forms else 200)


@require_http_methods(["GET", "POST"])
@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reader = viewer(request)
    unit = _unit(reader, pk)
    if request.method == "GET":
        return _page(request, reader, unit)
    form = UnitForm(request.POST, is_district=unit.kind == UnitKind.DISTRICT)
    if form.is_valid():
        data = form.cleaned_data
        done = submit(form, lambda: services.update_unit(
            user=reader.user, unit=unit, code=data["code"], name=data["name"], kind=data["kind"],
            sort_order=data["sort_order"] or 0, webhook_url=data["webhook_url"] or "",
        ))
        if done is not None:
            messages.success(request, _("The unit was saved."))
            return redirect("org:unit", unit.pk)
    return _page(request, reader, unit, form=form)


@require_POST
@login_required
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    reader = viewer(request)
    unit = _unit(reader, pk)
    form = MoveUnitForm(request.POST, units=_parents(reader, unit))
    if form.is_valid():
        done = submit(form, lambda: services.move_unit(user=reader.user, unit=unit, parent=form.cleaned_data["parent"]))
        if done is not None:
            messages.success(request, _("The unit was moved."))
            return redirect("org:unit", unit.pk)
    return _page(request, reader, unit, move_form=form)


@require_POST
@login_required
def unit_active(request: HttpRequest, pk: int) -> HttpResponse:
    reader = viewer(request)
    unit = _unit(reader, pk)
    active = request.POST.get("active") == "1"
    _done, refused = attempt(lambda: services.set_unit_active(user=reader.user, unit=unit, active=active))
    if refused:
        return _page(request, reader, unit, active_errors=refused)
    messages.success(request, _("The unit was reactivated.") if active else _("The unit was deactivated."))
    return redirect("org:unit", unit.pk)
