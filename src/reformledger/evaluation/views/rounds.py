"""The office's rounds (评估轮次): the list, a new round and its edit (before it opens: the reforms
chosen from the district's with a search, since a year has hundreds), a round's page with its
ratings per reform, closing early and publishing the results.

Office pages: ``office_member_required``, then the office of the round's district (404 for another
district's round; the province office reads them all and changes none: the services answer 403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.forms import submit
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform

from ..forms.rounds import CloseForm, ReformFilterForm, RoundForm
from ..models import Round
from ..selectors import ratings as rating_selectors
from ..selectors import rounds as round_selectors
from ..services import rounds as round_services

CHOICES_SHOWN = 200
OFFICE = gettext_lazy("The rounds are the reform office's.")


def _office_gate(request: HttpRequest) -> None:
    if not request.user.has_perm("evaluation.view_round_office"):
        raise PermissionDenied(OFFICE)


#: The office's other pages of a round (other parts of the evaluation: results, anomalies, code
#: packs, paper slips), linked from the round's page when they are installed.
ROUND_LINKS = (
    ("round-results", gettext_lazy("Live results"), "bi-bar-chart"),
    ("round-anomalies", gettext_lazy("Anomalies"), "bi-exclamation-diamond"),
    ("code-packs", gettext_lazy("Rating code packs"), "bi-qr-code"),
    ("slips", gettext_lazy("Paper slips"), "bi-file-earmark-spreadsheet"),
)


def round_links(round_: Round) -> list[tuple[str, str, str]]:
    """``(label, url, icon)`` of each of :data:`ROUND_LINKS` whose page exists."""
    out = []
    for name, label, icon in ROUND_LINKS:
        try:
            out.append((str(label), reverse(f"evaluation:{name}", kwargs={"pk": round_.pk}), icon))
        except NoReverseMatch:
            continue
    return out


@require_GET
@office_member_required()
def round_list(request: HttpRequest) -> HttpResponse:
    _office_gate(request)
    rounds = list(round_selectors.office_rounds(request.user)[:200])
    may_open = bool(actor_for(request.user).district_ids) and actor_for(request.user).is_office
    return render(request, "evaluation/office_rounds.html", {"rounds": rounds, "may_open": may_open, "now": timezone.now()})


def _district(request: HttpRequest) -> Unit:
    districts = sorted(actor_for(request.user).district_ids)
    return Unit.objects.filter(pk__in=districts[:1]).first() or Unit()


def _choices(form: RoundForm, filters: ReformFilterForm, district_id: int | None, kind: str, chosen: list[int]) -> list[Reform]:
    data = filters.cleaned_data if filters.is_valid() else {}
    found = list(round_selectors.reform_choices(
        district_id or 0, kind=kind, q=data.get("q") or "", year=data.get("f_year"), tier=data.get("f_tier") or "",
    )[:CHOICES_SHOWN])
    kept = [r for r in Reform.objects.filter(pk__in=chosen).only("id", "code", "title", "year", "tier") if r.pk not in {f.pk for f in found}]
    options = kept + found
    form.fields["reforms"].choices = [(r.pk, f"{r.code} {r.title}") for r in options]  # type: ignore[attr-defined]
    return options


def _render_form(request: HttpRequest, form: RoundForm, filters: ReformFilterForm, round_: Round | None, district: Unit, status: int = 200) -> HttpResponse:
    kind = (form.data.get("kind") if form.is_bound else None) or (round_.kind if round_ else "public")
    raw = request.POST.getlist("reforms") if form.is_bound else form.initial.get("reforms", [])
    chosen = [int(v) for v in raw if str(v).isdigit()]
    options = _choices(form, filters, district.pk, kind, chosen)
    context: dict[str, Any] = {"form": form, "filters": filters, "round": round_, "options": options, "chosen": set(chosen), "shown_max": CHOICES_SHOWN}
    return render(request, "evaluation/office_round_form.html", context, status=status)


def _save(request: HttpRequest, form: RoundForm, round_: Round | None, district: Unit) -> Round | None:
    data = form.cleaned_data
    reforms = list(Reform.objects.filter(pk__in=data["reforms"]))
    reforms.sort(key=lambda r: data["reforms"].index(r.pk))
    fields = {
        "title": data["title"], "description": data["description"], "opens_at": data["opens_at"], "closes_at": data["closes_at"],
        "dimensions": form.dimension_list(), "min_ratings": data["min_ratings"], "prior_weight": data["prior_weight"],
    }
    if round_ is None:
        return submit(form, lambda: round_services.open_round(user=request.user, district=district, kind=data["kind"], year=data["year"], reforms=reforms, **fields))
    return submit(form, lambda: round_services.edit_round(user=request.user, round=round_, changes=fields, reforms=reforms))


def _form_view(request: HttpRequest, round_: Round | None) -> HttpResponse:
    district = round_.district if round_ else _district(request)
    perm_obj = round_ or (district if district.pk else None)
    if not request.user.has_perm("evaluation.manage_round", perm_obj) or perm_obj is None:
        raise PermissionDenied(_("Only the reform office of the district runs its rounds."))
    initial: dict[str, Any] = {}
    if round_ is not None:
        initial = {name: getattr(round_, name) for name in ("kind", "year", "title", "description", "opens_at", "closes_at", "min_ratings", "prior_weight")}
        initial["opens_at"], initial["closes_at"] = timezone.localtime(round_.opens_at), timezone.localtime(round_.closes_at)
        initial["dimensions"] = "\n".join(f"{d['key']}: {d['label']}" for d in round_.dimensions)
        initial["reforms"] = list(round_.entries.order_by("position").values_list("reform_id", flat=True))
    else:
        initial = {"year": timezone.localdate().year}
    form = RoundForm(request.POST or None, initial=initial, editing=round_ is not None)
    filters = ReformFilterForm(request.POST or request.GET or None)
    if request.method != "POST" or request.POST.get("action") == "filter":
        return _render_form(request, form, filters, round_, district)
    _choices(form, filters, district.pk, request.POST.get("kind") or (round_.kind if round_ else "public"), [int(v) for v in request.POST.getlist("reforms") if v.isdigit()])
    if form.is_valid() and (saved := _save(request, form, round_, district)) is not None:
        messages.success(request, _("The round “%(title)s” is saved.") % {"title": saved.title})
        return redirect("evaluation:office-round", pk=saved.pk)
    return _render_form(request, form, filters, round_, district, status=400)


@require_http_methods(["GET", "POST"])
@office_member_required()
def round_new(request: HttpRequest) -> HttpResponse:
    return _form_view(request, None)


@require_http_methods(["GET", "POST"])
@office_member_required()
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_view(request, round_selectors.get_office_round(request.user, pk))


@require_GET
@office_member_required()
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.get_office_round(request.user, pk)
    counts = rating_selectors.rating_counts(round_)
    entries = [(e, counts.get(e.reform_id, 0)) for e in round_selectors.round_entries(round_)]
    context = {
        "round": round_, "entries": entries, "total": sum(counts.values()), "pending": rating_selectors.pending_comment_count(round_),
        "may_manage": request.user.has_perm("evaluation.manage_round", round_), "now": timezone.now(),
        "close_form": CloseForm(), "links": round_links(round_),
    }
    return render(request, "evaluation/office_round.html", context)


@require_POST
@office_member_required()
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.get_office_round(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        done = submit(form, lambda: round_services.close_round(user=request.user, round=round_, reason=form.cleaned_data["reason"]))
        if done is not None:
            messages.success(request, _("The round is closed."))
            return redirect("evaluation:office-round", pk=round_.pk)
    elif not request.user.has_perm("evaluation.manage_round", round_):
        raise PermissionDenied(_("Only the reform office of the district runs its rounds."))
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("evaluation:office-round", pk=round_.pk)


@require_POST
@office_member_required()
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_selectors.get_office_round(request.user, pk)
    form = CloseForm({"reason": "-"})
    form.is_valid()
    if submit(form, lambda: round_services.publish_results(user=request.user, round=round_)) is not None:
        messages.success(request, _("The results are published."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("evaluation:office-round", pk=round_.pk)
