"""Commendation pages (ADR 0046): the year's commendations and candidates of a district, awarding
(prefilled from a candidate), revoking with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Membership, Unit, User
from reformledger.reforms.models import Reform

from ..forms.commendations import AwardForm, RevokeForm
from ..selectors import commendations as selectors
from ..services import commendations as services
from .common import chosen_district, chosen_year


@require_http_methods(["GET"])
@office_member_required()
def commendation_list(request: HttpRequest) -> HttpResponse:
    district, districts = chosen_district(request)
    year = chosen_year(request, district)
    context = {
        "district": district, "districts": districts, "year": year,
        "commendations": list(selectors.commendations_of(request.user, year=year).filter(district=district)) if district else [],
        "candidates": selectors.candidates(district, year) if district else {},
        "may_award": district is not None and request.user.has_perm("assessment.manage_commendations", district),
    }
    return render(request, "assessment/commendations/list.html", context)


def _award_form(district: Unit, data=None, initial=None) -> AwardForm:
    units = Unit.objects.filter(district=district, is_active=True).exclude(pk=district.pk).order_by("sort_order", "code")
    reforms = Reform.objects.filter(district=district).order_by("-year", "code")
    people = User.objects.filter(
        pk__in=Membership.objects.filter(unit__district=district).values("user_id"), is_active=True
    ).order_by("full_name", "username")
    return AwardForm(data, units=units, reforms=reforms, people=people, initial=initial)


@require_http_methods(["GET", "POST"])
@office_member_required()
def commendation_new(request: HttpRequest) -> HttpResponse:
    district, _districts = chosen_district(request, writing=True)
    if district is None:
        raise PermissionDenied(services.AWARDS)
    require(request.user, "assessment.manage_commendations", district, message=services.AWARDS)
    initial = {
        "year": chosen_year(request, district), "awarded_on": timezone.localdate(),
        **{name: request.GET[name] for name in ("unit", "reform", "kind", "title") if request.GET.get(name)},
    }
    form = _award_form(district, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = submit(form, lambda: services.award_commendation(user=request.user, district=district, **data))
        if made is not None:
            messages.success(request, _("The commendation is awarded."))
            return redirect(f"{reverse('assessment:commendations')}?year={made.year}&district={district.pk}")
    return render(request, "assessment/commendations/award.html", {"form": form, "district": district},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def commendation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = selectors.get_commendation(request.user, pk)
    require(request.user, "assessment.manage_commendations", commendation, message=services.AWARDS)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit(form, lambda: services.revoke_commendation(user=request.user, commendation=commendation, **form.cleaned_data),
                      aliases={"state": "__all__"})
        if done is not None:
            messages.success(request, _("The commendation is revoked; it stays on record."))
            return redirect(f"{reverse('assessment:commendations')}?year={commendation.year}&district={commendation.district_id}")
    return render(request, "assessment/commendations/revoke.html", {"form": form, "commendation": commendation},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET"])
@office_member_required()
def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One commendation (awarded or revoked), with its people; what a commendation line item links to."""
    commendation = selectors.get_commendation(request.user, pk)
    context = {
        "commendation": commendation, "people": list(commendation.people.order_by("full_name", "username")),
        "may_award": request.user.has_perm("assessment.manage_commendations", commendation),
    }
    return render(request, "assessment/commendations/detail.html", context)
