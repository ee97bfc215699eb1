"""Decisions the office and the committee take: completion (办结) and change requests (改革深化)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.reforms.models import Reform

from .reports import Decision


class CompletionStatus(models.TextChoices):
    """A completion's decision: the report decisions, and ``reopened`` for an accepted completion
    the office reopened with a reason (the record stays)."""

    PENDING = Decision.PENDING.value, Decision.PENDING.label
    ACCEPTED = Decision.ACCEPTED.value, Decision.ACCEPTED.label
    RETURNED = Decision.RETURNED.value, Decision.RETURNED.label
    REOPENED = "reopened", _("Reopened")


class DecidedByOffice(models.Model):
    """Who in the office decided a request (completion, change, extension) and when: empty while
    it waits."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


class Completion(TimeStampedModel, DecidedByOffice):
    """The lead unit's application to close a reform (办结申请), accepted or returned by the office;
    an accepted one the office may reopen with a reason."""

    reform = models.ForeignKey(
        Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="completions"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary of results"))
    status = models.CharField(
        _("decision"), max_length=10, choices=CompletionStatus.choices, default=CompletionStatus.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    #: The reform's own progress before the completion set it to 100% (restored by a reopening
    #: when the reform has no tasks).
    progress_before = models.PositiveSmallIntegerField(_("progress before completion"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        verbose_name = _("completion application")
        verbose_name_plural = _("completion applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reform"], condition=Q(status="pending"), name="one_pending_completion_per_reform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reform} · {self.get_status_display()}"


class ChangeRequest(TimeStampedModel, DecidedByOffice):
    """A request to adjust a reform (改革深化): new goals, measures, deliverables or dates.

    ``proposed`` holds the new values; ``before`` records the old ones when the change applies.
    """

    class CRStatus(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    reform = models.ForeignKey(
        Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="change_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed = models.JSONField(_("proposed changes"))
    before = models.JSONField(_("values before"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=CRStatus.choices, default=CRStatus.PENDING)
    decision_note = models.TextField(_("decision note"), blank=True)
    committee_meeting = models.CharField(_("committee meeting"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.reform} · {self.get_status_display()}"
