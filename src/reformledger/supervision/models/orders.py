"""Supervision orders (督办单): to whom, about which tasks, by when."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit

from .tasks import Task


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

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "number"], name="order_number_unique"),
            models.UniqueConstraint(fields=["district", "code"], name="order_code_unique_in_district"),
            models.CheckConstraint(condition=Q(reply_by__gte=F("issued_on")), name="order_reply_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class OrderTarget(models.Model):
    """A unit an order is addressed to, and its acknowledgement (签收)."""

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

    class Meta:
        verbose_name = _("order recipient")
        verbose_name_plural = _("order recipients")
        constraints = [models.UniqueConstraint(fields=["order", "unit"], name="order_target_unique")]
        indexes = [models.Index(fields=["unit", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.order.code} → {self.unit}"


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
