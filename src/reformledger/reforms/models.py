"""The reform catalogue: yearly plans and reforms of three tiers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Domain, Unit


class Tier(models.TextChoices):
    UPPER = "upper", _("Upper-level task")
    KEY = "key", _("Key reform")
    MICRO = "micro", _("Micro-reform")


class SourceLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


#: Statuses whose reforms the public may see (their public fields only).
PUBLIC_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED)
#: Statuses in which a reform is closed to ordinary edits.
LOCKED_STATUSES = (Status.COMPLETED, Status.TERMINATED)


class Plan(TimeStampedModel):
    """A district's yearly reform plan (年度计划), adopted by the committee."""

    class PlanStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="one_plan_per_district_year")]

    def __str__(self) -> str:
        return self.title


class Reform(TimeStampedModel):
    """A reform (改革事项) of any tier, carried out by exactly one lead unit."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    source_level = models.CharField(_("source level"), max_length=12, choices=SourceLevel.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reforms"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="reforms")
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_reforms"
    )
    co_units = models.ManyToManyField(Unit, verbose_name=_("co-units"), blank=True, related_name="co_reforms")
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_reforms",
    )
    goals = models.TextField(_("goals"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    public_summary = models.TextField(_("public summary"), blank=True)

    class Meta:
        verbose_name = _("reform")
        verbose_name_plural = _("reforms")
        ordering = ["-year", "code"]
        indexes = [
            # The catalogue's default order (newest year first, then code) and the public list's.
            models.Index(fields=["-year", "code"], name="reform_catalogue_order"),
            models.Index(fields=["year", "tier", "status"]),
            models.Index(fields=["lead_unit", "year"]),
            models.Index(fields=["domain", "year"]),
            models.Index(fields=["district", "year", "tier"]),
            models.Index(fields=["status", "year"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="reform_progress_0_100"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="reform_due_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(tier="upper") | Q(source_level=""), name="reform_source_level_only_upper"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


def attachment_path(instance, filename: str) -> str:
    return f"reforms/{instance.reform_id}/{filename}"


class Attachment(TimeStampedModel):
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    is_public = models.BooleanField(_("public"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class LedgerImport(TimeStampedModel):
    """One upload of an Excel ledger: checked in the background, then applied on confirmation."""

    class ImportStatus(models.TextChoices):
        CHECKING = "checking", _("Checking")
        REJECTED = "rejected", _("Rejected")
        READY = "ready", _("Ready to apply")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="ledger-imports/%Y/%m/", max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
