"""Supervision orders: the ones a person sees, one order by the loading policy, its targets with
their replies and its tasks against both deadlines, the list's states and filters, the late ones
counted for the board, and what a new order may go to and list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from reformledger.core.cache import SETTLED, district_count
from reformledger.org.models import Unit, UnitKind
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import LOCKED_STATUSES, Reform
from reformledger.reforms.selectors import office_districts, reading_districts, reform_units

from ..models import (
    SETTLED_STATUSES,
    Decision,
    Order,
    OrderCopy,
    OrderItem,
    OrderReply,
    OrderReplyFile,
    OrderStatus,
    OrderTarget,
    Task,
    ack_overdue_q,
    reply_overdue_q,
)
from .tasks import visible_tasks

#: An order's replies (each with its files and people), oldest first.
REPLY_PREFETCH = Prefetch(
    "replies",
    queryset=OrderReply.objects.select_related("submitted_by", "reviewed_by")
    .prefetch_related(Prefetch("files", queryset=OrderReplyFile.objects.order_by("pk")))
    .order_by("number", "pk"),
)
#: An order's targets (with their replies), copies and items, each in its order: a few queries
#: whatever the number of orders.
ORDER_PREFETCH = (
    Prefetch(
        "targets",
        queryset=OrderTarget.objects.select_related("unit", "order").prefetch_related(REPLY_PREFETCH).order_by("unit__code", "pk"),
    ),
    Prefetch("copies", queryset=OrderCopy.objects.select_related("unit").order_by("unit__sort_order", "unit__code")),
    Prefetch("items", queryset=OrderItem.objects.select_related("task").order_by("pk")),
)
#: How many open tasks the order form's task finder lists at once.
CANDIDATES_SHOWN = 50
#: The list's filters (``?state=``): each a question about an order, asked of every order the
#: person sees. ``pending``: not yet acknowledged (for a unit: by it); ``review``: a reply waits
#: for the office; the others are the order's state (:func:`order_state`).
ORDER_STATES = ("issued", "partly_replied", "overdue", "closed")
FILTERS = ("pending", "review", *ORDER_STATES)


def visible_orders(user) -> QuerySet[Order]:
    """The office and the committee see every order of their districts, the province office every
    order; a unit sees the orders addressed or copied (抄送) to it (ADR 0025)."""
    actor = actor_for(user)
    qs = Order.objects.select_related("issued_by", "district")
    if actor.reads_every_district:
        return qs
    q = Q(pk__in=[])
    if actor.sees_whole_districts:
        q |= Q(district_id__in=sorted(actor.district_ids))
    if actor.unit_ids:
        q |= Q(pk__in=OrderTarget.objects.filter(unit_id__in=actor.unit_ids).values("order_id"))
        q |= Q(pk__in=OrderCopy.objects.filter(unit_id__in=actor.unit_ids).values("order_id"))
    if not (actor.sees_whole_districts or actor.unit_ids):
        return qs.none()
    return qs.filter(q)


def get_order(user, pk: int, *, for_change: bool = False) -> Order:
    """One order the person sees; 404 otherwise.

    ``for_change``: the order a unit signs for; any order (whether it is addressed to the person's
    unit is the service's 403).
    """
    qs = Order.objects.all() if for_change else visible_orders(user)
    order = qs.filter(pk=pk).first()
    if order is None or actor_for(user).outside_districts(order.district_id):
        raise Http404
    return order


def _mine_of(user) -> QuerySet[OrderTarget] | None:
    """The person's own units among an order's targets (an ``OuterRef`` subquery), if they work in units."""
    actor = actor_for(user)
    if not actor.unit_ids or actor.sees_district_work:
        return None
    return OrderTarget.objects.filter(order_id=OuterRef("pk"), unit_id__in=actor.unit_ids)


def order_rows(user, *, on: dt.date) -> QuerySet[Order]:
    """The orders the person sees, with counts of acknowledgements and replies and whether some
    addressed unit is late on ``on``; for a unit, its own part (signed, its reply, late)."""
    qs = visible_orders(user).annotate(
        n_targets=Count("targets", distinct=True),
        n_acknowledged=Count("targets", filter=Q(targets__acknowledged_at__isnull=False), distinct=True),
        n_replied=Count("targets", filter=Q(targets__reply_status__in=(Decision.PENDING, Decision.ACCEPTED)), distinct=True),
        n_accepted=Count("targets", filter=Q(targets__reply_status=Decision.ACCEPTED), distinct=True),
        n_to_review=Count("targets", filter=Q(targets__reply_status=Decision.PENDING), distinct=True),
        late=Exists(OrderTarget.objects.filter(order_id=OuterRef("pk")).overdue(on)),
    )
    mine = _mine_of(user)
    if mine is not None:
        qs = qs.annotate(
            addressed_to_me=Exists(mine),
            pending_for_me=Exists(mine.filter(acknowledged_at__isnull=True)),
            my_acknowledged_at=Subquery(
                mine.filter(acknowledged_at__isnull=False).order_by().values("order_id").annotate(m=Max("acknowledged_at")).values("m")[:1]
            ),
            my_reply_status=Subquery(mine.order_by("pk").values("reply_status")[:1]),
            late_for_me=Exists(mine.filter(ack_overdue_q(on) | reply_overdue_q(on))),
        )
    return qs.order_by("-issued_on", "-number", "-pk")


def filter_rows(user, rows: QuerySet[Order], state: str) -> QuerySet[Order]:
    """Of :func:`order_rows`, those in ``state`` (one of :data:`FILTERS`; anything else: all).
    ``pending`` and ``overdue`` mean, for a unit, its own acknowledgement and reply."""
    mine = _mine_of(user) is not None
    if state == "pending":
        if mine:
            return rows.filter(Q(pending_for_me=True))
        return rows.filter(Exists(OrderTarget.objects.filter(order_id=OuterRef("pk"), acknowledged_at__isnull=True)))
    if state == "review":
        return rows.filter(Q(n_to_review__gt=0))
    if state == "closed":
        return rows.filter(status=OrderStatus.CLOSED)
    if state == "overdue":
        return rows.filter(Q(late_for_me=True) if mine else Q(late=True))
    if state == "partly_replied":
        return rows.filter(Q(status=OrderStatus.ISSUED, late=False, n_replied__gt=0))
    if state == "issued":
        return rows.filter(Q(status=OrderStatus.ISSUED, late=False, n_replied=0))
    return rows


def order_state(order: Order) -> str:
    """An annotated row's state (:data:`ORDER_STATES`): closed; overdue (some addressed unit late
    to acknowledge or to reply); partly replied (some reply in or accepted); else issued."""
    if order.status == OrderStatus.CLOSED:
        return "closed"
    if getattr(order, "late", False):
        return "overdue"
    return "partly_replied" if getattr(order, "n_replied", 0) else "issued"


def targets_of(order: Order) -> list[OrderTarget]:
    """The addressed units with their acknowledgement and every reply (files, people), in two queries."""
    return list(
        order.targets.select_related("unit", "acknowledged_by", "order")
        .prefetch_related(REPLY_PREFETCH)
        .order_by("unit__sort_order", "unit__code")
    )


def copies_of(order: Order) -> list[Unit]:
    """The units the order is copied to (抄送), in the organisation's order."""
    return [c.unit for c in order.copies.select_related("unit").order_by("unit__sort_order", "unit__code")]


def items_of(order: Order) -> list[OrderItem]:
    return list(order.items.select_related("task", "task__unit", "task__reform").order_by("pk"))


def get_reply(user, pk: int, *, for_change: bool = False) -> OrderReply:
    """One reply, whose order the person sees (404 otherwise). ``for_change``: any reply (whether
    the person may review it is the service's 403, as for signing an order)."""
    reply = OrderReply.objects.select_related("order", "target", "target__unit").filter(pk=pk).first()
    if reply is None or not (for_change or visible_orders(user).filter(pk=reply.order_id).exists()):
        raise Http404
    if actor_for(user).outside_districts(reply.order.district_id):
        raise Http404  # another district's office, committee or leader (ADR 0025)
    return reply


def get_reply_file(user, pk: int) -> OrderReplyFile:
    """A reply's file, for whoever sees its order; 404 otherwise."""
    item = OrderReplyFile.objects.select_related("reply").filter(pk=pk).first()
    if item is None or not visible_orders(user).filter(pk=item.reply.order_id).exists():
        raise Http404
    return item


# --- late orders, counted for the board ------------------------------------------------------------


def late_counts(user, on: dt.date) -> dict[str, int] | None:
    """The addressed units late to acknowledge (``ack``) or to reply (``reply``) and the tasks past
    their order's deadline (``items``, 督办超期), of open orders the person answers for: every one
    of their districts for the office and the committee (every district's for the province
    office), its own for a unit; None for anyone else. Each district's
    part is cached on its version and the day (core.cache.district_count)."""
    actor = actor_for(user)
    targets, items = OrderTarget.objects.all(), OrderItem.objects.filter(order__status=OrderStatus.ISSUED)
    if actor.reads_every_district:
        who = "all"
    elif actor.sees_whole_districts:
        who = f"d{sorted(actor.district_ids)}"
        targets = targets.filter(order__district_id__in=actor.district_ids)
        items = items.filter(order__district_id__in=actor.district_ids)
    elif actor.unit_ids:
        who = f"u{sorted(actor.unit_ids)}"
        targets, items = targets.filter(unit_id__in=actor.unit_ids), items.filter(task__unit_id__in=actor.unit_ids)
    else:
        return None
    districts = reading_districts(user)
    count: dict[str, Any] = {"district_field": "order__district_id"}
    # Acknowledgements and replies are written by the order services alone, audited on their order
    # (the "orders" family): a progress report leaves those two counts as they were. Tasks past an
    # order's deadline read the tasks' dates and whether they are settled, and the orders' items:
    # the district's "settled" family, which every write of its work but a progress report bumps (a
    # report settles nothing and moves no deadline, even when it moves a level).
    # Each queryset is built only when a district's part is not kept.
    return {
        "ack": district_count(lambda: targets.ack_overdue(on), districts, key=f"orders-late-ack:{who}:{on}", family="orders", **count),
        "reply": district_count(lambda: targets.reply_overdue(on), districts, key=f"orders-late-reply:{who}:{on}", family="orders", **count),
        "items": district_count(
            lambda: items.filter(OrderItem.overdue_q(on)), districts, key=f"orders-late-items:{who}:{on}", family=SETTLED, **count
        ),
    }


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
    return reform_units(office_districts(actor_for(user))).exclude(
        kind__in=(UnitKind.DISTRICT, UnitKind.COMMITTEE, UnitKind.REFORM_OFFICE)
    )


def open_tasks(user) -> QuerySet[Task]:
    """Open tasks of open reforms, in the person's districts: what an order may list."""
    qs = visible_tasks(user).exclude(status__in=SETTLED_STATUSES).exclude(reform__status__in=LOCKED_STATUSES)
    district_ids = office_districts(actor_for(user))
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
    district_ids = office_districts(actor_for(user))
    return Unit.objects.filter(pk__in=district_ids).first() if district_ids and len(district_ids) == 1 else None
