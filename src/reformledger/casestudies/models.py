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
from reformledger.reforms.models import Attachment, Reform
from reformledger.supervision.models import ProgressReport

#: Adoption levels from the narrowest to the widest: the case's level is the widest recorded.
LEVEL_ORDER = (AdoptionLevel.CITY, AdoptionLevel.PROVINCE, AdoptionLevel.NATION)


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
    # --- issue 11 part 6: who wrote and published it, the office's notes, the evidence behind it
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unpublished_at = models.DateTimeField(_("taken off the public site at"), null=True, blank=True)
    unpublish_reason = models.TextField(_("reason for taking it off the public site"), blank=True)
    return_reason = models.TextField(_("the office's note on returning it"), blank=True)
    #: The widest level at which the experience was adopted (blank: none yet) and how many adoptions
    #: are recorded: kept by the adoption service alone, read by the lists and their filters.
    adoption_level = models.CharField(_("adopted at"), max_length=10, choices=AdoptionLevel.choices, blank=True)
    adoptions_count = models.PositiveIntegerField(_("adoptions"), default=0)
    evidence_reports = models.ManyToManyField(
        ProgressReport, verbose_name=_("accepted progress reports"), blank=True, related_name="+"
    )
    evidence_attachments = models.ManyToManyField(
        Attachment, verbose_name=_("attachments of the reform"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "state"]),
            models.Index(fields=["state", "-published_at", "-id"], name="casestudy_public_order"),
        ]

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
    # A wrongly recorded adoption is withdrawn with a reason, never deleted: an assessment version
    # that cited it stays as published; the next computation no longer counts it (ADR 0049).
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["case_study", "adopted_on", "pk"]
        indexes = [models.Index(fields=["adopted_on"])]

    def __str__(self) -> str:
        return f"{self.place} ({self.get_level_display()})"


class Outcome(models.Model):
    """One measured outcome of a case study (an indicator before and after the reform, with its
    source): numbers, so that the change can be read and compared (ADR 0049)."""

    case_study = models.ForeignKey(CaseStudy, verbose_name=_("case study"), on_delete=models.CASCADE, related_name="outcome_rows")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    indicator = models.CharField(_("indicator"), max_length=200)
    before = models.DecimalField(_("before"), max_digits=16, decimal_places=4, null=True, blank=True)
    after = models.DecimalField(_("after"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("measured outcome")
        verbose_name_plural = _("measured outcomes")
        ordering = ["case_study", "position", "pk"]

    def __str__(self) -> str:
        return self.indicator


def material_path(instance: Material, filename: str) -> str:
    return f"casestudies/{instance.case_study_id}/{filename}"


class Material(TimeStampedModel):
    """An image or a document of a case study: the kind judged by content (``core.files``), images
    shown on the public page within their size and dimension limits (ADR 0049)."""

    case_study = models.ForeignKey(CaseStudy, verbose_name=_("case study"), on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("file"), upload_to=material_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("case study material")
        verbose_name_plural = _("case study materials")
        ordering = ["case_study", "created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpg", "png")
