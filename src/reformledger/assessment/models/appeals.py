"""Appeals (申诉) against a line item of a published version (issue 11 part 3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit

from .results import Assessment, LineItem


class AppealState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Appeal(TimeStampedModel):
    line_item = models.ForeignKey(LineItem, verbose_name=_("line item"), on_delete=models.PROTECT, related_name="appeals")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    #: What the unit asks for: the points it believes right, if it names them.
    requested_points = models.DecimalField(_("points requested"), max_digits=10, decimal_places=3, null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=AppealState.choices, default=AppealState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    #: The points the office set on upholding (the new version's line item carries them).
    decided_points = models.DecimalField(_("points decided"), max_digits=10, decimal_places=3, null=True, blank=True)
    #: The version an upheld appeal produced.
    resulting_assessment = models.ForeignKey(
        Assessment, verbose_name=_("resulting version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["line_item"], condition=Q(state="submitted"), name="assessment_one_open_appeal_per_line_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.line_item_id}"
