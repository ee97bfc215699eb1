"""The office's and the units' case-study pages: the list with states, one case (its sections,
outcomes, evidence, materials, adoptions and the steps the person may take), its form, and a new
case of a reform.

A case the person may not read answers 404; a form the person may not use 403; bad input goes back
on the form with status 400 and nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reformledger.core.forms import add_service_errors, submit
from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required
from reformledger.reforms.models import Reform

from ..forms.actions import MaterialForm
from ..forms.cases import CaseStudyForm, NewCaseForm, OutcomeFormSet, outcome_rows
from ..models import CaseStudy, CaseStudyState
from ..selectors import cases as selectors
from ..services import cases as services

PAGE_SIZE = 50


@require_http_methods(["GET"])
@office_member_required()
def case_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_case_studies(request.user)
    state = request.GET.get("state", "")
    if state in CaseStudyState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "state": state, "states": CaseStudyState.choices,
        "may_draft": selectors.may_draft_any(request.user),
    }
    return render(request, "casestudies/office_list.html", context)


def _steps(user, case: CaseStudy) -> dict[str, bool]:
    manages = user.has_perm("casestudies.manage_case_study", case)
    return {
        "may_edit": user.has_perm("casestudies.change_case_study", case),
        "may_submit": user.has_perm("casestudies.submit_case_study", case),
        "may_return": manages and case.state == CaseStudyState.SUBMITTED,
        "may_publish": manages and case.state != CaseStudyState.PUBLISHED,
        "may_unpublish": manages and case.state == CaseStudyState.PUBLISHED,
        "may_adopt": manages and case.state == CaseStudyState.PUBLISHED,
    }


@require_http_methods(["GET"])
@office_member_required()
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    steps = _steps(request.user, case)
    context: dict[str, Any] = {"case": case, "reform": case.reform, **selectors.case_rows(case), **steps}
    if steps["may_edit"]:
        context["material_form"] = MaterialForm()
    return render(request, "casestudies/office_case.html", context)


def _initial(case: CaseStudy) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(case, name) for name in services.TEXT_FIELDS}
    initial["evidence_reports"] = list(case.evidence_reports.values_list("pk", flat=True))
    initial["evidence_attachments"] = list(case.evidence_attachments.values_list("pk", flat=True))
    return initial


def _put_errors(form: CaseStudyForm, outcomes: Any, exc: ValidationError) -> None:
    """The service's errors: ``outcomes.2.after`` on that row's field, the rest on the form."""
    rest: dict[str, list[str]] = {}
    kept = [f for f in outcomes.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    for name, errors in exc.message_dict.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "outcomes" and parts[1].isdigit() and int(parts[1]) < len(kept):
            for message in errors:
                kept[int(parts[1])].add_error(parts[2] if parts[2] in kept[int(parts[1])].fields else None, message)
            continue
        rest.setdefault(name if name in form.fields else "__all__", []).extend(errors)
    if rest:
        add_service_errors(form, ValidationError(rest))


@require_http_methods(["GET", "POST"])
@office_member_required()
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_case_study(request.user, pk)
    require(request.user, "casestudies.change_case_study", case, message=services.CHANGES)
    data = request.POST if request.method == "POST" else None
    form = CaseStudyForm(
        data, reports=selectors.citable_reports(case.reform_id), attachments=selectors.citable_attachments(case.reform_id),
        initial=_initial(case),
    )
    rows = [
        {"indicator": o.indicator, "before": o.before, "after": o.after, "unit": o.unit, "source": o.source}
        for o in case.outcome_rows.all()
    ]
    outcomes = OutcomeFormSet(data, prefix="outcomes", initial=rows or None)
    if data is not None and form.is_valid() and outcomes.is_valid():
        values = dict(form.cleaned_data)
        reports, attachments = values.pop("evidence_reports"), values.pop("evidence_attachments")
        try:
            services.update_case_study(
                user=request.user, case=case, changes=values, outcomes=outcome_rows(outcomes),
                evidence_reports=reports, evidence_attachments=attachments,
            )
        except ValidationError as exc:
            _put_errors(form, outcomes, exc)
        else:
            messages.success(request, _("The case study is saved."))
            if "more" in request.POST:
                return redirect("casestudies:office-edit", pk=case.pk)
            return redirect("casestudies:office-case", pk=case.pk)
    context = {"case": case, "reform": case.reform, "form": form, "outcomes": outcomes}
    return render(request, "casestudies/office_form.html", context, status=400 if data is not None else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def case_new(request: HttpRequest) -> HttpResponse:
    """Start a case study: of the reform named in ``?reform=`` (from the reform's page), or chosen."""
    if not selectors.may_draft_any(request.user):
        raise PermissionDenied(services.DRAFTS)
    named = request.GET.get("reform", "")
    initial: dict[str, Any] = {}
    if named.isdigit():
        reform = get_object_or_404(Reform, pk=int(named))
        if not request.user.has_perm("reforms.view_reform", reform):
            raise Http404
        existing = selectors.case_study_of_reform(reform.pk)
        if existing is not None and request.user.has_perm("casestudies.view_case_study", existing):
            return redirect("casestudies:office-case", pk=existing.pk)
        initial = {"reform": reform.pk, "title": reform.title}
    form = NewCaseForm(request.POST or None, reforms=selectors.writable_reforms(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        made = submit(form, lambda: services.draft_case_study(user=request.user, **form.cleaned_data))
        if made is not None:
            messages.success(request, _("The case study is started: write its sections."))
            return redirect("casestudies:office-edit", pk=made.pk)
    return render(request, "casestudies/office_new.html", {"form": form}, status=400 if request.method == "POST" else 200)
