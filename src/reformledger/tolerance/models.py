"""Fault-tolerance cases (容错纠错, DOMAIN.md mechanism 10, issue 11 part 4).

A responsible person applies for exemption on a reform that failed or fell short; the office and a
discipline reviewer decide: ``exempt`` (the linked assessment penalties are waived whole),
``partly`` (a share of them, :attr:`ToleranceCase.waiver`) or ``rejected``. The assessment reads
the decided cases through :func:`reformledger.tolerance.selectors.exemptions`; a waived penalty's
line item links the case, it is never edited by hand.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    EXEMPT = "exempt", _("Exempt")
    PARTLY = "partly", _("Partly exempt")
    REJECTED = "rejected", _("Rejected")


class ToleranceCase(TimeStampedModel):
    """One application for exemption (容错申请) by a person responsible for a reform."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.PROTECT, related_name="tolerance_cases")
    #: The unit whose assessment penalties the case may waive (the applicant's unit, which leads or co-runs the reform).
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tolerance_cases")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="tolerance_cases"
    )
    #: The assessment year whose penalties the case concerns.
    year = models.PositiveSmallIntegerField(_("year"))
    what_happened = models.TextField(_("what happened"))
    state = models.CharField(_("state"), max_length=10, choices=CaseState.choices, default=CaseState.SUBMITTED)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    #: Share of the linked penalties waived: 1 for ``exempt``, between 0 and 1 for ``partly``, 0 otherwise.
    waiver = models.DecimalField(
        _("share waived"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tolerance case")
        verbose_name_plural = _("tolerance cases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "year", "state"])]
        constraints = [
            models.CheckConstraint(
                name="tolerance_waiver_between_0_and_1", condition=Q(waiver__gte=0) & Q(waiver__lte=1)
            ),
            models.CheckConstraint(
                name="tolerance_outcome_when_decided",
                condition=(Q(state="decided") & ~Q(outcome="")) | (~Q(state="decided") & Q(outcome="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reform} · {self.unit}"
