"""The applicant's pages (my cases, choosing a reform, the application form) and a case's page,
with the opinion form for its reviewers and withdrawing for its applicant.

A case the person may not see answers 404; a form the person may not use 403; bad input goes back
on the form with status 400 and nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.forms import add_service_errors
from reformledger.core.permissions import require
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform
from reformledger.reforms.rules import co_unit_ids

from ..forms.cases import ApplyForm, OpinionForm, WithdrawForm, assessment_years
from ..models import CaseState, ItemKind
from ..selectors import cases as selectors
from ..selectors.checklists import checklist
from ..selectors.precedents import precedents, probe_for
from ..services import cases as services
from ..services import opinions
from ..services.checklists import ensure_checklist
from .common import file_download, render_page, require_carrier

PAGE_SIZE = 50


@require_GET
@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    require_carrier(request)
    page = Paginator(selectors.my_cases(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "tolerance/my_cases.html", {"page": page})


@require_GET
@login_required
def choose_reform(request: HttpRequest) -> HttpResponse:
    """The reforms the person may apply on, with how each fell short."""
    require_carrier(request)
    return render_page(request, "tolerance/choose.html", {"reforms": selectors.reforms_to_apply_on(request.user)})


def _units(user, reform: Reform) -> list[tuple[int, str]]:
    running = {reform.lead_unit_id, *co_unit_ids(reform)}
    mine = actor_for(user).unit_ids & running
    return [(u.pk, u.name) for u in Unit.objects.filter(pk__in=mine).order_by("sort_order", "code")]


@require_http_methods(["GET", "POST"])
@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """The application form on one reform: what happened, the checklist, evidence, the year."""
    reform = Reform.objects.select_related("district", "lead_unit").filter(pk=pk).first()
    if reform is None or actor_for(request.user).outside_districts(reform.district_id):
        raise Http404
    require(request.user, "tolerance.apply", reform, message=services.NOT_RESPONSIBLE)
    if not checklist(district_id=reform.district_id).exists():
        ensure_checklist(district=reform.district)
    items = list(checklist(district_id=reform.district_id))
    form = ApplyForm(
        request.POST or None, request.FILES or None, items=items, years=assessment_years(reform.year),
        units=_units(request.user, reform),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            unit_id = form.cleaned_data.get("unit")
            try:
                case = services.apply_for_exemption(
                    user=request.user, reform=reform, what_happened=form.cleaned_data["what_happened"],
                    year=form.cleaned_data["year"], answers=form.answers(), evidence=form.cleaned_data["evidence"],
                    unit=Unit.objects.filter(pk=unit_id).first() if unit_id else None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc, aliases=form.aliases)
            else:
                messages.success(request, _("Your application was filed. The reform office and a discipline reviewer will decide it."))
                return redirect("tolerance:case", case.pk)
        status = 400
    context = {"reform": reform, "form": form, "shortfall": selectors.shortfall_of(reform)}
    return render_page(request, "tolerance/apply.html", context, status=status)


def _opinion_form(request: HttpRequest, case, data=None) -> OpinionForm | None:
    if case.state != CaseState.SUBMITTED:
        return None
    sides = [s for s in opinions.sides_for(request.user, case) if s not in {r.kind for r in case.reviews.all()}]
    if not sides:
        return None
    negative = [(a.code, a.text) for a in case.answers.all() if a.kind == ItemKind.NEGATIVE]
    return OpinionForm(data, negative=negative, sides=sides)


def _case_page(request: HttpRequest, case, *, opinion_form=None, withdraw_form=None, status: int = 200) -> HttpResponse:
    reviewer = request.user.has_perm("tolerance.review") and case.applicant_id != request.user.pk
    similar = []
    if reviewer and case.state == CaseState.SUBMITTED:
        similar = precedents(request.user, probe_for(case), page_size=5)[1]
    answers = list(case.answers.all())
    negative = {a.code: a.text for a in answers if a.kind == ItemKind.NEGATIVE}
    context = {
        "case": case,
        "conditions": [a for a in answers if a.kind == ItemKind.CONDITION],
        "negative": [a for a in answers if a.kind == ItemKind.NEGATIVE],
        "reviews": [(r, [negative.get(code, code) for code in r.negative_hits]) for r in case.reviews.all()],
        "opinion_form": opinion_form or _opinion_form(request, case),
        "withdraw_form": withdraw_form or (
            WithdrawForm() if case.state == CaseState.SUBMITTED and request.user.has_perm("tolerance.withdraw", case) else None
        ),
        "similar": similar,
        "reviewer": reviewer,
    }
    return render_page(request, "tolerance/case.html", context, status=status)


@require_GET
@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, selectors.get_case(request.user, pk))


@require_POST
@login_required
def give_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    if not opinions.sides_for(request.user, case):
        raise PermissionDenied(_("Only the reform office and the discipline reviewers of the case's district give opinions, never on their own case."))
    form = _opinion_form(request, case, request.POST)
    if form is None:
        # Decided meanwhile, or this person's side has spoken: the service says so on the form.
        form = OpinionForm(request.POST, negative=[], sides=[])
    if form.is_valid():
        try:
            opinions.give_opinion(
                user=request.user, case=case, outcome=form.cleaned_data["outcome"], waiver=form.cleaned_data.get("waiver"),
                reasons=form.cleaned_data["reasons"], negative_hits=form.cleaned_data.get("negative_hits", []),
                side=form.cleaned_data.get("side") or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your opinion was recorded."))
            return redirect("tolerance:case", pk)
    return _case_page(request, selectors.get_case(request.user, pk), opinion_form=form, status=400)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case(request.user, pk)
    require(request.user, "tolerance.withdraw", case, message=_("Only the applicant withdraws a case."))
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_case(user=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case was withdrawn."))
            return redirect("tolerance:case", pk)
    return _case_page(request, selectors.get_case(request.user, pk), withdraw_form=form, status=400)


@require_GET
@login_required
def evidence(request: HttpRequest, pk: int, file_id: int):
    return file_download(selectors.get_evidence(request.user, pk, file_id))
