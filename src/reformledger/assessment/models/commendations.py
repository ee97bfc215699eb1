"""Commendations (改革激励, issue 11 part 5): awarded by a district's office, shown on the unit's and
the people's pages, and counted by a scheme's ``commendation`` rule when it has one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform


class CommendationKind(models.TextChoices):
    BEST_KEY_REFORM = "best_key", _("Best key reform of the year")
    BEST_MICRO_REFORM = "best_micro", _("Best micro-reform of the year")
    ADVANCED_UNIT = "advanced_unit", _("Advanced unit in reform")
    ADVANCED_PERSON = "advanced_person", _("Advanced individual in reform")
    OTHER = "other", _("Other commendation")


class Commendation(TimeStampedModel):
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=CommendationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="commendations")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), null=True, blank=True, on_delete=models.PROTECT, related_name="commendations")
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("people"), blank=True, related_name="commendations")
    citation = models.TextField(_("citation"))
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("awarded by"), on_delete=models.PROTECT, related_name="+")
    awarded_on = models.DateField(_("awarded on"))
    #: Revoked commendations stay on record (audited) but are no longer shown or counted.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "kind", "pk"]
        indexes = [models.Index(fields=["district", "year"])]

    def __str__(self) -> str:
        return self.title
