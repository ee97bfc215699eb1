"""The reviewers' pages: the queue (pending, decided) and the precedent library; the office's editor
of its district's conditions and negative list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from reformledger.core.forms import add_service_errors
from reformledger.core.permissions import require
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for

from ..forms.cases import PrecedentSearchForm
from ..forms.checklists import AddItemForm, ItemForm
from ..models import ChecklistItem, ItemKind
from ..rules import reviewing_district_ids
from ..selectors import cases as selectors
from ..selectors.checklists import checklist, split
from ..selectors.precedents import PAGE_SIZE, Precedent, Probe, precedents, probe_for
from ..services import checklists as services
from .common import render_page, require_reviewer

QUEUE_PAGE = 50


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Pending cases (oldest first) or decided ones (newest first) of the reviewer's districts."""
    require_reviewer(request)
    decided = request.GET.get("state") == "decided"
    qs = selectors.queue(request.user, decided=decided)
    page = Paginator(qs, QUEUE_PAGE).get_page(request.GET.get("page"))
    return render_page(request, "tolerance/queue.html", {"page": page, "decided": decided})


@require_GET
@login_required
def precedent_library(request: HttpRequest) -> HttpResponse:
    """Decided cases, anonymised, ranked by how alike they are to a case under review (``?case=``)
    or to the text searched for; newest first when nothing is asked."""
    require_reviewer(request)
    form = PrecedentSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    case = None
    if data.get("case"):
        case = selectors.get_case(request.user, data["case"])
        probe = probe_for(case)
    else:
        probe = Probe(text=data.get("q") or "")
    number = data.get("page") or 1
    total, shown = precedents(request.user, probe, outcome=data.get("outcome") or "", page=number)
    pages = max(1, -(-total // PAGE_SIZE))
    context = {
        "form": form, "case": case, "total": total, "shown": _with_words(shown), "number": min(number, pages), "pages": pages,
        "prev_query": _page_query(request, number - 1) if number > 1 else "",
        "next_query": _page_query(request, number + 1) if number < pages else "",
    }
    return render_page(request, "tolerance/precedents.html", context)


def _with_words(shown: list[Precedent]) -> list[tuple[Precedent, list[str], list[str]]]:
    """Each shown precedent with its conditions not met and its negative-list items, in its
    district's words (one query)."""
    districts = {p.case.district_id for p in shown}
    words = {
        (d, f"{kind}:{code}"): text
        for d, kind, code, text in ChecklistItem.objects.filter(district_id__in=districts).values_list("district_id", "kind", "code", "text")
    }

    def said(case, kind: str) -> list[str]:
        return [words.get((case.district_id, flag), flag.split(":", 1)[1]) for flag in case.flags or () if flag.startswith(f"{kind}:")]

    return [(p, said(p.case, ItemKind.CONDITION), said(p.case, ItemKind.NEGATIVE)) for p in shown]


def _page_query(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return query.urlencode()


def _readable_districts(request: HttpRequest) -> list[Unit]:
    """The districts whose checklists this person reads, when more than one (the province office)."""
    districts = reviewing_district_ids(actor_for(request.user))
    qs = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
    if districts is not None:
        qs = qs.filter(pk__in=districts)
    found = list(qs[:200])
    return found if len(found) > 1 else []


def _district(request: HttpRequest) -> Unit:
    """The district whose checklist the page shows: the one asked for (``?district=``) among those
    the person may read, else their first."""
    districts = reviewing_district_ids(actor_for(request.user))
    qs = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
    if districts is not None:
        qs = qs.filter(pk__in=districts)
    asked = request.GET.get("district") or request.POST.get("district")
    if asked:
        district = qs.filter(pk=asked).first() if str(asked).isdigit() else None
        if district is None:
            raise Http404
        return district
    first = qs.first()
    if first is None:
        raise PermissionDenied(_("The conditions and the negative list are kept by each district's reform office."))
    return first


def _editor(request: HttpRequest, district: Unit, *, add_form=None, bad_item=None, status: int = 200) -> HttpResponse:
    if not request.user.has_perm("tolerance.view_checklist", district):
        raise PermissionDenied(_("The conditions and the negative list are kept by each district's reform office."))
    items = list(checklist(district_id=district.pk, active_only=False))
    if not items and request.user.has_perm("tolerance.manage_checklist", district):
        services.ensure_checklist(district=district)
        items = list(checklist(district_id=district.pk, active_only=False))
    manages = request.user.has_perm("tolerance.manage_checklist", district)
    rows = []
    for item in items:
        form = bad_item if bad_item is not None and bad_item[0] == item.pk else None
        rows.append((item, form[1] if form else ItemForm(initial={
            "text": item.text, "hint": item.hint, "sort_order": item.sort_order, "is_active": item.is_active,
        }, prefix=f"i{item.pk}") if manages else None))
    parts = split([i for i, _f in rows])
    forms_by_pk = {i.pk: f for i, f in rows}
    context = {
        "district": district, "manages": manages,
        "conditions": [(i, forms_by_pk[i.pk]) for i in parts["conditions"]],
        "negative": [(i, forms_by_pk[i.pk]) for i in parts["negative"]],
        "add_form": add_form or (AddItemForm() if manages else None),
        "districts": _readable_districts(request) if not manages else [],
    }
    return render_page(request, "tolerance/checklist.html", context, status=status)


@require_GET
@login_required
def checklist_page(request: HttpRequest) -> HttpResponse:
    return _editor(request, _district(request))


@require_POST
@login_required
def checklist_add(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    require(request.user, "tolerance.manage_checklist", district, message=services.MANAGES)
    form = AddItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_item(
                user=request.user, district=district, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
                hint=form.cleaned_data["hint"], sort_order=form.cleaned_data["sort_order"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The item was added."))
            return redirect(f"{_url()}?district={district.pk}")
    return _editor(request, district, add_form=form, status=400)


def _url() -> str:
    return reverse("tolerance:checklist")


@require_POST
@login_required
def checklist_change(request: HttpRequest, pk: int) -> HttpResponse:
    item = ChecklistItem.objects.select_related("district").filter(pk=pk).first()
    if item is None or not request.user.has_perm("tolerance.view_checklist", item.district):
        raise Http404
    require(request.user, "tolerance.manage_checklist", item.district, message=services.MANAGES)
    form = ItemForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.change_item(
                user=request.user, item=item, text=form.cleaned_data["text"], hint=form.cleaned_data["hint"],
                sort_order=form.cleaned_data["sort_order"], is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect(f"{_url()}?district={item.district_id}")
    return _editor(request, item.district, bad_item=(item.pk, form), status=400)

