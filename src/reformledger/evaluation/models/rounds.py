"""A rating round (评估轮次): the office of a district opens it for a year's reforms.

Four kinds (DOMAIN.md mechanism 8): ``public`` — verified residents rate key reforms (群众评);
``open`` — everyone rates micro-reforms, staff too but never a reform their unit carries (大家评);
``expert`` — a panel scores on a rubric (``models.panels``); ``lookback`` — residents rate past
years' key reforms again with the same instrument, for the look-back reviews (回头看).

A round's reforms are rows (:class:`RoundReform`), so "one rating per person, reform and round" is
a database constraint on the rating and results group by a plain key. The rating dimensions and
the publication rules are data per round (:attr:`Round.dimensions`, :attr:`Round.min_ratings`,
:attr:`Round.prior_weight`); results are hidden from everyone but the office until the office
publishes them (:attr:`Round.published_at`), which it may do only after the round closes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform


class RoundKind(models.TextChoices):
    PUBLIC = "public", _("Public rating (群众评)")
    OPEN = "open", _("Open rating (大家评)")
    EXPERT = "expert", _("Expert panel (专家评)")
    LOOKBACK = "lookback", _("Look-back rating (回头看)")


#: Kinds rated on dimensions (1–5 each) by residents and, in open rounds, staff.
RATED_KINDS = frozenset({RoundKind.PUBLIC, RoundKind.OPEN, RoundKind.LOOKBACK})

#: The dimensions a new rated round gets unless the office says otherwise: key → label.
DEFAULT_DIMENSIONS = {"satisfaction": "满意度", "effect": "获得感"}


class Round(TimeStampedModel):
    """One rating round of one district: its kind, year, window, dimensions and publication rules."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    #: Rated rounds: ``[{"key": "satisfaction", "label": "满意度"}, …]``, each scored 1–5. Empty for
    #: expert rounds, which score on their panel's rubric.
    dimensions = models.JSONField(_("dimensions"), default=list, blank=True)
    #: A reform's score is shown (outside the office) only once it has at least this many ratings.
    min_ratings = models.PositiveIntegerField(_("minimum ratings to show a score"), default=30)
    #: The Bayesian prior's weight, in ratings: a reform's adjusted score is
    #: (prior_weight × round mean + sum of its ratings) ÷ (prior_weight + its count).
    prior_weight = models.PositiveIntegerField(_("prior weight (ratings)"), default=10)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+",
    )
    reforms = models.ManyToManyField(Reform, through="RoundReform", related_name="rounds", verbose_name=_("reforms"))

    class Meta:
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["district", "-opens_at"]), models.Index(fields=["closes_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_it_opens"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in RoundKind]), name="round_kind_known"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def dimension_keys(self) -> list[str]:
        return [d["key"] for d in self.dimensions]


class RoundReform(models.Model):
    """A reform in a round (its position orders the round's pages)."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="entries")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.PROTECT, related_name="round_entries")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reform in a round")
        verbose_name_plural = _("reforms in rounds")
        ordering = ["round", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "reform"], name="reform_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.reform_id}"
