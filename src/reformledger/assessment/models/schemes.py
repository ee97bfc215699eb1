"""Schemes: a district's rule book for one year, rules as data (issue 11 part 1).

A scheme is edited while ``draft``, ``adopted`` by the office (after a dry run on last year's data)
and ``frozen`` once a version computed from it is published: a frozen scheme never changes again
(its hash is in the audit chain); a change after that is a new revision of the scheme.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    FROZEN = "frozen", _("Frozen")


class RuleKind(models.TextChoices):
    """How a rule gives points. ``params`` holds each kind's settings (validated by the engine)."""

    BASE = "base", _("Base score")
    RANK_LADDER = "rank_ladder", _("Rank to points ladder")
    PROPORTIONAL = "proportional", _("Proportional to the best")
    INTERPOLATED = "interpolated", _("Between baseline and challenge values")
    PER_INSTANCE = "per_instance", _("Points per instance, with floor and cap")
    IMPORTED = "imported", _("Imported score")
    REFORM_OUTCOME = "reform_outcome", _("Points per reform by tier and outcome")
    LATENESS = "lateness", _("Penalty per overdue task-month or late report")
    NO_REFORM = "no_reform", _("Penalty for running no reform")
    ADOPTION = "adoption", _("Bonus by level of adoption elsewhere")
    PUBLIC_RATING = "public_rating", _("Bonus from public rating results")
    COMMENDATION = "commendation", _("Bonus for commendations")
    EXPRESSION = "expression", _("Expression")


class Scheme(TimeStampedModel):
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    #: The unit kinds assessed (``org.UnitKind`` values); a rule may narrow them.
    unit_kinds = models.JSONField(_("unit kinds assessed"), default=list)
    #: Scores within this many points of each other are shown as within the measurement noise.
    noise_margin = models.DecimalField(_("noise margin"), max_digits=8, decimal_places=3, default=0)
    #: Days after publication during which a unit may appeal a line item.
    appeal_days = models.PositiveSmallIntegerField(_("appeal window (days)"), default=10)
    #: Floor and cap of a unit's total score (null: none).
    floor = models.DecimalField(_("floor"), max_digits=10, decimal_places=3, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=10, decimal_places=3, null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("adopted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: SHA-256 of the canonical scheme (rules included), set when frozen; also in the audit chain.
    content_hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["district", "-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "revision"], name="assessment_scheme_revision_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Rule(models.Model):
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(_("position"), default=0)
    clause = models.CharField(_("clause"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    #: Narrows the scheme's unit kinds (empty: the scheme's).
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    #: The assessing department (考评责任单位), e.g. the reform office or the statistics bureau.
    department = models.CharField(_("assessing department"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    expression = models.TextField(_("expression"), blank=True)
    floor = models.DecimalField(_("floor"), max_digits=10, decimal_places=3, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")
        ordering = ["scheme", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "clause"], name="assessment_rule_clause_unique"),
            models.CheckConstraint(
                name="assessment_rule_floor_not_above_cap",
                condition=Q(floor__isnull=True) | Q(cap__isnull=True) | Q(floor__lte=models.F("cap")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause} {self.title}"
