"""The record of a task's deadline: each move of its due date, and each spell it was overdue.

Both stay on record for good ("lateness is history"): an extension, an order or completion closes
an overdue spell but never removes it.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform

from .extensions import ExtensionRequest
from .tasks import Task


class DeadlineChange(TimeStampedModel):
    """One move of a task's due date: by the office directly, or by an approved extension request."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="deadline_changes")
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    extension = models.ForeignKey(
        ExtensionRequest,
        verbose_name=_("extension request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["task_id", "created_at", "pk"]
        indexes = [models.Index(fields=["task", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_date} → {self.to_date}"


class SpellEnd(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    EXTENDED = "extended", _("Due date moved")
    CLOSED = "closed", _("Closed with the reform")
    STOPPED = "stopped", _("Reform stopped")
    SPLIT = "split", _("Split into sub-tasks")


class OverdueSpell(models.Model):
    """A time a leaf task was overdue: from the day after its due date (``started_on``) to the day
    it stopped being overdue (``ended_on``: done, due date moved, reform completed or stopped), or
    still open. Days overdue count both ends: see :meth:`days`."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="overdue_spells")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(_("due date"))
    started_on = models.DateField(_("overdue since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = models.CharField(_("how it ended"), max_length=10, choices=SpellEnd.choices, blank=True)

    class Meta:
        verbose_name = _("overdue spell")
        verbose_name_plural = _("overdue spells")
        ordering = ["task_id", "started_on", "pk"]
        indexes = [
            models.Index(fields=["task", "started_on"]),
            models.Index(fields=["district", "started_on"]),
            models.Index(fields=["reform"], condition=Q(ended_on__isnull=True), name="overdue_spell_open"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(ended_on__isnull=True), name="one_open_spell_per_task"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")), name="spell_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.started_on} – {self.ended_on or '…'}"

    def days(self, today: dt.date) -> int:
        """Days overdue, both ends counted: ``(ended_on or today) - started_on + 1``. A task due on
        the 10th and done on the 11th was overdue 1 day; still open on the 15th, 5 days."""
        return spell_days(self.started_on, self.ended_on, today)


def spell_days(started_on: dt.date, ended_on: dt.date | None, today: dt.date) -> int:
    """Days overdue of a spell, both ends counted (0 for a spell that starts after ``today``)."""
    return max(0, ((ended_on or today) - started_on).days + 1)
