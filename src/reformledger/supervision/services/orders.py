"""Supervision orders (改革督查令): the office issues a numbered order to units, listing tasks with
the order's own deadline for each (督办时限: it never changes the task's due date), copied to other
units (抄送); each target unit acknowledges it (签收). Replies, their review and closing are in
:mod:`.replies`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import Unit
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import LOCKED_STATUSES

from .. import notify
from ..models import (
    SETTLED_STATUSES,
    Order,
    OrderCopy,
    OrderItem,
    OrderStatus,
    OrderTarget,
    ReminderKind,
    Task,
)
from ..rollup import today
from .common import Errors, add_error, check_date

#: The reminders that acknowledging an order settles.
ACK_REMINDERS = (ReminderKind.ORDER_ESCALATION,)


def order_prefix(district: Unit | None) -> str:
    """The district's order prefix (``ORDER_PREFIXES`` by district code, else ``ORDER_PREFIX``)."""
    if district is None:
        return settings.ORDER_PREFIX
    return settings.ORDER_PREFIXES.get(district.code, settings.ORDER_PREFIX)


def order_code(*, district: Unit, year: int, number: int) -> str:
    return f"{order_prefix(district)}〔{year}〕{number}号"


@dataclass
class _Checked:
    reply_by: dt.date
    items: list[tuple[Task, dt.date]]
    targets: dict[int, Unit]
    copies: dict[int, Unit]
    district_id: int | None


def _check_reply_by(reply_by, on: dt.date, errors: Errors) -> dt.date | None:
    reply_by = check_date(reply_by, "reply_by", errors)
    if reply_by is None and "reply_by" not in errors:
        add_error(errors, "reply_by", _("An order needs a reply-by date."))
    elif reply_by is not None and reply_by < on:
        add_error(errors, "reply_by", _("The reply-by date has passed."))
    return reply_by


def _check_targets(targets: dict[int, Unit], items: list[tuple[Task, dt.date]], errors: Errors) -> set[int | None]:
    if not targets:
        add_error(errors, "units", _("An order needs at least one target unit."))
    districts = {u.district_id for u in targets.values()} | {t.district_id for t, _d in items}
    if len(districts) > 1:
        add_error(errors, "units", _("An order goes to the units of one district."))
    if any(not u.is_active for u in targets.values()):
        add_error(errors, "units", _("An order cannot go to an inactive unit."))
    return districts


def _check_copies(copies: dict[int, Unit], targets: dict[int, Unit], districts: set[int | None], errors: Errors) -> None:
    both = [u.name for pk, u in copies.items() if pk in targets]
    if both:
        add_error(
            errors, "cc_units",
            _("%(units)s: a unit the order is addressed to is not also copied.") % {"units": "、".join(both)},
        )
    if any(not u.is_active for u in copies.values()):
        add_error(errors, "cc_units", _("An order cannot be copied to an inactive unit."))
    if copies and len(districts) == 1 and {u.district_id or u.pk for u in copies.values()} - districts:
        add_error(errors, "cc_units", _("An order is copied to the units of its own district."))


def _check_deadlines(items: list[tuple[Task, dt.date | None]], on: dt.date, errors: Errors) -> list[tuple[Task, dt.date]]:
    """Each task's deadline in the order (None: the task's due date), on or after the issue date."""
    out = []
    for task, deadline in items:
        deadline = deadline or task.due_date
        if deadline < on:
            add_error(
                errors, "items",
                _("The deadline of “%(task)s” (%(date)s) has passed: give the order's own deadline for it.")
                % {"task": task.title, "date": formats.date_format(deadline, "DATE_FORMAT")},
            )
        out.append((task, deadline))
    return out


def _check_order(
    *, title: str, reply_by, units: Sequence[Unit], cc_units: Sequence[Unit], items: Sequence[tuple[Task, dt.date | None]]
) -> _Checked:
    errors: Errors = {}
    on = today()
    if not (title or "").strip():
        add_error(errors, "title", _("An order needs a title."))
    checked_reply_by = _check_reply_by(reply_by, on, errors)
    tasks = _check_deadlines(
        [(Task.objects.select_related("reform", "unit").get(pk=t.pk), check_date(d, "items", errors)) for t, d in items],
        on, errors,
    )
    targets = {u.pk: u for u in units}
    for task, _deadline in tasks:
        targets.setdefault(task.unit_id, task.unit)
    districts = _check_targets(targets, tasks, errors)
    _check_copies({u.pk: u for u in cc_units}, targets, districts, errors)
    if len({t.pk for t, _d in tasks}) < len(tasks):
        add_error(errors, "items", _("A task can be listed only once in an order."))
    for task, _deadline in tasks:
        if task.reform.status in LOCKED_STATUSES or task.status in SETTLED_STATUSES:
            add_error(errors, "items", _("%(task)s is closed.") % {"task": task.title})
    if errors or checked_reply_by is None:
        raise ValidationError(errors)
    return _Checked(checked_reply_by, tasks, targets, {u.pk: u for u in cc_units}, districts.pop())


@transaction.atomic
def issue_order(
    *,
    user,
    title: str,
    reply_by: dt.date,
    body: str = "",
    units: Sequence[Unit] = (),
    cc_units: Sequence[Unit] = (),
    items: Sequence[tuple[Task, dt.date | None]] = (),
) -> Order:
    """Issue a numbered supervision order to units, listing tasks with the order's deadline for
    each (督办时限; None: the task's due date), not before today. The order's deadline is its own:
    the task's due date does not change. The units responsible for the tasks are added to the
    targets; ``cc_units`` are copied (抄送): they read the order and are told of it."""
    require(user, "supervision.issue_order", message=_("Only the reform office issues supervision orders."))
    checked = _check_order(title=title, reply_by=reply_by, units=units, cc_units=cc_units, items=items)
    district = Unit.objects.select_for_update().get(pk=checked.district_id)  # type: ignore[misc]  # one district, checked
    # The office issues orders in its own district only, to its units, numbered in its sequence (ADR 0025).
    require(user, "supervision.issue_order", district, message=_("The reform office issues orders only to its own district's units."))
    on = today()
    number = (Order.objects.filter(district=district, year=on.year).aggregate(m=Max("number"))["m"] or 0) + 1
    order = Order.objects.create(
        district=district,
        year=on.year,
        number=number,
        code=order_code(district=district, year=on.year, number=number),
        title=title.strip(),
        body=(body or "").strip(),
        issued_by=user,
        issued_on=on,
        reply_by=checked.reply_by,
    )
    OrderTarget.objects.bulk_create([OrderTarget(order=order, unit=u) for u in checked.targets.values()])
    OrderCopy.objects.bulk_create([OrderCopy(order=order, unit=u) for u in checked.copies.values()])
    OrderItem.objects.bulk_create([OrderItem(order=order, task=task, deadline=deadline) for task, deadline in checked.items])
    log_action(
        user, "order.issue", order,
        {
            "code": [None, order.code],
            "units": [None, sorted(checked.targets)],
            "cc_units": [None, sorted(checked.copies)],
            "tasks": [None, [t.pk for t, _d in checked.items]],
            "deadlines": [None, {str(t.pk): d.isoformat() for t, d in checked.items}],
        },
    )
    notify.order_issued(order)
    return order


@transaction.atomic
def acknowledge_order(*, user, order: Order, unit: Unit | None = None) -> OrderTarget:
    """The target unit signs for an order (签收). A person in several target units names the unit."""
    actor = actor_for(user)
    targets = OrderTarget.objects.select_for_update().filter(order=order, unit_id__in=actor.unit_ids)
    if unit is not None:
        targets = targets.filter(unit=unit)
    # The units still to sign first (NULLs sort last on PostgreSQL unless told).
    target = targets.order_by(F("acknowledged_at").asc(nulls_first=True), "pk").first()
    if target is None:
        raise PermissionDenied(_("This order is not addressed to your unit."))
    require(user, "supervision.acknowledge_order", target)
    if target.acknowledged_at is not None:
        raise ValidationError({"order": _("Your unit acknowledged this order on %(date)s.") % {"date": formats.date_format(timezone.localdate(target.acknowledged_at), "DATE_FORMAT")}})
    mark_acknowledged(target, user=user)
    log_action(user, "order.acknowledge", order, {"unit": [None, target.unit_id]})
    return target


def mark_acknowledged(target: OrderTarget, *, user) -> None:
    """Record the acknowledgement (the caller holds the target's row lock and audits it) and settle
    the reminders that asked for it: the "not acknowledged" escalation is not sent any more."""
    target.acknowledged_at = timezone.now()
    target.acknowledged_by = user
    target.save(update_fields=["acknowledged_at", "acknowledged_by"])
    notify.settle(order_id=target.order_id, unit_id=target.unit_id, kinds=ACK_REMINDERS)


def closed_error(order: Order) -> ValidationError | None:
    """The error for a write on a closed order, or None while it is open."""
    if order.status == OrderStatus.CLOSED:
        closed_on = formats.date_format(order.closed_on, "DATE_FORMAT") if order.closed_on else ""
        return ValidationError({"order": _("This order was closed on %(date)s.") % {"date": closed_on}})
    return None
