"""Evidence files (佐证材料) of reports, completions, change requests and extension requests."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.reforms.models import Reform

from .decisions import ChangeRequest, Completion
from .extensions import ExtensionRequest
from .reports import ProgressReport


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.reform_id}/{filename}"


class Evidence(TimeStampedModel):
    """A file that backs a progress report, a completion application or a change request."""

    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    completion = models.ForeignKey(
        Completion,
        verbose_name=_("completion application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    extension = models.ForeignKey(
        ExtensionRequest,
        verbose_name=_("extension request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(report__isnull=False, completion__isnull=True, change_request__isnull=True, extension__isnull=True)
                    | Q(report__isnull=True, completion__isnull=False, change_request__isnull=True, extension__isnull=True)
                    | Q(report__isnull=True, completion__isnull=True, change_request__isnull=False, extension__isnull=True)
                    | Q(report__isnull=True, completion__isnull=True, change_request__isnull=True, extension__isnull=False)
                ),
                name="evidence_backs_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.name
