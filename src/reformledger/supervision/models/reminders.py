"""Reminders (提醒、催办), their deliveries per channel, and the daily scan's runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reformledger.org.models import Unit
from reformledger.reforms.models import Reform

from .orders import Order
from .tasks import Task


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation to the leader")
    URGE = "urge", _("Urging (催办)")
    ORDER = "order", _("Supervision order")
    ORDER_ESCALATION = "order_escalation", _("Order not acknowledged")
    ORDER_REPLY_DUE = "order_reply_due", _("Order reply due")
    ORDER_REPLY_OVERDUE = "order_reply_overdue", _("Order reply overdue")
    ORDER_REPLY = "order_reply", _("Order reply received")
    HELP = "help", _("Help needed")
    REVIEW = "review", _("Review result")
    #: Something waits for the reform office (a report, an application, a request, help needed).
    FOR_OFFICE = "for_office", _("Waiting for the office")
    #: About the person's own account: a one-time password issued for them, their e-mail changed.
    ACCOUNT = "account", _("Your account")


class Reminder(models.Model):
    """One message to one unit or person, made once: ``key`` is its idempotency key
    (e.g. ``overdue:task:42:2026-11-26``), so a scan run twice on one day makes nothing new."""

    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    reform = models.ForeignKey(
        Reform, verbose_name=_("reform"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("supervision order"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    #: When the step the reminder asks for was done (an order acknowledged, a reply accepted): its
    #: deliveries not yet sent are withdrawn then, and the inbox shows it as settled.
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "kind"]), models.Index(fields=["district", "created_at"])]

    def __str__(self) -> str:
        return self.subject


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot (WeCom / DingTalk)")


class Delivery(models.Model):
    """One reminder on one channel to one recipient: sent exactly once.

    Inbox deliveries are made in the reminder's own transaction. E-mail and webhook deliveries are
    sent by the worker, which locks the row, sends, and records ``sent_at`` in one transaction.
    """

    class DeliveryStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        #: Not sent: the step the reminder asked for was done first.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reminder = models.ForeignKey(
        Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "channel", "address"], name="delivery_once_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"], name="delivery_inbox"),
            models.Index(fields=["status", "channel"]),
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} via {self.channel} to {self.address}"

    @property
    def idempotency_key(self) -> str:
        return f"{self.reminder.key}|{self.channel}|{self.address}"


class ScanRun(models.Model):
    """One day's run of ``scan-deadlines``: the worker's schedule makes one per day, and a run
    records what it changed and created."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("deadline scan")
        verbose_name_plural = _("deadline scans")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
