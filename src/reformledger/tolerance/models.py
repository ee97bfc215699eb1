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


class Shortfall(models.TextChoices):
    """How a reform failed or fell short: what makes it a case for fault tolerance (ADR 0047)."""

    TERMINATED = "terminated", _("Terminated")
    SUSPENDED = "suspended", _("Suspended")
    OVERDUE = "overdue", _("Overdue")
    LATE = "late", _("Completed late")
    TASKS_LATE = "tasks_late", _("Tasks overdue")


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
    #: How the reform failed or fell short when the case was filed (:class:`Shortfall`).
    shortfall = models.CharField(_("shortfall"), max_length=12, choices=Shortfall.choices, blank=True)
    #: The final decision's reasons (both opinions' reasons, as the decision was recorded).
    reasons = models.TextField(_("reasons"), blank=True)
    #: The words of the precedent library: what happened with names, units and reform titles taken out.
    anonymised = models.TextField(_("anonymised account"), blank=True)
    anonymised_reasons = models.TextField(_("anonymised reasons"), blank=True)
    #: The precedent library's index of the anonymised account: character-bigram counts (ADR 0048).
    terms = models.JSONField(_("index terms"), default=dict, blank=True)
    term_count = models.PositiveIntegerField(_("index length"), default=0)
    #: The decided case's checklist in codes: ``condition:<code>`` for each condition not met,
    #: ``negative:<code>`` for each negative-list item found to apply (the precedent library's match).
    flags = models.JSONField(_("checklist flags"), default=list, blank=True)

    class Meta:
        verbose_name = _("tolerance case")
        verbose_name_plural = _("tolerance cases")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "year", "state"])]
        constraints = [
            models.CheckConstraint(
                name="tolerance_waiver_between_0_and_1", condition=Q(waiver__gte=0) & Q(waiver__lte=1)
            ),
            models.UniqueConstraint(
                fields=["reform", "unit"], condition=Q(state="submitted"), name="tolerance_one_open_case_per_reform_unit"
            ),
            models.CheckConstraint(
                name="tolerance_outcome_when_decided",
                condition=(Q(state="decided") & ~Q(outcome="")) | (~Q(state="decided") & Q(outcome="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reform} · {self.unit}"


# --- the conditions and the negative list of a district (data per jurisdiction) ---------------------


class ItemKind(models.TextChoices):
    CONDITION = "condition", _("Condition")
    NEGATIVE = "negative", _("Negative list")


class ChecklistItem(TimeStampedModel):
    """One condition of exemption (容错条件) or one item of the negative list (负面清单) of a
    district, edited by its reform office. An item is retired (``is_active`` False), never deleted:
    the cases that answered it keep its words."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    hint = models.CharField(_("hint"), max_length=500, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["district", "kind", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "code"], name="tolerance_item_code_per_district"),
        ]

    def __str__(self) -> str:
        return self.text


class CaseAnswer(models.Model):
    """The applicant's answer to one item: a condition met or not, a negative-list item that
    applies or not; with an explanation. The item's words are kept as answered."""

    case = models.ForeignKey(ToleranceCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), null=True, on_delete=models.SET_NULL, related_name="answers"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    #: For a condition: it is met; for a negative-list item: it applies (a hit).
    answer = models.BooleanField(_("answer"))
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["case", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "code"], name="tolerance_one_answer_per_item")]

    def __str__(self) -> str:
        return self.text


def case_evidence_path(instance, filename: str) -> str:
    return f"tolerance/{instance.case.reform_id}/{filename}"


class CaseEvidence(TimeStampedModel):
    """A file that backs an application (private: served only to those who see the case)."""

    case = models.ForeignKey(ToleranceCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=case_evidence_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ReviewerKind(models.TextChoices):
    OFFICE = "office", _("Reform office")
    DISCIPLINE = "discipline", _("Discipline reviewer")


class CaseReview(TimeStampedModel):
    """One of the two opinions a case needs: the district's reform office's and a discipline
    reviewer's (ADR 0047). The case is decided when both are in: the less generous stands."""

    case = models.ForeignKey(ToleranceCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("reviewed by"), max_length=10, choices=ReviewerKind.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    waiver = models.DecimalField(_("share waived"), max_digits=4, decimal_places=3, default=Decimal("0"))
    reasons = models.TextField(_("reasons"))
    #: Codes of the negative-list items the reviewer found to apply (beyond the applicant's own).
    negative_hits = models.JSONField(_("negative-list items found"), default=list, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="tolerance_one_opinion_per_side"),
            models.CheckConstraint(
                name="tolerance_opinion_waiver_between_0_and_1", condition=Q(waiver__gte=0) & Q(waiver__lte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.kind}"
