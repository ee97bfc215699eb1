"""The office's scheme pages: the list (new scheme, YAML import), the editor (settings, rules table,
adopt, revise, export, dry run, compute), a rule's form and its deletion. Writes go through the
engine's services (``services.schemes``, ``services.computation``); their errors come back on the
form's fields (a rule's ``params.points`` on its params), nothing written."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reformledger.core.permissions import require
from reformledger.org.decorators import office_member_required

from ..forms.schemes import ImportForm, NewSchemeForm, RuleForm, SchemeForm
from ..models import AssessmentPurpose, Rule, RuleKind, Scheme
from ..selectors.scope import check_district
from ..services import computation, schemes
from ..variables import VARIABLES
from .common import attempt, chosen_district, flash

PAGE_SIZE = 50
#: An example of each kind's params, shown beside the rule's form.
KIND_EXAMPLES = (
    (RuleKind.BASE, '{"points": 100}'),
    (RuleKind.REFORM_OUTCOME, '{"tiers": {"key": {"completed_on_time": 5, "completed_late": 2}}, "co_unit_weight": 0.5}'),
    (RuleKind.LATENESS, '{"per": "task_month", "points": -0.5}'),
    (RuleKind.NO_REFORM, '{"points": -5}'),
    (RuleKind.ADOPTION, '{"levels": {"city": 1, "province": 2, "nation": 3}}'),
    (RuleKind.PUBLIC_RATING, '{"bands": [{"from": 4.5, "to": 5.01, "points": 2}]}'),
    (RuleKind.COMMENDATION, '{"kinds": {"best_key": 3, "best_micro": 2}}'),
    (RuleKind.RANK_LADDER, '{"variable": "reforms_led", "ladder": [5, 4, 3], "otherwise": 0}'),
    (RuleKind.PER_INSTANCE, '{"variable": "late_reports", "points": -1}'),
    (RuleKind.INTERPOLATED, '{"variable": "mean_rating", "baseline": 3, "challenge": 4.5, "points": 5}'),
)


def office_scheme(request: HttpRequest, pk: int) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("district", "adopted_by"), pk=pk)
    check_district(request.user, scheme.district_id)
    return scheme


@require_http_methods(["GET", "POST"])
@office_member_required()
def scheme_list(request: HttpRequest) -> HttpResponse:
    """The district's schemes, newest year first; a new scheme's form and the YAML import."""
    district, districts = chosen_district(request)
    may_manage = district is not None and request.user.has_perm("assessment.manage_scheme", district)
    form = NewSchemeForm(request.POST if "create" in request.POST else None,
                         initial={"noise_margin": 1, "appeal_days": 10, "unit_kinds": ["department", "sub_district"]})
    upload = ImportForm(request.POST if "import" in request.POST else None, request.FILES or None)
    if request.method == "POST":
        require(request.user, "assessment.manage_scheme", district)
        if district is None:
            raise Http404
        made = None
        if "create" in request.POST and form.is_valid():
            made = attempt(form, lambda: schemes.create_scheme(user=request.user, district=district, **form.cleaned_data))
        elif "import" in request.POST and upload.is_valid():
            made = attempt(upload, lambda: schemes.import_scheme_yaml(user=request.user, district=district, text=upload.cleaned_data["file"]))
        if made is not None:
            messages.success(request, _("Scheme “%(title)s” (revision %(n)d) is saved as a draft.") % {"title": made.title, "n": made.revision})
            return redirect("assessment:scheme", pk=made.pk)
    page = Paginator(Scheme.objects.filter(district=district).select_related("adopted_by"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"district": district, "districts": districts, "page": page, "form": form, "upload": upload, "may_manage": may_manage}
    return render(request, "assessment/office/schemes.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: the scheme's settings (a draft's form), its rules, and what may be done next."""
    scheme = office_scheme(request, pk)
    fields = ("title", "unit_kinds", "noise_margin", "appeal_days", "floor", "cap")
    form = SchemeForm(request.POST or None, initial={name: getattr(scheme, name) for name in fields})
    if request.method == "POST":
        require(request.user, "assessment.manage_scheme", scheme)
        if form.is_valid() and attempt(form, lambda: schemes.update_scheme(user=request.user, scheme=scheme, **form.cleaned_data)):
            messages.success(request, _("The scheme is saved."))
            return redirect("assessment:scheme", pk=scheme.pk)
    context = {
        "scheme": scheme, "form": form, "rules": list(scheme.rules.order_by("position", "pk")),
        "may_manage": request.user.has_perm("assessment.manage_scheme", scheme),
        "versions": list(scheme.assessments.order_by("purpose", "-version")[:20]),
    }
    return render(request, "assessment/office/scheme.html", context, status=400 if request.method == "POST" else 200)


def _rule_page(request: HttpRequest, scheme: Scheme, rule: Rule | None) -> HttpResponse:
    require(request.user, "assessment.manage_scheme", scheme)
    initial = {}
    if rule is not None:
        initial = {name: getattr(rule, name) for name in ("clause", "title", "kind", "params", "expression", "unit_kinds",
                                                          "department", "floor", "cap", "position")}
    form = RuleForm(request.POST or None, initial=initial or {"kind": "base", "params": {"points": 100}})
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, lambda: schemes.save_rule(user=request.user, scheme=scheme, rule=rule, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("Rule %(clause)s is saved.") % {"clause": saved.clause})
            return redirect("assessment:scheme", pk=scheme.pk)
    context = {
        "scheme": scheme, "rule": rule, "form": form, "variables": sorted((k, v[1]) for k, v in VARIABLES.items()),
        "examples": [(RuleKind(kind).label, example) for kind, example in KIND_EXAMPLES],
    }
    return render(request, "assessment/office/rule.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@office_member_required()
def rule_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_page(request, office_scheme(request, pk), None)


def _rule_of(request: HttpRequest, pk: int, rule_pk: int) -> tuple[Scheme, Rule]:
    scheme = office_scheme(request, pk)
    rule = Rule.objects.filter(scheme=scheme, pk=rule_pk).first()
    if rule is None:
        raise Http404
    return scheme, rule


@require_http_methods(["GET", "POST"])
@office_member_required()
def rule_edit(request: HttpRequest, pk: int, rule: int) -> HttpResponse:
    scheme, found = _rule_of(request, pk, rule)
    return _rule_page(request, scheme, found)


@require_POST
@office_member_required()
def rule_delete(request: HttpRequest, pk: int, rule: int) -> HttpResponse:
    scheme, found = _rule_of(request, pk, rule)
    flash(request, lambda: schemes.delete_rule(user=request.user, rule=found), _("Rule %(clause)s is deleted.") % {"clause": found.clause})
    return redirect("assessment:scheme", pk=scheme.pk)


@require_POST
@office_member_required()
def scheme_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = office_scheme(request, pk)
    flash(request, lambda: schemes.adopt_scheme(user=request.user, scheme=scheme), _("The scheme is adopted: official results may be computed."))
    return redirect("assessment:scheme", pk=scheme.pk)


@require_POST
@office_member_required()
def scheme_revise(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = office_scheme(request, pk)
    made = flash(request, lambda: schemes.revise_scheme(user=request.user, scheme=scheme), _("A new draft revision is made."))
    return redirect("assessment:scheme", pk=made.pk if made is not None else scheme.pk)


@require_http_methods(["GET"])
@office_member_required()
def scheme_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = office_scheme(request, pk)
    require(request.user, "assessment.view_scheme", scheme)
    response = HttpResponse(schemes.export_scheme_yaml(scheme=scheme), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scheme-{scheme.year}-r{scheme.revision}.yaml"'
    return response


@require_POST
@office_member_required()
def scheme_compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute (official, or a dry run on last year's data): < 1 s for a district, so the POST
    computes and the next page shows the new draft version (or the error naming clause and unit)."""
    scheme = office_scheme(request, pk)
    purpose = AssessmentPurpose.DRY_RUN if request.POST.get("purpose") == AssessmentPurpose.DRY_RUN else AssessmentPurpose.OFFICIAL
    reason = (request.POST.get("reason") or "").strip()[:500]
    done = _("The dry run on %(year)d's data is computed.") if purpose == AssessmentPurpose.DRY_RUN else _("Version computed for %(year)d.")
    year = scheme.year - 1 if purpose == AssessmentPurpose.DRY_RUN else scheme.year
    made = flash(request, lambda: computation.compute(user=request.user, scheme=scheme, purpose=purpose, reason=reason), done % {"year": year})
    if made is None:
        return redirect("assessment:scheme", pk=scheme.pk)
    return redirect("assessment:version", pk=made.pk)

