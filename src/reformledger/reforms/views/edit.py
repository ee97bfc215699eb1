"""The reform form: create a reform, edit one. The fields offered are the ones the services let
this person set; saving goes through the services, whose errors come back onto the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.selectors import actor_for

from .. import services
from ..forms import UNIT_CREATE_EXTRA, ReformForm
from ..models import Reform, Tier
from ..selectors import (
    CHANGE_REFUSED,
    district_of_unit,
    districts_of,
    get_reform,
    reform_by_id,
    reform_units,
    suggest_code,
)

#: Fields that take the form's full width.
WIDE_FIELDS = ("title", "goals", "measures", "deliverables", "public_summary", "co_units")


def _form_for(request: HttpRequest, reform: Reform | None, data=None) -> ReformForm:
    actor = actor_for(request.user)
    district_ids = districts_of(actor)
    units = reform_units(district_ids)
    if actor.is_office:
        editable = services.OFFICE_EDITABLE
        lead_units = units
    elif reform is None:
        editable = services.UNIT_EDITABLE | UNIT_CREATE_EXTRA
        lead_units = units.filter(pk__in=actor.unit_ids)
    else:
        editable = services.UNIT_EDITABLE
        lead_units = None
    if reform is None and not actor.is_office:
        # Units propose key and micro reforms; upper-level tasks come down from above, via the office.
        editable = editable - {"source_level"}
    form = ReformForm(
        data, editable=frozenset(editable), instance=reform, units=units, lead_units=lead_units,
        may_move_dates=actor.is_office,
    )
    if reform is None and not actor.is_office:
        cast(forms.ChoiceField, form.fields["tier"]).choices = [(value, label) for value, label in Tier.choices if value != Tier.UPPER]
    if reform is None and data is None:
        _suggest_new_reform(form, lead_units)
    return form


def _suggest_new_reform(form: ReformForm, lead_units) -> None:
    """Start a new reform as most are: a micro-reform of this year, led by the person's own unit
    when there is only one, with the next free code of the district."""
    year = timezone.localdate().year
    form.initial.update({"year": year, "tier": Tier.MICRO})
    only_unit = list(lead_units[:2]) if lead_units is not None else []
    if len(only_unit) == 1:
        unit = only_unit[0]
        form.initial["lead_unit"] = unit.pk
        district = district_of_unit(unit)
        form.initial["code"] = suggest_code(district_code=district.code, year=year, tier=Tier.MICRO)


def _render_form(request: HttpRequest, form: ReformForm, reform: Reform | None) -> HttpResponse:
    """The form page; 400 when it comes back with errors (nothing was saved)."""
    context = {"form": form, "reform": reform, "wide_fields": WIDE_FIELDS}
    return render(request, "reforms/form.html", context, status=400 if form.errors else 200)


def _save(form: ReformForm, write: Callable[[services.ReformFields], Reform]) -> Reform | None:
    """Save a valid form through a service; on the service's ValidationError, put its messages on
    the form's fields and return None (nothing was written)."""
    try:
        return write(form.service_data())
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None


@require_http_methods(["GET", "POST"])
@office_member_required()
def create(request: HttpRequest) -> HttpResponse:
    # The form itself is shown only to those who may create reforms (the service checks again).
    require(request.user, "reforms.add_reform", message=_("You may not create reforms."))
    form = _form_for(request, None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda data: services.create_reform(user=request.user, data=data))
        if saved is not None:
            messages.success(request, _("Reform %(code)s created.") % {"code": saved.code})
            return redirect("reforms:detail", pk=saved.pk)
    return _render_form(request, form, None)


@require_http_methods(["GET", "POST"])
@office_member_required()
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        # A post is refused (403) like any write the person may not make, before the form shows
        # anything of the reform back.
        reform = reform_by_id(request.user, pk, with_co_units=True)
        require(request.user, "reforms.change_reform", reform, message=CHANGE_REFUSED)
    else:
        reform = get_reform(request.user, pk, for_change=True)
    form = _form_for(request, reform, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, lambda data: services.update_reform(user=request.user, reform=reform, data=data, reason=form.dates_reason())
        )
        if saved is not None:
            messages.success(request, _("Reform %(code)s saved.") % {"code": saved.code})
            return redirect("reforms:detail", pk=saved.pk)
    return _render_form(request, form, reform)
