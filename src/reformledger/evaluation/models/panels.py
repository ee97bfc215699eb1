"""Expert panels (评审组): the district's expert pool, a panel for an ``expert`` round, its rubric
(评分细则), the experts' sheets and marks, and the history of sheets the office reopened.

* :class:`Expert` — a person of the district's expert pool (决策咨询专家库): the signed-in person
  (a :class:`~reformledger.org.models.User` with the ``expert`` role), the name and affiliation
  printed on the panel's report, their field, and the unit they belong to, if any (a conflict of
  interest: they never score a reform their unit leads or co-runs).
* :class:`Panel` — one per expert round: members, rubric, the trimmed-mean rule and its state
  (forming → scoring → closed).
* :class:`Criterion` — one line of the rubric: maximum points and weight. A sheet's total is
  Σ points × weight; the rubric's maximum total (Σ max × weight) is 100 when scoring opens.
* :class:`Sheet` — one expert's marks for one reform (one per member × reform, made when scoring
  opens). A conflicted pair's sheet is made ``excluded`` and never scored, so the exclusion is on
  record and shown.
* :class:`Mark` — points for one criterion, 0 to its maximum, with at most one decimal.
* :class:`SheetReopening` — the office reopened a submitted sheet, with its reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform

from .rounds import Round

#: The rubric's maximum total (Σ max points × weight) must be this when scoring opens.
RUBRIC_TOTAL = Decimal(100)
#: Drop the highest and the lowest total when at least this many experts scored a reform (default).
DEFAULT_TRIM_MIN_EXPERTS = 5
#: A rubric has at most this many criteria.
MAX_CRITERIA = 12


class Expert(TimeStampedModel):
    """A person of one district's expert pool."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="expert_entries"
    )
    name = models.CharField(_("name"), max_length=100)
    affiliation = models.CharField(_("affiliation"), max_length=200)
    field = models.CharField(_("field"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit they belong to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("An expert never scores a reform this unit leads or co-runs."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["district", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["district", "person"], name="expert_once_per_pool")]

    def __str__(self) -> str:
        return self.name


class PanelState(models.TextChoices):
    FORMING = "forming", _("Forming")
    SCORING = "scoring", _("Scoring")
    CLOSED = "closed", _("Scoring closed")


class Panel(TimeStampedModel):
    """The panel of one expert round."""

    round = models.OneToOneField(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="panel")
    #: The round's district, kept here so that every scoped read filters one column.
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=PanelState.choices, default=PanelState.FORMING)
    trim_min_experts = models.PositiveSmallIntegerField(
        _("drop the highest and lowest from"), default=DEFAULT_TRIM_MIN_EXPERTS,
        help_text=_("With at least this many experts' totals, the highest and the lowest are dropped (去掉一个最高分和一个最低分)."),
    )
    members = models.ManyToManyField(Expert, verbose_name=_("members"), blank=True, related_name="panels")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("formed by"), on_delete=models.PROTECT, related_name="+"
    )
    scoring_opened_at = models.DateTimeField(_("scoring opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(trim_min_experts__gte=3), name="panel_trim_from_three"),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in PanelState]), name="panel_state_known"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == PanelState.CLOSED


class Criterion(models.Model):
    """One line of a panel's rubric."""

    panel = models.ForeignKey(Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("criterion"), max_length=100)
    description = models.CharField(_("what it asks"), max_length=500, blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal(1))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["panel", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.UniqueConstraint(fields=["panel", "name"], name="criterion_name_once_per_panel"),
        ]

    def __str__(self) -> str:
        return self.name


class SheetStatus(models.TextChoices):
    PENDING = "pending", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    EXCLUDED = "excluded", _("Excluded (conflict of interest)")


class Sheet(TimeStampedModel):
    """One expert's marks for one reform of the panel."""

    panel = models.ForeignKey(Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="sheets")
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="sheets")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.PENDING)
    #: Why an excluded sheet is excluded (the unit that leads or co-runs the reform).
    conflict = models.CharField(_("conflict of interest"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        ordering = ["panel", "reform", "expert"]
        indexes = [models.Index(fields=["panel", "status"]), models.Index(fields=["expert", "panel"])]
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert", "reform"], name="sheet_once_per_expert_reform"),
            models.CheckConstraint(
                condition=Q(status="submitted", submitted_at__isnull=False) | ~Q(status="submitted"),
                name="sheet_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id}:{self.reform_id}"


class Mark(models.Model):
    """An expert's points for one criterion of one sheet."""

    sheet = models.ForeignKey(Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="marks")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="mark_once_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="mark_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}={self.points}"


class SheetReopening(TimeStampedModel):
    """The office reopened a submitted sheet (its history: who, when, why)."""

    sheet = models.ForeignKey(Sheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="reopenings")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reopened by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    was_submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("reopened sheet")
        verbose_name_plural = _("reopened sheets")
        ordering = ["sheet", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet_id}@{self.created_at:%Y-%m-%d}"


def plain(number: Decimal) -> str:
    """A decimal as people write it: ``25``, ``12.5``, ``100`` (never ``1E+2``)."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
