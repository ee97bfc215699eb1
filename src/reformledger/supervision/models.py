"""Supervision (督查督办): task trees, supervision orders, progress reports with evidence,
red/amber/green warnings, reminders and their deliveries, completion and change requests.

The computed fields (a task's ``progress`` above its leaves, every ``level``) are written only by
:mod:`.rollup` inside the same transaction as the change that moves them, and refreshed daily by
``scan-deadlines`` (a date passing changes a level without any write).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
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


class Task(TimeStampedModel):
    """A task node (任务节点) of a reform's decomposition, at any depth.

    ``path`` is the chain of ancestor ids (``"12/34/"``): one indexed prefix query finds a subtree.
    A leaf's ``progress`` comes from its reports; a parent's is the weighted mean of its children.
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
        "self", verbose_name=_("parent task"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="tasks", db_index=False
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
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )
    deliverable = models.TextField(_("expected deliverable"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    last_report_on = models.DateField(_("last report"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    level = models.CharField(_("warning"), max_length=6, choices=Level.choices, default=Level.GREEN)
    level_reason = models.CharField(_("why"), max_length=10, blank=True)

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
            models.CheckConstraint(condition=Q(due_date__gte=F("start_date")), name="task_due_not_before_start"),
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


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ProgressReport(TimeStampedModel):
    """A unit's report on one task (进展报告): percent done, what was done, problems, help needed."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("reported on"))
    percent = models.PositiveSmallIntegerField(
        _("percent done"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    text = models.TextField(_("what was done"))
    problems = models.TextField(_("problems"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    status = models.CharField(_("review"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "-created_at"]), models.Index(fields=["status", "created_at"])]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_0_100")]

    def __str__(self) -> str:
        return f"{self.task} · {self.percent}%"


class HelpRequest(TimeStampedModel):
    """Help needed (需协调事项) raised by a report: escalated to the special group's leader and
    tracked until someone records how it was resolved."""

    class HelpStatus(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    report = models.OneToOneField(ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="help")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="help_requests")
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="help_requests"
    )
    text = models.TextField(_("help needed"))
    status = models.CharField(_("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["status", "-created_at"]
        indexes = [models.Index(fields=["leader", "status"]), models.Index(fields=["district", "status"])]

    def __str__(self) -> str:
        return self.text[:50]


class Order(TimeStampedModel):
    """A supervision order (改革督查令), numbered per district and year, e.g. 罗改督〔2018〕3号."""

    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("order number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    reply_by = models.DateField(_("reply by"))

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "number"], name="order_number_unique"),
            models.UniqueConstraint(fields=["district", "code"], name="order_code_unique_in_district"),
            models.CheckConstraint(condition=Q(reply_by__gte=F("issued_on")), name="order_reply_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class OrderTarget(models.Model):
    """A unit an order is addressed to, and its acknowledgement (签收)."""

    order = models.ForeignKey(Order, verbose_name=_("supervision order"), on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="order_targets")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("order recipient")
        verbose_name_plural = _("order recipients")
        constraints = [models.UniqueConstraint(fields=["order", "unit"], name="order_target_unique")]
        indexes = [models.Index(fields=["unit", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.order.code} → {self.unit}"


class OrderItem(models.Model):
    """A task an order lists, with the deadline the order sets for it."""

    order = models.ForeignKey(Order, verbose_name=_("supervision order"), on_delete=models.CASCADE, related_name="items")
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="order_items")
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["order", "task"], name="order_item_unique")]

    def __str__(self) -> str:
        return f"{self.order.code}: {self.task}"


class Completion(TimeStampedModel):
    """The lead unit's application to close a reform (办结申请), accepted or returned by the office."""

    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="completions")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary of results"))
    status = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("completion application")
        verbose_name_plural = _("completion applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reform"], condition=Q(status="pending"), name="one_pending_completion_per_reform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reform} · {self.get_status_display()}"


class ChangeRequest(TimeStampedModel):
    """A request to adjust a reform (改革深化): new goals, measures, deliverables or dates.

    ``proposed`` holds the new values; ``before`` records the old ones when the change applies.
    """

    class CRStatus(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed = models.JSONField(_("proposed changes"))
    before = models.JSONField(_("values before"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=CRStatus.choices, default=CRStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    committee_meeting = models.CharField(_("committee meeting"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.reform} · {self.get_status_display()}"


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.reform_id}/{filename}"


class Evidence(TimeStampedModel):
    """A file that backs a progress report, a completion application or a change request."""

    reform = models.ForeignKey(Reform, verbose_name=_("reform"), on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    completion = models.ForeignKey(
        Completion, verbose_name=_("completion application"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    change_request = models.ForeignKey(
        ChangeRequest, verbose_name=_("change request"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(report__isnull=False, completion__isnull=True, change_request__isnull=True)
                    | Q(report__isnull=True, completion__isnull=False, change_request__isnull=True)
                    | Q(report__isnull=True, completion__isnull=True, change_request__isnull=False)
                ),
                name="evidence_backs_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation to the leader")
    URGE = "urge", _("Urging (催办)")
    ORDER = "order", _("Supervision order")
    ORDER_ESCALATION = "order_escalation", _("Order not acknowledged")
    HELP = "help", _("Help needed")
    REVIEW = "review", _("Review result")


class Reminder(models.Model):
    """One message to one unit or person, made once: ``key`` is its idempotency key
    (e.g. ``overdue:task:42:2026-11-26``), so a scan run twice on one day makes nothing new."""

    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    district = models.ForeignKey(Unit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    task = models.ForeignKey(Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    reform = models.ForeignKey(Reform, verbose_name=_("reform"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, verbose_name=_("supervision order"), null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "kind"]), models.Index(fields=["district", "created_at"])]

    def __str__(self) -> str:
        return self.subject


class Channel(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot (WeCom / DingTalk)")


class Delivery(models.Model):
    """One reminder on one channel to one recipient: sent exactly once.

    Inbox deliveries are made in the reminder's own transaction. E-mail and webhook deliveries are
    sent by the worker, which locks the row, sends, and records ``sent_at`` in one transaction.
    """

    class DeliveryStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    reminder = models.ForeignKey(Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel", "address"], name="delivery_once_per_channel")
        ]
        indexes = [
            models.Index(fields=["user", "channel", "read_at"], name="delivery_inbox"),
            models.Index(fields=["status", "channel"]),
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} via {self.channel} to {self.address}"

    @property
    def idempotency_key(self) -> str:
        return f"{self.reminder.key}|{self.channel}|{self.address}"


class ScanRun(models.Model):
    """One day's run of ``scan-deadlines``: the worker's schedule makes one per day, and a run
    records what it changed and created."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("deadline scan")
        verbose_name_plural = _("deadline scans")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
