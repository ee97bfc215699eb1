"""Supervision orders (改革督查令): the list (with its states), one order, issuing one, signing for it
(签收), a unit's written reply (书面回复, JSON or multipart with files) and the office's review of it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, cast

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from reformledger.core import limits
from reformledger.core.api import (
    ObjectId,
    PageParams,
    Ref,
    json_or_multipart,
    paginate,
    read_body,
    resolve_ids,
    signed_in_user,
)
from reformledger.org.models import Unit
from reformledger.org.schemas import UnitRef

from ..models import Decision, Level, Order, OrderReply, OrderStatus, TaskStatus
from ..rollup import today
from ..selectors import orders as order_selectors
from ..selectors.tasks import visible_tasks
from ..services import orders as order_services
from ..services import replies as reply_services
from .schemas import EVIDENCE_DESCRIPTION, DecisionIn, EvidenceOut, PersonRef, person_out, unit_out

router = Router()


class OrderReplyOut(Schema):
    id: int
    order: int
    unit: UnitRef
    number: int = Field(description="The unit's first, second… reply to this order (after a return).")
    text: str
    files: list[EvidenceOut]
    submitted_by: PersonRef
    submitted_at: dt.datetime
    days_late: int = Field(description="Days after the order's reply-by date (0: on time).")
    status: Decision
    reviewed_by: PersonRef | None
    reviewed_at: dt.datetime | None
    review_comment: str


class OrderTargetOut(Schema):
    unit: UnitRef
    acknowledged_at: dt.datetime | None
    acknowledgement_overdue: bool = Field(description="Not acknowledged ORDER_ACK_DAYS days after issue.")
    reply_status: Decision | Literal[""] = Field(description="The latest reply's review; empty before the first reply.")
    reply_days_overdue: int = Field(description="Days past the reply-by date without an accepted reply (0: not late).")
    replies: list[OrderReplyOut]


class OrderItemOut(Schema):
    task: int
    title: str
    deadline: dt.date = Field(description="The order's deadline for the task (督办时限).")
    days_past_deadline: int = Field(description="Order overdue (督办超期): days the open task is past the order's deadline.")
    due_date: dt.date = Field(description="The task's own due date (the order does not change it).")
    days_past_due: int
    status: TaskStatus
    level: Level
    progress: int


class OrderOut(Schema):
    id: int
    code: str = Field(description="The order's number, e.g. 罗改督〔2018〕3号.")
    title: str
    body: str
    issued_on: dt.date
    reply_by: dt.date
    issued_by: PersonRef
    status: OrderStatus = Field(description="issued, or closed once every addressed unit's reply is accepted.")
    closed_on: dt.date | None
    targets: list[OrderTargetOut]
    cc_units: list[UnitRef] = Field(description="The units the order is copied to (抄送).")
    items: list[OrderItemOut]


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


class OrderFilters(Schema):
    state: Literal["pending", "review", "issued", "partly_replied", "overdue", "closed"] | None = Field(
        None,
        description="pending: not acknowledged (by your unit); review: a reply awaits the office; issued: no reply yet; "
        "partly_replied; overdue: a unit late to acknowledge or to reply (your unit); closed.",
    )


class OrderItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    task: ObjectId = Field(..., description="Task id.")
    deadline: dt.date | None = Field(
        None, description="The order's deadline for the task (督办时限), not before today; the task's due date when left out. "
        "The task's due date does not change.",
    )


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(..., max_length=limits.TITLE)
    body: str = Field("", max_length=limits.REASON)
    reply_by: dt.date
    units: list[ObjectId] = Field([], description="Ids of the target units (the units of the tasks are added).")
    cc_units: list[ObjectId] = Field([], description="Ids of the units the order is copied to (抄送): read and told, nothing owed.")
    items: list[OrderItemIn] = []


class AcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: ObjectId | None = Field(None, description="Which of your units signs, when you work in several targets.")


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=limits.LONG_TEXT, description="What the unit did about the order.")
    unit: ObjectId | None = Field(None, description="Which of your units replies, when you work in several targets.")


def reply_out(reply: OrderReply, unit: Unit) -> dict[str, Any]:
    return {
        "id": reply.pk,
        "order": reply.order_id,
        "unit": unit_out(unit),
        "number": reply.number,
        "text": reply.text,
        "files": [
            {"id": f.pk, "name": f.name, "size": f.size, "kind": f.kind, "url": reverse("supervision:order-reply-file", args=[f.pk])}
            for f in reply.files.all()
        ],
        "submitted_by": person_out(reply.submitted_by),
        "submitted_at": reply.submitted_at,
        "days_late": reply.days_late,
        "status": reply.status,
        "reviewed_by": person_out(reply.reviewed_by),
        "reviewed_at": reply.reviewed_at,
        "review_comment": reply.review_comment,
    }


def order_out(order: Order, on: dt.date) -> dict[str, Any]:
    """An order as the OrderOut schema documents it (its targets, copies and items prefetched)."""
    return {
        "id": order.pk,
        "code": order.code,
        "title": order.title,
        "body": order.body,
        "issued_on": order.issued_on,
        "reply_by": order.reply_by,
        "issued_by": person_out(order.issued_by),
        "status": order.status,
        "closed_on": order.closed_on,
        "targets": [
            {
                "unit": unit_out(t.unit),
                "acknowledged_at": t.acknowledged_at,
                "acknowledgement_overdue": t.ack_overdue(on),
                "reply_status": t.reply_status,
                "reply_days_overdue": t.reply_days_overdue(on),
                "replies": [reply_out(r, t.unit) for r in t.replies.all()],
            }
            for t in order.targets.all()
        ],
        "cc_units": [unit_out(c.unit) for c in order.copies.all()],
        "items": [
            {
                "task": i.task_id, "title": i.task.title, "deadline": i.deadline, "days_past_deadline": i.days_past_deadline(on),
                "due_date": i.task.due_date, "days_past_due": i.days_past_due(on), "status": i.task.status,
                "level": i.task.level, "progress": i.task.progress,
            }
            for i in order.items.all()
        ],
    }


def _order_by_pk(pk: int) -> dict[str, Any]:
    order = Order.objects.select_related("issued_by").prefetch_related(*order_selectors.ORDER_PREFETCH).get(pk=pk)
    return order_out(order, today())


@router.get("/orders", response=OrderPage, summary="Supervision orders")
def list_orders(request: HttpRequest, paging: Query[PageParams], filters: Query[OrderFilters]) -> dict[str, Any]:
    """The office sees every order; a unit the orders addressed or copied to it. ``state`` filters."""
    user = signed_in_user(request)
    on = today()
    qs = order_selectors.visible_orders(user)
    if filters.state:
        qs = order_selectors.filter_rows(user, order_selectors.order_rows(user, on=on), filters.state)
    page = paginate(qs.prefetch_related(*order_selectors.ORDER_PREFETCH), paging)
    return {"count": page["count"], "items": [order_out(order, on) for order in page["items"]]}


@router.get("/orders/{order_id}", response=OrderOut, summary="One supervision order")
def get_order(request: HttpRequest, order_id: Path[ObjectId]) -> dict[str, Any]:
    user = signed_in_user(request)
    order = order_selectors.get_order(user, order_id)
    prefetch_related_objects([order], *order_selectors.ORDER_PREFETCH)
    return order_out(order, today())


@router.post("/orders", response={201: OrderOut}, summary="Issue a supervision order (改革督查令)")
def issue_order(request: HttpRequest, payload: OrderIn) -> Status:
    """The office issues a numbered order to units, listing tasks with the order's own deadlines
    and copied (抄送) to other units. The units of the listed tasks are added to the targets; with
    no unit at all the order is refused (422 ``units``)."""
    user = signed_in_user(request)
    task_ids = [item.task for item in payload.items]
    duplicated = len(set(task_ids)) != len(task_ids)
    data = resolve_ids(
        {"units": list(dict.fromkeys(payload.units)), "cc_units": list(dict.fromkeys(payload.cc_units)), "items": task_ids},
        {
            "units": Ref(Unit.objects.all(), _("Unknown unit ids: %(ids)s."), many=True),
            "cc_units": Ref(Unit.objects.all(), _("Unknown unit ids: %(ids)s."), many=True),
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
        cc_units=data["cc_units"],
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


@router.post(
    "/orders/{order_id}/replies",
    response={201: OrderReplyOut},
    summary="Reply to an order in writing (书面回复; JSON, or multipart with files)",
    openapi_extra=json_or_multipart(ReplyIn, files_field=reply_services.FILES_FIELD, files_description=EVIDENCE_DESCRIPTION),
)
def reply_to_order(request: HttpRequest, order_id: Path[ObjectId]) -> Status:
    """An addressed unit's written reply: ``text``, and files in ``files`` (multipart). It also
    acknowledges the order when the unit had not. A reply after the reply-by date is accepted and
    recorded as late (``days_late``). An order not addressed to the caller's unit is 403; an empty
    reply, a second one while the first awaits review, or one to a closed order is 422."""
    user = signed_in_user(request)
    order = order_selectors.get_order(user, order_id, for_change=True)
    body, files = read_body(request, ReplyIn, files_field=reply_services.FILES_FIELD)
    payload = cast(ReplyIn, body)
    data = resolve_ids(
        {"unit": payload.unit} if payload.unit is not None else {},
        {"unit": Ref(Unit.objects.all(), _("Unknown unit id: %(id)s."), nullable=True)},
    )
    reply = reply_services.reply_to_order(user=user, order=order, unit=data.get("unit"), text=payload.text, files=files)
    return Status(201, _reply_by_pk(reply.pk))


@router.post("/order-replies/{reply_id}/review", response=OrderReplyOut, summary="Accept or return a reply to an order")
def review_reply(request: HttpRequest, reply_id: Path[ObjectId], payload: DecisionIn) -> dict[str, Any]:
    """The office of the order's district accepts a reply or returns it with a comment (422
    ``comment`` without one; 422 ``status`` when it was reviewed already). Accepting the last
    addressed unit's reply closes the order."""
    user = signed_in_user(request)
    reply = order_selectors.get_reply(user, reply_id, for_change=True)
    reply = reply_services.review_order_reply(user=user, reply=reply, accept=payload.accept, comment=payload.comment)
    return _reply_by_pk(reply.pk)


def _reply_by_pk(pk: int) -> dict[str, Any]:
    reply = (
        OrderReply.objects.select_related("submitted_by", "reviewed_by", "target__unit").prefetch_related("files").get(pk=pk)
    )
    return reply_out(reply, reply.target.unit)
