"""Supervision orders (督办单): to whom, about which tasks, by when; copied to whom (抄送); each
addressed unit's acknowledgement (签收) and the state of its written reply (书面回复).

An order runs 交办 → 签收 → 办理/回复 → 复核 → 办结: it is ``issued`` until the office has accepted
the reply of every unit it is addressed to, then ``closed`` (:mod:`..services.replies`)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit

from .reports import Decision
from .tasks import SETTLED_STATUSES, Task


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")


#: A target's reply state: none yet, or its latest reply's review (pending, accepted, returned).
REPLY_STATES = [("", _("No reply yet")), *Decision.choices]


class Order(TimeStampedModel):
    """A supervision order (改革督查令), numbered per district and year, e.g. 罗改督〔2018〕3号."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("order number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    reply_by = models.DateField(_("reply by"))
    status = models.CharField(_("status"), max_length=8, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    copied_to = models.ManyToManyField(
        Unit, verbose_name=_("copied to (抄送)"), through="OrderCopy", related_name="order_copies", blank=True
    )

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "number"], name="order_number_unique"),
            models.UniqueConstraint(fields=["district", "code"], name="order_code_unique_in_district"),
            models.CheckConstraint(condition=Q(reply_by__gte=F("issued_on")), name="order_reply_after_issue"),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.ISSUED, closed_on__isnull=True)
                | Q(status=OrderStatus.CLOSED, closed_on__isnull=False),
                name="order_closed_on_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["district", "status", "reply_by"], name="order_open_by_reply")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class OrderCopy(models.Model):
    """A unit an order is copied to (抄送): it reads the order and is told of it, and owes nothing."""

    order = models.ForeignKey(Order, verbose_name=_("supervision order"), on_delete=models.CASCADE, related_name="copies")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("order copy")
        verbose_name_plural = _("order copies")
        constraints = [models.UniqueConstraint(fields=["order", "unit"], name="order_copy_unique")]
        indexes = [models.Index(fields=["unit", "order"])]

    def __str__(self) -> str:
        return f"{self.order_id} cc {self.unit_id}"


def ack_overdue_q(on: dt.date, prefix: str = "") -> Q:
    """An addressed unit (``prefix``: the path to the OrderTarget) of an open order that has not
    acknowledged it ``ORDER_ACK_DAYS`` days after issue."""
    return Q(**{
        f"{prefix}order__status": OrderStatus.ISSUED,
        f"{prefix}acknowledged_at__isnull": True,
        f"{prefix}order__issued_on__lte": on - dt.timedelta(days=settings.ORDER_ACK_DAYS),
    })


def reply_overdue_q(on: dt.date, prefix: str = "") -> Q:
    """An addressed unit of an open order without an accepted reply after the reply-by date."""
    return Q(**{f"{prefix}order__status": OrderStatus.ISSUED, f"{prefix}order__reply_by__lt": on}) & ~Q(
        **{f"{prefix}reply_status": Decision.ACCEPTED}
    )


class OrderTargetQuerySet(models.QuerySet):
    """The addressed units of open orders that are late on a given day: the scan, the board, the
    bulletin and the order list ask these questions the same way."""

    def ack_overdue(self, on: dt.date) -> "OrderTargetQuerySet":
        return self.filter(ack_overdue_q(on))

    def reply_overdue(self, on: dt.date) -> "OrderTargetQuerySet":
        return self.filter(reply_overdue_q(on))

    def overdue(self, on: dt.date) -> "OrderTargetQuerySet":
        """Late to acknowledge or late to reply."""
        return self.filter(ack_overdue_q(on) | reply_overdue_q(on))


class OrderTarget(models.Model):
    """A unit an order is addressed to, its acknowledgement (签收) and the state of its reply
    (the latest :class:`~.replies.OrderReply`'s review, kept here by the reply services so that
    lists and counts read one row per unit)."""

    order = models.ForeignKey(
        Order, verbose_name=_("supervision order"), on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="order_targets"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_status = models.CharField(_("reply"), max_length=10, choices=REPLY_STATES, blank=True, default="")
    accepted_on = models.DateField(_("reply accepted on"), null=True, blank=True)

    objects = OrderTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("order recipient")
        verbose_name_plural = _("order recipients")
        constraints = [
            models.UniqueConstraint(fields=["order", "unit"], name="order_target_unique"),
            models.CheckConstraint(
                condition=Q(reply_status=Decision.ACCEPTED, accepted_on__isnull=False)
                | (~Q(reply_status=Decision.ACCEPTED) & Q(accepted_on__isnull=True)),
                name="order_target_accepted_on",
            ),
        ]
        indexes = [models.Index(fields=["unit", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.order.code} → {self.unit}"

    def ack_overdue(self, on: dt.date) -> bool:
        """As :func:`ack_overdue_q`, for one loaded target (its order loaded too)."""
        order = self.order
        return (
            order.status == OrderStatus.ISSUED and self.acknowledged_at is None
            and order.issued_on <= on - dt.timedelta(days=settings.ORDER_ACK_DAYS)
        )

    @property
    def ack_late(self) -> bool:
        """:meth:`ack_overdue` today (for pages)."""
        return self.ack_overdue(timezone.localdate())

    @property
    def reply_late(self) -> int:
        """:meth:`reply_days_overdue` today (for pages)."""
        return self.reply_days_overdue(timezone.localdate())

    def reply_days_overdue(self, on: dt.date) -> int:
        """As :func:`reply_overdue_q`: days since the reply-by date without an accepted reply (0: not late)."""
        order = self.order
        if order.status != OrderStatus.ISSUED or self.reply_status == Decision.ACCEPTED or order.reply_by >= on:
            return 0
        return (on - order.reply_by).days


class OrderItem(models.Model):
    """A task an order lists, with the deadline the order sets for it."""

    order = models.ForeignKey(
        Order, verbose_name=_("supervision order"), on_delete=models.CASCADE, related_name="items"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="order_items"
    )
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["order", "task"], name="order_item_unique")]

    def __str__(self) -> str:
        return f"{self.order.code}: {self.task}"

    def days_past_deadline(self, on: dt.date) -> int:
        """Days the open task is past the order's deadline (督办超期; 0: not)."""
        return (on - self.deadline).days if self.deadline < on and self.task.status not in SETTLED_STATUSES else 0

    @property
    def late_order(self) -> int:
        """:meth:`days_past_deadline` today (for pages)."""
        return self.days_past_deadline(timezone.localdate())

    @property
    def late_due(self) -> int:
        """:meth:`days_past_due` today (for pages)."""
        return self.days_past_due(timezone.localdate())

    def days_past_due(self, on: dt.date) -> int:
        """Days the open task is past its own due date (0: not)."""
        task = self.task
        return (on - task.due_date).days if task.due_date < on and task.status not in SETTLED_STATUSES else 0

    @staticmethod
    def overdue_q(on: dt.date, prefix: str = "") -> Q:
        """Order overdue (督办超期): the order's deadline for the task has passed and the task is
        not done. ``prefix``: the path to the item (``"items__"`` from an order)."""
        return Q(**{f"{prefix}deadline__lt": on}) & ~Q(**{f"{prefix}task__status__in": SETTLED_STATUSES})
