"""Look-back reviews (回头看) of past years' key reforms (DOMAIN.md mechanism 8, issue 10 part 6).

The office of a district reviews a key reform it completed at least a year before: did it leave a
lasting mechanism (长效机制), which institutional documents were issued (with their 文号), was the
experience adopted elsewhere and at what level, are the results sustained, what problems appeared
(each may become a follow-up task in supervision), what residents say now against what they said
at completion (read from the ratings, never typed in), and a conclusion grade.

* :class:`LookbackReview` — one review of one reform: ``scheduled`` → ``in_progress`` → ``concluded``.
  Once concluded it is locked; the office may reopen it with a reason (audited). At most one open
  (not concluded) review per reform, a database constraint.
* :class:`LookbackDocument`, :class:`LookbackAdoption`, :class:`LookbackProblem` — its repeating rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform
from reformledger.supervision.models import Task

from .rounds import Round


class LookbackState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    CONCLUDED = "concluded", _("Concluded")


class Extent(models.TextChoices):
    """How far a finding holds: a lasting mechanism left, results sustained."""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Grade(models.TextChoices):
    """The conclusion grade of a look-back review, best first."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    FAIR = "fair", _("Fair (一般)")
    POOR = "poor", _("Poor (较差)")


class AdoptionLevel(models.TextChoices):
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATION = "nation", _("Nation")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class LookbackReview(TimeStampedModel):
    """A look-back review (回头看) of one key reform, by the office of its district."""

    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.PROTECT, related_name="lookback_reviews")
    #: The reform's district (copied: lists and the cache filter by it).
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    #: The reform's completion date as it stood when the review was scheduled.
    completed_on = models.DateField(_("completed on"))
    scheduled_on = models.DateField(_("scheduled for"))
    state = models.CharField(_("state"), max_length=12, choices=LookbackState.choices, default=LookbackState.SCHEDULED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    mechanism = models.CharField(_("lasting mechanism left (长效机制)"), max_length=8, choices=Extent.choices, blank=True)
    mechanism_text = models.TextField(_("the mechanism"), blank=True)
    sustained = models.CharField(_("results sustained"), max_length=8, choices=Extent.choices, blank=True)
    sustained_text = models.TextField(_("how the results hold"), blank=True)
    #: The ``lookback`` round whose ratings of this reform are "residents now" (None: the latest
    #: such round of the district that rates the reform, if any).
    lookback_round = models.ForeignKey(
        Round, verbose_name=_("look-back rating round"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("conclusion grade"), max_length=10, choices=Grade.choices, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("concluded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    #: The latest reopening (every one is in the audit trail).
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("look-back review")
        verbose_name_plural = _("look-back reviews")
        ordering = ["-scheduled_on", "-pk"]
        indexes = [
            models.Index(fields=["district", "state", "-scheduled_on"], name="lookback_district_state"),
            models.Index(fields=["reform", "-scheduled_on"], name="lookback_reform"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reform"], condition=~Q(state="concluded"), name="one_open_lookback_per_reform"
            ),
            models.CheckConstraint(
                condition=~Q(state="concluded") | (~Q(grade="") & Q(concluded_at__isnull=False)),
                name="lookback_concluded_has_grade",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reform_id} · {self.scheduled_on}"

    @property
    def is_concluded(self) -> bool:
        return self.state == LookbackState.CONCLUDED


class LookbackDocument(models.Model):
    """An institutional document issued because of the reform (制度文件), with its number (文号)."""

    review = models.ForeignKey(LookbackReview, verbose_name=_("look-back review"), on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number (文号)"), max_length=60, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        verbose_name = _("institutional document")
        verbose_name_plural = _("institutional documents")
        ordering = ["review", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()


class LookbackAdoption(models.Model):
    """The reform's experience adopted elsewhere (复制推广): where, at what level, with evidence."""

    review = models.ForeignKey(LookbackReview, verbose_name=_("look-back review"), on_delete=models.CASCADE, related_name="adoptions")
    position = models.PositiveIntegerField(_("position"), default=0)
    place = models.CharField(_("where"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices)
    description = models.TextField(_("description"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_document = models.CharField(_("evidence document"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("adoption elsewhere")
        verbose_name_plural = _("adoptions elsewhere")
        ordering = ["review", "position", "pk"]

    def __str__(self) -> str:
        return self.place


class LookbackProblem(models.Model):
    """A problem the review found; an open one may become a follow-up task in supervision."""

    review = models.ForeignKey(LookbackReview, verbose_name=_("look-back review"), on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    follow_up_task = models.OneToOneField(
        Task, verbose_name=_("follow-up task"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="lookback_problem",
    )

    class Meta:
        verbose_name = _("problem found")
        verbose_name_plural = _("problems found")
        ordering = ["review", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
