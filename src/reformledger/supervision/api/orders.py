"""Supervision orders (改革督查令): the list, one order, issuing one, signing for it (签收)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core.api import ObjectId, PageParams, Ref, paginate, resolve_ids, signed_in_user
from reformledger.org.models import Unit
from reformledger.org.schemas import UnitRef

from ..models import Order
from ..selectors import orders as order_selectors
from ..selectors.tasks import visible_tasks
from ..services import orders as order_services
from .schemas import PersonRef, person_out, unit_out

router = Router()


class OrderTargetOut(Schema):
    unit: UnitRef
    acknowledged_at: dt.datetime | None


class OrderItemOut(Schema):
    task: int
    title: str
    deadline: dt.date


class OrderOut(Schema):
    id: int
    code: str = Field(description="The order's number, e.g. 罗改督〔2018〕3号.")
    title: str
    body: str
    issued_on: dt.date
    reply_by: dt.date
    issued_by: PersonRef
    targets: list[OrderTargetOut]
    items: list[OrderItemOut]


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


class OrderItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    task: ObjectId = Field(..., description="Task id.")
    deadline: dt.date | None = Field(None, description="Becomes the task's due date; the current one when left out.")


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., max_length=200)
    body: str = ""
    reply_by: dt.date
    units: list[ObjectId] = Field([], description="Ids of the target units (the units of the tasks are added).")
    items: list[OrderItemIn] = []


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: ObjectId | None = Field(None, description="Which of your units signs, when you work in several targets.")


def order_out(order: Order) -> dict[str, Any]:
    """An order as the OrderOut schema documents it (its targets and items prefetched)."""
    return {
        "id": order.pk,
        "code": order.code,
        "title": order.title,
        "body": order.body,
        "issued_on": order.issued_on,
        "reply_by": order.reply_by,
        "issued_by": person_out(order.issued_by),
        "targets": [{"unit": unit_out(t.unit), "acknowledged_at": t.acknowledged_at} for t in order.targets.all()],
        "items": [{"task": i.task_id, "title": i.task.title, "deadline": i.deadline} for i in order.items.all()],
    }


def _order_by_pk(pk: int) -> dict[str, Any]:
    order = Order.objects.select_related("issued_by").prefetch_related(*order_selectors.ORDER_PREFETCH).get(pk=pk)
    return order_out(order)


@router.get("/orders", response=OrderPage, summary="Supervision orders")
def list_orders(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The office sees every order; a unit the orders addressed to it."""
    user = signed_in_user(request)
    page = paginate(order_selectors.visible_orders(user).prefetch_related(*order_selectors.ORDER_PREFETCH), paging)
    return {"count": page["count"], "items": [order_out(order) for order in page["items"]]}


@router.get("/orders/{order_id}", response=OrderOut, summary="One supervision order")
def get_order(request: HttpRequest, order_id: Path[ObjectId]) -> dict[str, Any]:
    user = signed_in_user(request)
    order = order_selectors.get_order(user, order_id)
    prefetch_related_objects([order], *order_selectors.ORDER_PREFETCH)
    return order_out(order)


@router.post("/orders", response={201: OrderOut}, summary="Issue a supervision order (改革督查令)")
def issue_order(request: HttpRequest, payload: OrderIn) -> Status:
    """The office issues a numbered order to units, listing tasks with deadlines. The units of the
    listed tasks are added to the targets; with no unit at all the order is refused (422 ``units``)."""
    user = signed_in_user(request)
    task_ids = [item.task for item in payload.items]
    duplicated = len(set(task_ids)) != len(task_ids)
    data = resolve_ids(
        {"units": list(dict.fromkeys(payload.units)), "items": task_ids},
        {
            "units": Ref(Unit.objects.all(), _("Unknown unit ids: %(ids)s."), many=True),
            "items": Ref(visible_tasks(user), _("Unknown task ids: %(ids)s."), many=True),
        },
        errors={"items": [_("Each task may be listed once.")]} if duplicated else None,
    )
    order = order_services.issue_order(
        user=user,
        title=payload.title,
        body=payload.body,
        reply_by=payload.reply_by,
        units=data["units"],
        items=[(task, item.deadline) for task, item in zip(data["items"], payload.items, strict=True)],
    )
    return Status(201, _order_by_pk(order.pk))


@router.post("/orders/{order_id}/acknowledge", response=OrderOut, summary="Acknowledge an order (签收)")
def acknowledge_order(
    request: HttpRequest, order_id: Path[ObjectId], payload: AcknowledgeIn | None = None
) -> dict[str, Any]:
    """A target unit signs for the order. Someone in several target units names the unit; an order
    not addressed to the caller's unit is 403, signing twice 422."""
    user = signed_in_user(request)
    order = order_selectors.get_order(user, order_id, for_change=True)
    data = resolve_ids(
        {"unit": payload.unit} if payload is not None else {},
        {"unit": Ref(Unit.objects.all(), _("Unknown unit id: %(id)s."), nullable=True)},
    )
    order_services.acknowledge_order(user=user, order=order, unit=data.get("unit"))
    return _order_by_pk(order.pk)
