"""Task trees (任务节点) and their computed warnings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from reformledger.core.models import TimeStampedModel
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform


class Level(models.TextChoices):
    """A warning level (预警). Ordered from worst to best by :data:`LEVEL_RANK`."""

    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")
    #: Open work of a reform that is not under way (a draft, proposed, suspended or terminated
    #: reform): not judged against its dates, no reminders, not on the warning board.
    PAUSED = "paused", _("Not watched")
    DONE = "done", _("Done")


#: Lower is worse: a reform takes the worst level of its open tasks.
LEVEL_RANK = {Level.RED: 0, Level.AMBER: 1, Level.GREEN: 2, Level.PAUSED: 3, Level.DONE: 4}


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    #: Not done when its reform was completed through 办结: it keeps its accepted progress and is
    #: no longer open work (no level, no reminders), but it is not counted as done.
    CLOSED = "closed", _("Closed at completion")


#: Tasks that are no longer open work: done, or closed at their reform's completion.
SETTLED_STATUSES = (TaskStatus.DONE, TaskStatus.CLOSED)


class TaskQuerySet(models.QuerySet["Task"]):
    def leaves(self) -> "TaskQuerySet":
        """Tasks with no sub-tasks: the work a unit reports on.

        Every count of tasks counts leaves — the warning board, the bulletin, the workbench, the
        API and the demo's log alike: a parent's level and progress come from its children, so
        counting the parent too would count the same late work twice.
        """
        return self.filter(~Exists(Task.objects.filter(parent_id=OuterRef("pk"))))


class Task(TimeStampedModel):
    """A task node (任务节点) of a reform's decomposition, at any depth.

    ``path`` is the chain of ancestor ids (``"12/34/"``): one indexed prefix query finds a subtree.
    A leaf's ``progress`` is what the office accepted (its latest accepted report, or the office's
    correction); ``reported_percent`` is the percent of its latest report awaiting review (null when
    none is), kept by the report services. A parent's is the weighted mean of its children.
    """

    # The four foreign keys below have no index of their own: each leads a composite index in
    # Meta.indexes, which serves the same lookups; fewer indexes make every write (and the scan's
    # rewrite of levels, which cannot be a HOT update) cheaper.
    reform = models.ForeignKey(
        Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="tasks", db_index=False
    )
    district = models.ForeignKey(
        Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="tasks",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_tasks",
        db_index=False,
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    #: The due date the task was created with: never changed (each move is a ``DeadlineChange``).
    original_due_date = models.DateField(_("original due date"), editable=False)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )
    deliverable = models.TextField(_("expected deliverable"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    reported_percent = models.PositiveSmallIntegerField(
        _("reported, awaiting review"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    last_report_on = models.DateField(_("last report"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    level = models.CharField(_("warning"), max_length=6, choices=Level.choices, default=Level.GREEN)
    level_reason = models.CharField(_("why"), max_length=10, blank=True)
    #: Work the reform office set: units neither edit nor remove it (a unit's own sub-tasks are its own).
    set_by_office = models.BooleanField(_("set by the reform office"), default=True)
    #: A follow-up task (整改任务) the office filed on a completed reform, for a problem a look-back
    #: review (回头看) found: open work after completion, outside the reform's dates, not closed with
    #: it, reported on by its unit like any task (issue 10; evaluation files it).
    follow_up = models.BooleanField(_("follow-up after completion"), default=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["reform_id", "path", "sort_order", "pk"]
        indexes = [
            models.Index(fields=["reform", "path"]),
            models.Index(fields=["unit", "status", "due_date"]),
            # The warning board's order (red first, then by due date), whole province or one district.
            models.Index(fields=["-level", "due_date", "id"], name="task_warning_board"),
            models.Index(fields=["district", "-level", "due_date", "id"], name="task_district_warnings"),
            models.Index(fields=["assignee", "status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")), name="task_due_not_before_start"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="task_weight_positive"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_0_100"),
        ]

    def __str__(self) -> str:
        return self.title


class ReformWarning(models.Model):
    """A reform's computed warning: the worst level of its open tasks (or of its own dates when
    it has no tasks), with counts for the board and the bulletin."""

    reform = models.OneToOneField(
        Reform, verbose_name=_("reform"), primary_key=True, on_delete=models.CASCADE, related_name="warning"
    )
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("warning"), max_length=6, choices=Level.choices, default=Level.GREEN)
    reason = models.CharField(_("why"), max_length=10, blank=True)
    open_tasks = models.PositiveIntegerField(_("open tasks"), default=0)
    red_tasks = models.PositiveIntegerField(_("red tasks"), default=0)
    amber_tasks = models.PositiveIntegerField(_("amber tasks"), default=0)
    computed_on = models.DateField(_("computed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("reform warning")
        verbose_name_plural = _("reform warnings")
        indexes = [models.Index(fields=["district", "level"]), models.Index(fields=["level"])]

    def __str__(self) -> str:
        return f"{self.reform_id}: {self.level}"
