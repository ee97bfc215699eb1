"""Supervision orders (改革督查令) and bulletins (督查通报): the office's pages and the files.

Thin: reads come from ``selectors`` and :mod:`.bulletin`, writes go through ``services``; the Word
and Excel files are the exporters of :mod:`.documents`. An order the person may not see answers 404; a write
the person may not make answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.exporters import response
from reformledger.core.forms import add_service_errors
from reformledger.core.views import is_htmx
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import LOCKED_STATUSES, Reform, Status
from reformledger.reforms.selectors import districts_of, reform_units
from reformledger.reforms.views import office_member_required

from . import services
from .bulletin import make_bulletin
from .documents import BulletinDocument, BulletinWorkbook, OrderDocument
from .forms_orders import BulletinForm, OrderForm
from .models import Order, OrderItem, OrderTarget, Task, TaskStatus
from .selectors import visible_orders, visible_tasks

ORDERS_PAGE_SIZE = 50
#: How many open tasks the order form's task finder lists at once.
CANDIDATES_SHOWN = 50
#: How many red and how many amber tasks the bulletin page previews (the files list them all).
BULLETIN_PREVIEW_ROWS = 100


# --- the list ------------------------------------------------------------------------------------


def order_rows(user) -> QuerySet[Order]:
    """The orders the person sees, with acknowledgement counts; for a unit, whether it has signed."""
    actor = actor_for(user)
    qs = visible_orders(user).annotate(
        n_targets=Count("targets", distinct=True),
        n_acknowledged=Count("targets", filter=Q(targets__acknowledged_at__isnull=False), distinct=True),
    )
    if actor.unit_ids:
        mine = OrderTarget.objects.filter(order_id=OuterRef("pk"), unit_id__in=actor.unit_ids)
        qs = qs.annotate(
            addressed_to_me=Exists(mine),
            pending_for_me=Exists(mine.filter(acknowledged_at__isnull=True)),
            my_acknowledged_at=Subquery(
                mine.filter(acknowledged_at__isnull=False).order_by().values("order_id").annotate(m=Max("acknowledged_at")).values("m")[:1]
            ),
        )
    return qs.order_by("-issued_on", "-number", "-pk")


@require_GET
@office_member_required()
def order_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    state = request.GET.get("state") or ""
    rows = order_rows(request.user)
    if state == "pending":
        # A unit: orders it has not signed for; the office: orders some unit has not signed for.
        if actor.sees_everything:
            rows = rows.filter(Exists(OrderTarget.objects.filter(order_id=OuterRef("pk"), acknowledged_at__isnull=True)))
        elif actor.unit_ids:
            rows = rows.filter(pending_for_me=True)
    page = Paginator(rows, ORDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/orders.html",
        {
            "page": page,
            "state": state,
            "is_unit": bool(actor.unit_ids) and not actor.sees_everything,
            "can_issue": request.user.has_perm("supervision.issue_order"),
        },
    )


# --- a new order ---------------------------------------------------------------------------------


def _order_units(user) -> QuerySet[Unit]:
    """The active units an order may go to: those that carry reforms in the person's districts
    (not the district itself, its committee or the office that issues the order)."""
    return reform_units(districts_of(actor_for(user))).exclude(
        kind__in=(UnitKind.DISTRICT, UnitKind.COMMITTEE, UnitKind.REFORM_OFFICE)
    )


def _open_tasks(user) -> QuerySet[Task]:
    """Open tasks of open reforms, in the person's districts: what an order may list."""
    qs = visible_tasks(user).exclude(status=TaskStatus.DONE).exclude(reform__status__in=LOCKED_STATUSES)
    district_ids = districts_of(actor_for(user))
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    return qs


def _candidates(user, data, chosen_ids: set[int]) -> tuple[list[Task], Reform | None, str]:
    """The task finder's rows: the open tasks matching ``q`` (task or reform title, or the reform's
    code), or else those of ``reform`` (an id), less those already chosen."""
    q = (data.get("q") or "").strip()[:100]
    reform = None
    qs = _open_tasks(user).select_related("reform", "unit")
    reform_id = data.get("reform") or ""
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reform__title__icontains=q) | Q(reform__code__icontains=q))
    elif reform_id.isdigit():
        reform = Reform.objects.filter(pk=int(reform_id)).only("pk", "code", "title").first()
        if reform is None:
            return [], None, q
        qs = qs.filter(reform_id=reform.pk)
    else:
        return [], None, q
    if chosen_ids:
        qs = qs.exclude(pk__in=chosen_ids)
    return list(qs.order_by("reform__code", "path", "sort_order", "pk")[:CANDIDATES_SHOWN]), reform, q


def _chosen_ids(data) -> set[int]:
    return {int(v) for v in data.getlist("items") if str(v).isdigit()}


@require_http_methods(["GET", "POST"])
@office_member_required()
def order_new(request: HttpRequest) -> HttpResponse:
    """The order form. Its task finder answers htmx with rows; without JavaScript its "Find"
    button posts the form back with ``find`` and the page comes back with what was typed."""
    if not request.user.has_perm("supervision.issue_order"):
        raise PermissionDenied(_("Only the reform office issues supervision orders."))
    units, tasks = _order_units(request.user), _open_tasks(request.user)
    data = request.POST if request.method == "POST" else request.GET
    chosen_ids = _chosen_ids(data)
    if request.method == "GET" and is_htmx(request):
        candidates, reform, q = _candidates(request.user, data, chosen_ids)
        return render(request, "supervision/order_task_rows.html", {"candidates": candidates, "reform": reform, "q": q})
    status = 200
    if request.method == "POST" and "find" not in request.POST:
        form = OrderForm(request.POST, units=units, tasks=tasks)
        if form.is_valid():
            try:
                order = services.issue_order(
                    user=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    reply_by=form.cleaned_data["reply_by"],
                    units=list(form.cleaned_data["units"]),
                    items=form.service_items(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"due_date": "items", "start_date": "items", "task": "items"})
            else:
                messages.success(request, _("Supervision order %(code)s issued.") % {"code": order.code})
                return redirect("supervision:order", pk=order.pk)
        status = 400
    else:
        initial = {k: data.get(k) for k in ("title", "body", "reply_by") if data.get(k)}
        initial["units"] = [int(v) for v in data.getlist("units") if v.isdigit()]
        form = OrderForm(None, units=units, tasks=tasks, initial=initial)
    chosen = list(tasks.filter(pk__in=chosen_ids).select_related("reform", "unit").order_by("reform__code", "path", "pk"))
    candidates, reform, q = _candidates(request.user, data, chosen_ids)
    context = {
        "form": form,
        "chosen": [(task, data.get(f"deadline-{task.pk}") or task.due_date.isoformat()) for task in chosen],
        "candidates": candidates,
        "reform": reform,
        "q": q,
        "prefix": _order_prefix_for(request.user),
    }
    return render(request, "supervision/order_form.html", context, status=status)


def _order_prefix_for(user) -> str:
    """The prefix the person's next order gets: their district's, when they work in one."""
    district_ids = districts_of(actor_for(user))
    district = Unit.objects.filter(pk__in=district_ids).first() if district_ids and len(district_ids) == 1 else None
    return services.order_prefix(district)


# --- one order -----------------------------------------------------------------------------------


def _visible_order(user, pk: int) -> Order:
    order = visible_orders(user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def _targets(order: Order) -> list[OrderTarget]:
    return list(order.targets.select_related("unit", "acknowledged_by").order_by("unit__sort_order", "unit__code"))


def _items(order: Order) -> list[OrderItem]:
    return list(order.items.select_related("task", "task__unit", "task__reform").order_by("pk"))


@require_GET
@office_member_required()
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request.user, pk)
    actor = actor_for(request.user)
    targets = _targets(order)
    to_sign = [t for t in targets if t.unit_id in actor.unit_ids and t.acknowledged_at is None]
    return render(
        request,
        "supervision/order_detail.html",
        {
            "order": order,
            "targets": targets,
            "items": _items(order),
            "to_sign": to_sign,
            "acknowledged": sum(1 for t in targets if t.acknowledged_at),
        },
    )


@require_POST
@office_member_required()
def order_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    unit = None
    unit_id = request.POST.get("unit") or ""
    if unit_id:
        if not unit_id.isdigit():
            raise PermissionDenied(_("This order is not addressed to your unit."))
        unit = Unit.objects.filter(pk=int(unit_id)).first()
        if unit is None:
            raise PermissionDenied(_("This order is not addressed to your unit."))
    try:
        target = services.acknowledge_order(user=request.user, order=order, unit=unit)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(unit)s acknowledged order %(code)s.") % {"unit": target.unit.name, "code": order.code}
        )
    return redirect("supervision:order", pk=order.pk)


@require_GET
@office_member_required()
def order_document(request: HttpRequest, pk: int) -> HttpResponse:
    order = _visible_order(request.user, pk)
    office = (
        Unit.objects.filter(district_id=order.district_id, kind=UnitKind.REFORM_OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .values_list("name", flat=True)
        .first()
    )
    return response(OrderDocument(order, targets=_targets(order), items=_items(order), office_short=office or ""))


# --- bulletin ------------------------------------------------------------------------------------


def _bulletin_districts(user) -> tuple[list[Unit], bool]:
    """The districts the person may make a bulletin for, and whether "all districts" is offered
    (to people who work across districts, e.g. a superuser of a province's instance)."""
    district_ids = districts_of(actor_for(user))
    qs = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("sort_order", "code")
    if district_ids is not None:
        return list(qs.filter(pk__in=district_ids)), False
    return list(qs), True


@require_GET
@office_member_required()
def bulletin(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("supervision.make_bulletin"):
        raise PermissionDenied(_("Only the reform office makes bulletins."))
    districts, allow_all = _bulletin_districts(request.user)
    form = BulletinForm(request.GET or None, districts=districts, allow_all=allow_all)
    if form.is_bound and not form.is_valid():
        return render(request, "supervision/bulletin.html", {"form": form, "figures": None}, status=400)
    period, district = form.choice()
    kind = request.GET.get("format") or ""
    if kind in ("docx", "xlsx"):
        figures = make_bulletin(period=period, district=district)
        return response(BulletinDocument(figures) if kind == "docx" else BulletinWorkbook(figures))
    if kind:
        form.add_error(None, _("Choose Word (docx) or Excel (xlsx)."))
        return render(request, "supervision/bulletin.html", {"form": form, "figures": None}, status=400)
    figures = make_bulletin(period=period, district=district, limit=BULLETIN_PREVIEW_ROWS)
    query = f"period={period.code}" + (f"&district={district.pk}" if district is not None else "")
    used = figures.statuses_used
    statuses = [(code, label) for code, label in Status.choices if code in used]
    return render(
        request,
        "supervision/bulletin.html",
        {
            "form": form,
            "figures": figures,
            "statuses": statuses,
            "reform_rows": figures.tier_rows(used),
            "status_totals": [figures.status_totals[code] for code in used],
            "level_rows": [
                (level, count, 0 if share is None else round(share, 1)) for level, count, share in figures.level_shares()
            ],
            "period": period,
            "district": district,
            "query": query,
            "preview_rows": BULLETIN_PREVIEW_ROWS,
            "previous": period.previous(),
        },
    )
