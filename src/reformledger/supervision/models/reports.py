"""Progress reports (进展报告) and the help they ask for (需协调事项)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform

from .tasks import Task


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ProgressReport(TimeStampedModel):
    """A unit's report on one task (进展报告): percent done, what was done, problems, help needed."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    # The task's district, copied (as tasks copy their reform's, and follow it): the office's queue
    # of reports to review is counted and listed by district without joining every task of it.
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+", db_index=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("reported on"))
    percent = models.PositiveSmallIntegerField(
        _("percent done"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("what was done"))
    problems = models.TextField(_("problems"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    status = models.CharField(_("review"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["task", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
            # A district's queue, oldest first (the reports to review, the workbench's preview).
            models.Index(fields=["district", "status", "created_at", "id"], name="report_district_queue"),
        ]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_0_100")]

    def __str__(self) -> str:
        return f"{self.task} · {self.percent}%"


class HelpRequest(TimeStampedModel):
    """Help needed (需协调事项) raised by a report: escalated to the special group's leader and
    tracked until someone records how it was resolved."""

    class HelpStatus(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    report = models.OneToOneField(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="help"
    )
    reform = models.ForeignKey(
        Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="help_requests"
    )
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    text = models.TextField(_("help needed"))
    status = models.CharField(_("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["leader", "status"]), models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.text[:50]
