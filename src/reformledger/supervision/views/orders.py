"""Supervision orders (改革督查令): the list with its states and filters, a new order with its task
finder, one order (its tasks against both deadlines, its units' acknowledgements and replies, its
history), signing for it (签收) and its Word file (the exporter of :mod:`..documents`). Replies and
their review are in :mod:`.replies`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reformledger.core.audit import history_of
from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.exporters import response
from reformledger.core.forms import submit
from reformledger.core.permissions import require
from reformledger.core.views import is_htmx
from reformledger.org.decorators import office_member_required
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for

from ..documents import OrderDocument
from ..forms.orders import OrderForm, ReplyForm
from ..forms.reports import ReviewForm
from ..models import Decision
from ..rollup import today
from ..selectors import orders as order_selectors
from ..services import orders as order_services

ORDERS_PAGE_SIZE = 50
ISSUE_ONLY = gettext_lazy("Only the reform office issues supervision orders.")
#: The service's names of what an order's form shows as its tasks.
ITEM_ERRORS = {"due_date": "items", "start_date": "items", "task": "items"}


# --- the list ------------------------------------------------------------------------------------


@require_GET
@office_member_required()
def order_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    state = request.GET.get("state") or ""
    state = state if state in order_selectors.FILTERS else ""
    rows = order_selectors.filter_rows(request.user, order_selectors.order_rows(request.user, on=today()), state)
    page = Paginator(rows, ORDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    for order in page.object_list:
        order.state = order_selectors.order_state(order)
    is_unit = bool(actor.unit_ids) and not actor.sees_district_work
    return render(
        request,
        "supervision/orders.html",
        {
            "page": page,
            "state": state,
            "filters": _filters(is_unit),
            "is_unit": is_unit,
            "can_issue": request.user.has_perm("supervision.issue_order"),
        },
    )


def _filters(is_unit: bool) -> list[tuple[str, str, str]]:
    """The list's filters: (state, icon, label)."""
    filters = [
        ("", "bi-list-ul", _("All orders")),
        ("pending", "bi-envelope-exclamation", _("Not yet acknowledged")),
        ("issued", "bi-send", _("Issued, no reply yet")),
        ("partly_replied", "bi-reply", _("Partly replied")),
        ("overdue", "bi-alarm", _("Overdue")),
        ("closed", "bi-check2-all", _("Closed")),
    ]
    if not is_unit:
        filters.insert(2, ("review", "bi-clipboard-check", _("Replies to review")))
    return filters


# --- a new order ---------------------------------------------------------------------------------


def _chosen_ids(data) -> set[int]:
    return {int(v) for v in data.getlist("items") if str(v).isdigit()}


def _order_form(request: HttpRequest, data, units, tasks) -> tuple[OrderForm, int, HttpResponse | None]:
    """The order form: as sent (and the order issued, when the service accepts it), or filled with
    what the page was asked with. Returns the form, the page's status and the redirect, if any."""
    if request.method == "POST" and "find" not in request.POST:
        form = OrderForm(request.POST, units=units, tasks=tasks)
        if not form.is_valid():
            require(request.user, "supervision.issue_order", message=ISSUE_ONLY)  # the form goes back to who may send it
            return form, 400, None
        order = submit(
            form,
            lambda: order_services.issue_order(
                user=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                reply_by=form.cleaned_data["reply_by"],
                units=list(form.cleaned_data["units"]),
                cc_units=list(form.cleaned_data["cc_units"]),
                items=form.service_items(),
            ),
            aliases=ITEM_ERRORS,
        )
        if order is None:
            return form, 400, None
        messages.success(request, _("Supervision order %(code)s issued.") % {"code": order.code})
        return form, 302, redirect("supervision:order", pk=order.pk)
    require(request.user, "supervision.issue_order", message=ISSUE_ONLY)
    initial = {k: data.get(k) for k in ("title", "body", "reply_by") if data.get(k)}
    initial["units"] = [int(v) for v in data.getlist("units") if v.isdigit()]
    initial["cc_units"] = [int(v) for v in data.getlist("cc_units") if v.isdigit()]
    return OrderForm(None, units=units, tasks=tasks, initial=initial), 200, None


@require_http_methods(["GET", "POST"])
@office_member_required()
def order_new(request: HttpRequest) -> HttpResponse:
    """The order form. Its task finder answers htmx with rows; without JavaScript its "Find"
    button posts the form back with ``find`` and the page comes back with what was typed."""
    user = request.user
    units, tasks = order_selectors.order_units(user), order_selectors.open_tasks(user)
    data = request.POST if request.method == "POST" else request.GET
    chosen_ids = _chosen_ids(data)
    if request.method == "GET" and is_htmx(request):
        require(user, "supervision.issue_order", message=ISSUE_ONLY)
        candidates, reform, q = order_selectors.candidates(user, data, chosen_ids)
        rows = {"candidates": candidates, "reform": reform, "q": q, "today": today()}
        return render(request, "supervision/order_task_rows.html", rows)
    form, status, done = _order_form(request, data, units, tasks)
    if done is not None:
        return done
    chosen = list(tasks.filter(pk__in=chosen_ids).select_related("reform", "unit").order_by("reform__code", "path", "pk"))
    candidates, reform, q = order_selectors.candidates(user, data, chosen_ids)
    on = today()
    context: dict[str, object] = {
        "form": form,
        "today": on,
        # The order's deadline as typed, else the task's due date while it is ahead.
        "chosen": [
            (task, data.get(f"deadline-{task.pk}") or (task.due_date.isoformat() if task.due_date >= on else ""))
            for task in chosen
        ],
        "candidates": candidates,
        "reform": reform,
        "q": q,
        "prefix": order_services.order_prefix(order_selectors.own_district(user)),
    }
    return render(request, "supervision/order_form.html", context, status=status)


# --- one order -----------------------------------------------------------------------------------


def render_order(request: HttpRequest, order, *, reply_form: ReplyForm | None = None, status: int = 200) -> HttpResponse:
    """The order's page; ``reply_form``: a reply sent back with its errors."""
    actor = actor_for(request.user)
    on = today()
    targets = order_selectors.targets_of(order)
    items = order_selectors.items_of(order)
    mine = [t for t in targets if t.unit_id in actor.unit_ids]
    owing = [t for t in mine if t.reply_status in ("", Decision.RETURNED)] if order.status == "issued" else []
    if reply_form is None and owing:
        reply_form = ReplyForm(units=[t.unit for t in owing])
    can_review = request.user.has_perm("supervision.review_order_reply", order)
    context = {
        "order": order,
        "today": on,
        "targets": targets,
        "items": items,
        "copies": order_selectors.copies_of(order),
        "to_sign": [t for t in mine if t.acknowledged_at is None],
        "reply_form": reply_form if owing else None,
        "review_form": ReviewForm() if can_review else None,
        "can_review": can_review,
        "acknowledged": sum(1 for t in targets if t.acknowledged_at),
        "accepted": sum(1 for t in targets if t.reply_status == Decision.ACCEPTED),
        "late_items": sum(1 for i in items if i.days_past_deadline(on)),
        "history": list(history_of(order)[:50]),
    }
    return render(request, "supervision/order_detail.html", context, status=status)


@require_GET
@office_member_required()
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_order(request, order_selectors.get_order(request.user, pk))


@require_POST
@office_member_required()
def order_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_selectors.get_order(request.user, pk, for_change=True)
    unit = None
    unit_id = request.POST.get("unit") or ""
    if unit_id:
        unit = Unit.objects.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
        if unit is None:
            raise PermissionDenied(_("This order is not addressed to your unit."))
    try:
        target = order_services.acknowledge_order(user=request.user, order=order, unit=unit)
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
def order_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    order = order_selectors.get_order(request.user, pk)
    return response(
        OrderDocument(
            order,
            targets=order_selectors.targets_of(order),
            items=order_selectors.items_of(order),
            copies=order_selectors.copies_of(order),
            office_short=order_selectors.issuing_office(order),
            on=today(),
        )
    )
