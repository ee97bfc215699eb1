"""Supervision orders: the ones a person sees, one order by the loading policy, and what a new
order may go to and list."""

from __future__ import annotations

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import LOCKED_STATUSES, Reform
from reformledger.reforms.selectors import districts_of, reform_units

from ..models import Order, OrderItem, OrderTarget, Task, TaskStatus
from .tasks import visible_tasks

#: An order's targets and items, each in its order, in two queries whatever the number of orders.
ORDER_PREFETCH = (
    Prefetch("targets", queryset=OrderTarget.objects.select_related("unit").order_by("unit__code", "pk")),
    Prefetch("items", queryset=OrderItem.objects.select_related("task").order_by("pk")),
)
#: How many open tasks the order form's task finder lists at once.
CANDIDATES_SHOWN = 50


def visible_orders(user) -> QuerySet[Order]:
    """The office sees every order; a unit sees the orders addressed to it."""
    actor = actor_for(user)
    qs = Order.objects.select_related("issued_by", "district")
    if actor.sees_everything:
        return qs
    if actor.unit_ids:
        return qs.filter(pk__in=OrderTarget.objects.filter(unit_id__in=actor.unit_ids).values("order_id"))
    return qs.none()


def get_order(user, pk: int, *, for_change: bool = False) -> Order:
    """One order the person sees; 404 otherwise.

    ``for_change``: the order a unit signs for; any order (whether it is addressed to the person's
    unit is the service's 403).
    """
    qs = Order.objects.all() if for_change else visible_orders(user)
    order = qs.filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


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


def pending_rows(user, rows: QuerySet[Order]) -> QuerySet[Order]:
    """Of :func:`order_rows`, those waiting: for a unit, not signed by it; for the office, not by
    some unit."""
    actor = actor_for(user)
    if actor.sees_everything:
        return rows.filter(Exists(OrderTarget.objects.filter(order_id=OuterRef("pk"), acknowledged_at__isnull=True)))
    if actor.unit_ids:
        return rows.filter(pending_for_me=True)  # type: ignore[misc]  # annotated by order_rows
    return rows


def targets_of(order: Order) -> list[OrderTarget]:
    return list(order.targets.select_related("unit", "acknowledged_by").order_by("unit__sort_order", "unit__code"))


def items_of(order: Order) -> list[OrderItem]:
    return list(order.items.select_related("task", "task__unit", "task__reform").order_by("pk"))


def issuing_office(order: Order) -> str:
    """The name of the reform office of the order's district (for the order's document)."""
    office = (
        Unit.objects.filter(district_id=order.district_id, kind=UnitKind.REFORM_OFFICE, is_active=True)
        .order_by("sort_order", "pk")
        .values_list("name", flat=True)
        .first()
    )
    return office or ""


# --- what a new order may go to and list --------------------------------------------------------------


def order_units(user) -> QuerySet[Unit]:
    """The active units an order may go to: those that carry reforms in the person's districts
    (not the district itself, its committee or the office that issues the order)."""
    return reform_units(districts_of(actor_for(user))).exclude(
        kind__in=(UnitKind.DISTRICT, UnitKind.COMMITTEE, UnitKind.REFORM_OFFICE)
    )


def open_tasks(user) -> QuerySet[Task]:
    """Open tasks of open reforms, in the person's districts: what an order may list."""
    qs = visible_tasks(user).exclude(status=TaskStatus.DONE).exclude(reform__status__in=LOCKED_STATUSES)
    district_ids = districts_of(actor_for(user))
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    return qs


def candidates(user, data, chosen_ids: set[int]) -> tuple[list[Task], Reform | None, str]:
    """The task finder's rows: the open tasks matching ``q`` (task or reform title, or the reform's
    code), or else those of ``reform`` (an id), less those already chosen."""
    q = (data.get("q") or "").strip()[:100]
    reform = None
    qs = open_tasks(user).select_related("reform", "unit")
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


def own_district(user) -> Unit | None:
    """The person's district, when they work in exactly one."""
    district_ids = districts_of(actor_for(user))
    return Unit.objects.filter(pk__in=district_ids).first() if district_ids and len(district_ids) == 1 else None
