"""Written replies to supervision orders (书面回复) and the office's review of them (复核), which
closes the order (办结) when the last addressed unit's reply is accepted.

* Only the staff and head of an addressed unit reply, for that unit. A reply from a unit that has
  not acknowledged the order yet acknowledges it at the same time (a written reply is the surest
  proof that the order was received): both are recorded, the acknowledgement marked ``implicit``.
* A reply needs its text; files are optional and checked as evidence is (content, size). A reply
  after the order's reply-by date is accepted and recorded as late, with the days.
* A unit has at most one reply waiting for review; after a return it replies again. Every reply
  is kept.
* The office of the order's district accepts or returns (with a comment) each reply, once.
  Accepting the last one closes the order, audited as ``order.close``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for

from .. import notify
from ..models import Decision, Order, OrderReply, OrderReplyFile, OrderStatus, OrderTarget, ReminderKind
from ..rollup import today
from .common import Errors, add_error
from .evidence import check_evidence
from .orders import closed_error, mark_acknowledged

#: The reminders that an accepted reply settles.
REPLY_REMINDERS = (ReminderKind.ORDER_REPLY_DUE, ReminderKind.ORDER_REPLY_OVERDUE, ReminderKind.ORDER_ESCALATION)
#: The form field (and multipart field) of a reply's files.
FILES_FIELD = "files"


def _target_for(user, order: Order, unit: Unit | None) -> OrderTarget:
    """The caller's addressed unit that replies (locked): the named one, or the first of theirs
    that owes a reply. 403 when the order is not addressed to a unit of theirs."""
    targets = OrderTarget.objects.select_for_update().filter(order=order, unit_id__in=actor_for(user).unit_ids)
    if unit is not None:
        targets = targets.filter(unit=unit)
    candidates = list(targets.select_related("unit").order_by("pk"))
    owing = [t for t in candidates if t.reply_status in ("", Decision.RETURNED)]
    if not candidates:
        raise PermissionDenied(_("This order is not addressed to your unit."))
    target = (owing or candidates)[0]
    require(user, "supervision.reply_to_order", target)
    return target


def _check_reply(order: Order, target: OrderTarget, text: str, files: Sequence) -> list[tuple[Any, str]]:
    errors: Errors = {}
    closed = closed_error(order)
    if closed is not None:
        raise closed
    if target.reply_status == Decision.PENDING:
        add_error(errors, "order", _("%(unit)s's reply awaits the office's review.") % {"unit": target.unit.name})
    elif target.reply_status == Decision.ACCEPTED:
        add_error(
            errors, "order",
            _("The office accepted %(unit)s's reply on %(date)s.") % {"unit": target.unit.name, "date": formats.date_format(target.accepted_on, "DATE_FORMAT") if target.accepted_on else ""},
        )
    if not (text or "").strip():
        add_error(errors, "text", _("Write the reply: what your unit did about the order."))
    try:
        checked = check_evidence(files, field=FILES_FIELD)
    except ValidationError as exc:
        for message in exc.message_dict[FILES_FIELD]:
            add_error(errors, FILES_FIELD, message)
        checked = []
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def reply_to_order(*, user, order: Order, text: str, files: Sequence = (), unit: Unit | None = None) -> OrderReply:
    """An addressed unit's written reply (text and files). ``unit`` names the unit when the person
    works in several addressed units. Acknowledges the order too when the unit had not."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    target = _target_for(user, order, unit)
    checked = _check_reply(order, target, text, files)
    changes: list[Change] = []
    if target.acknowledged_at is None:
        mark_acknowledged(target, user=user)
        changes.append(Change("order.acknowledge", order, {"unit": [None, target.unit_id], "implicit": True}))
    now = timezone.now()
    on = today()
    number = (target.replies.aggregate(m=Max("number"))["m"] or 0) + 1
    reply = OrderReply.objects.create(
        order=order, target=target, number=number, text=text.strip(), submitted_by=user, submitted_at=now,
        submitted_on=on, days_late=max(0, (on - order.reply_by).days),
    )
    stored = [
        OrderReplyFile.objects.create(reply=reply, file=upload, name=upload.name[:200], kind=kind, size=upload.size, uploaded_by=user)
        for upload, kind in checked
    ]
    target.reply_status = Decision.PENDING
    target.save(update_fields=["reply_status"])
    changes.append(
        Change(
            "order.reply", order,
            {
                "unit": [None, target.unit_id], "reply": [None, reply.pk], "number": number,
                "days_late": reply.days_late, FILES_FIELD: [None, [f.name for f in stored]],
            },
        )
    )
    log_actions(user, changes)
    notify.order_replied(reply, unit=target.unit)
    return reply


@transaction.atomic
def review_order_reply(*, user, reply: OrderReply, accept: bool, comment: str = "") -> OrderReply:
    """The office accepts a reply or returns it with a comment (the unit then replies again).
    Accepting the last addressed unit's reply closes the order (办结)."""
    reply = OrderReply.objects.select_related("order").get(pk=reply.pk)
    require(user, "supervision.review_order_reply", reply.order, message=_("Only the reform office reviews replies."))
    order = Order.objects.select_for_update().get(pk=reply.order_id)
    reply = OrderReply.objects.select_for_update().get(pk=reply.pk)
    if reply.status != Decision.PENDING:
        raise ValidationError(
            {"status": _("This reply was already reviewed (%(status)s).") % {"status": reply.get_status_display()}}
        )
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say why the reply is returned.")})
    on = today()
    reply.status = Decision.ACCEPTED if accept else Decision.RETURNED
    reply.reviewed_by, reply.reviewed_at, reply.review_comment = user, timezone.now(), comment
    reply.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    target = OrderTarget.objects.select_for_update().select_related("unit").get(pk=reply.target_id)
    target.reply_status = reply.status
    target.accepted_on = on if accept else None
    target.save(update_fields=["reply_status", "accepted_on"])
    changes = [
        Change(
            "order.review_reply", order,
            {"unit": [None, target.unit_id], "reply": [reply.pk, reply.pk], "status": [Decision.PENDING, reply.status], "comment": comment},
        )
    ]
    if accept and not OrderTarget.objects.filter(order=order).exclude(reply_status=Decision.ACCEPTED).exists():
        order.status, order.closed_on = OrderStatus.CLOSED, on
        order.save(update_fields=["status", "closed_on", "updated_at"])
        changes.append(Change("order.close", order, {"status": [OrderStatus.ISSUED, OrderStatus.CLOSED], "closed_on": [None, on]}))
    log_actions(user, changes)
    if accept:
        notify.settle(order_id=order.pk, unit_id=target.unit_id, kinds=REPLY_REMINDERS)
    notify.reply_reviewed(reply, order=order, unit=target.unit)
    return reply
