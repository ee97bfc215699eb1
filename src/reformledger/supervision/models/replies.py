"""Written replies (书面回复) of the units an order is addressed to, with their files, and the
office's review of each (复核): every reply is kept, a returned one followed by the next."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel

from .orders import Order, OrderTarget
from .reports import Decision


class OrderReply(TimeStampedModel):
    """A unit's written reply to an order (办理回复): what it did, with files; ``number`` counts the
    unit's replies to this order (a returned reply is followed by the next one)."""

    order = models.ForeignKey(Order, verbose_name=_("supervision order"), on_delete=models.CASCADE, related_name="replies")
    target = models.ForeignKey(
        OrderTarget, verbose_name=_("order recipient"), on_delete=models.CASCADE, related_name="replies"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("reply"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("replied at"))
    submitted_on = models.DateField(_("replied on"))
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    status = models.CharField(_("review"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("order reply")
        verbose_name_plural = _("order replies")
        ordering = ["target_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["target", "number"], name="order_reply_number_unique"),
            # At most one reply waiting for review, and at most one accepted, per addressed unit.
            models.UniqueConstraint(
                fields=["target"], condition=Q(status=Decision.PENDING), name="order_reply_one_pending"
            ),
            models.UniqueConstraint(
                fields=["target"], condition=Q(status=Decision.ACCEPTED), name="order_reply_one_accepted"
            ),
        ]
        indexes = [models.Index(fields=["submitted_on"]), models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.target_id}.{self.number}"

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


def reply_file_path(instance: "OrderReplyFile", filename: str) -> str:
    return f"order-replies/{instance.reply.order_id}/{filename}"


class OrderReplyFile(TimeStampedModel):
    """A file that comes with a reply (the evidence of what was done), checked as evidence is."""

    reply = models.ForeignKey(OrderReply, verbose_name=_("order reply"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=reply_file_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("order reply file")
        verbose_name_plural = _("order reply files")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
