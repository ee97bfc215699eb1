"""Computed versions: every unit's score as line items whose sum is the score (issue 11 part 2).

An :class:`Assessment` is one computation of a scheme over one district's year. The official ones
are numbered versions: ``draft`` → ``reviewed`` → ``published`` (frozen: its hash is in the audit
chain) → ``superseded`` when a later version (a recomputation, an upheld appeal) is published.
Dry runs (a scheme tried on last year's data before adoption) are kept apart by ``purpose`` and
never ranked as official; what-if previews are computed and thrown away, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.casestudies.models import Adoption, CaseStudy
from reformledger.core.models import TimeStampedModel
from reformledger.evaluation.models import Round
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform
from reformledger.supervision.models import Task
from reformledger.tolerance.models import ToleranceCase

from .schemes import Rule, Scheme


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class AssessmentPurpose(models.TextChoices):
    OFFICIAL = "official", _("Official")
    DRY_RUN = "dry_run", _("Dry run")


class Assessment(TimeStampedModel):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="assessments")
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    #: The year whose data was assessed (the scheme's year, or last year's for a dry run).
    year = models.PositiveSmallIntegerField(_("year"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=AssessmentPurpose.choices, default=AssessmentPurpose.OFFICIAL)
    #: 1, 2, … per district, year and purpose.
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=12, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    #: The published version this one was recomputed against (its diff is shown), if any.
    previous = models.ForeignKey(
        "self", verbose_name=_("previous version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    #: Whether the published ranking is shown on the public site.
    is_public = models.BooleanField(_("public"), default=False)
    #: SHA-256 of the canonical results (scores, ranks, line items) and the scheme's hash, set on publication.
    content_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["district", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "purpose", "version"], name="assessment_version_unique"),
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=Q(purpose="official", state="published"),
                name="assessment_one_published_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"


class LineAdjustment(models.TextChoices):
    RULE = "rule", _("Held to the rule's floor or cap")
    SCHEME = "scheme", _("Held to the scheme's floor or cap")


class UnitScore(models.Model):
    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=3)
    #: Competition rank (1, 1, 3 …): tied units share the rank, the next skips.
    rank = models.PositiveIntegerField(_("rank"))
    #: Units whose scores lie within the scheme's noise margin of each other share a band number.
    noise_band = models.PositiveIntegerField(_("noise band"), default=0)

    class Meta:
        verbose_name = _("unit score")
        verbose_name_plural = _("unit scores")
        ordering = ["assessment", "rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="assessment_unit_score_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.score}"


class LineItem(models.Model):
    """One reason for points: a rule applied to a unit, resting on a reform, a task, a rating round,
    a case study's adoption, a commendation, or an imported figure; ``waived_by`` links the
    tolerance case that waived (a share of) a penalty."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="line_items")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    #: None only for the adjustment that holds a unit's total between the scheme's floor and cap.
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.PROTECT, related_name="line_items")
    points = models.DecimalField(_("points"), max_digits=10, decimal_places=3)
    #: The measured quantity the points came from (instances, months, rank, score…), if any.
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(Round, verbose_name=_("rating round"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case_study = models.ForeignKey(CaseStudy, verbose_name=_("case study"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    adoption = models.ForeignKey(Adoption, verbose_name=_("adoption"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commendation = models.ForeignKey(
        "Commendation", verbose_name=_("commendation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waived_by = models.ForeignKey(
        ToleranceCase, verbose_name=_("waived by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The points the penalty would have been without the waiver (0 when nothing was waived).
    waived_points = models.DecimalField(_("points waived"), max_digits=10, decimal_places=3, default=0)
    #: "" for a rule's own line; "rule" for the adjustment to a rule's floor or cap; "scheme" for the
    #: adjustment to the scheme's floor or cap of a unit's score (then ``rule`` is None).
    adjustment = models.CharField(_("adjustment"), max_length=8, choices=LineAdjustment.choices, blank=True, default="")

    class Meta:
        verbose_name = _("line item")
        verbose_name_plural = _("line items")
        ordering = ["assessment", "unit_id", "rule__position", "pk"]
        indexes = [models.Index(fields=["assessment", "unit"])]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.points}"
