"""The caller's inbox: reminders, urgings, orders; marking them read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from reformledger.core.api import ObjectId, PageParams, signed_in_user

from ..models import Delivery, ReminderKind
from ..selectors import inbox as inbox_selectors
from ..services import inbox as inbox_services
from .schemas import PersonRef, person_out

router = Router()


class InboxItem(Schema):
    id: int = Field(description="The message's id in the inbox (send it to /inbox/read).")
    kind: ReminderKind
    subject: str
    text: str
    link: str
    sender: PersonRef | None
    task: int | None
    reform: int | None
    order: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxPage(Schema):
    count: int
    unread: int
    items: list[InboxItem]


class ReadOut(Schema):
    marked: int = Field(description="How many messages this call marked read.")
    unread: int


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    ids: list[ObjectId] | None = Field(None, description="Message ids; all unread messages when left out.")


def _item(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.reminder.kind,
        "subject": d.reminder.subject,
        "text": d.reminder.text,
        "link": d.reminder.link,
        "sender": person_out(d.reminder.sender),
        "task": d.reminder.task_id,
        "reform": d.reminder.reform_id,
        "order": d.reminder.order_id,
        "created_at": d.reminder.created_at,
        "read_at": d.read_at,
    }


@router.get("/inbox", response=InboxPage, summary="My inbox: reminders, urgings, orders")
def list_inbox(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The caller's messages, newest first, with how many are unread."""
    user = signed_in_user(request)
    qs = inbox_selectors.inbox(user)
    # Counted every time: reading a message is not an audited write, so no cached count would notice.
    totals = qs.aggregate(count=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    start = (paging.page - 1) * paging.page_size
    rows: list[Delivery] = list(qs[start : start + paging.page_size]) if start < totals["count"] else []
    return {"count": totals["count"], "unread": totals["unread"], "items": [_item(d) for d in rows]}


@router.post("/inbox/read", response=ReadOut, summary="Mark my messages read")
def mark_inbox_read(request: HttpRequest, payload: ReadIn | None = None) -> dict[str, Any]:
    """All unread messages, or those named in ``ids`` (ids of other people's messages change nothing)."""
    user = signed_in_user(request)
    ids = payload.ids if payload is not None else None
    marked = inbox_services.mark_read(user=user, delivery_ids=ids)
    return {"marked": marked, "unread": inbox_selectors.unread_count(user)}
