"""Extension requests (延期申请): a unit asks the office for more time on a task."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform

from .decisions import DecidedByOffice
from .tasks import Task


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(TimeStampedModel, DecidedByOffice):
    """A unit's request to move a task's due date (延期申请), approved (with the date the office
    grants) or refused by the office. ``due_date`` is the task's due date when the unit asked."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="extension_requests")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due date when asked"))
    requested_date = models.DateField(_("requested due date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    granted_date = models.DateField(_("granted due date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "status", "-created_at"]),
            models.Index(fields=["unit", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="one_pending_extension_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.requested_date}"
