"""Case studies (改革案例) and the adoptions of their experience elsewhere (复制推广), DOMAIN.md
mechanism 11, issue 11 part 6.

A case study is written up per reform: drafted by the unit that carried the reform out, edited and
published by the office of its district to the public site. Each adoption of the experience
elsewhere, recorded after publication, names the level at which it was adopted (city, province,
nation: the look-back reviews' :class:`~reformledger.evaluation.models.AdoptionLevel`); the
assessment reads them through :func:`reformledger.casestudies.selectors.adoptions` and its bonus
line cites the case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.evaluation.models import AdoptionLevel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform


class CaseStudyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the office")
    PUBLISHED = "published", _("Published")


class CaseStudy(TimeStampedModel):
    """One reform's write-up: background, features (特色), highlights (亮点), experience (经验),
    measured outcomes."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    reform = models.OneToOneField(Reform, verbose_name=_("reform"), on_delete=models.PROTECT, related_name="case_study")
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"), blank=True)
    features = models.TextField(_("features"), blank=True)
    highlights = models.TextField(_("highlights"), blank=True)
    experience = models.TextField(_("experience"), blank=True)
    outcomes = models.TextField(_("measured outcomes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=CaseStudyState.choices, default=CaseStudyState.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["district", "state"])]

    def __str__(self) -> str:
        return self.title


class Adoption(TimeStampedModel):
    """The case's experience adopted elsewhere, recorded after publication."""

    case_study = models.ForeignKey(CaseStudy, verbose_name=_("case study"), on_delete=models.PROTECT, related_name="adoptions")
    level = models.CharField(_("level"), max_length=10, choices=AdoptionLevel.choices)
    place = models.CharField(_("where"), max_length=200)
    adopted_on = models.DateField(_("adopted on"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["case_study", "adopted_on", "pk"]
        indexes = [models.Index(fields=["adopted_on"])]

    def __str__(self) -> str:
        return f"{self.place} ({self.get_level_display()})"
