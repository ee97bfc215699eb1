"""Supervision (督查督办): task trees, supervision orders, progress reports with evidence,
red/amber/green warnings, reminders and their deliveries, completion and change requests.

The computed fields (a task's ``progress`` above its leaves, every ``level``) are written only by
:mod:`.rollup` inside the same transaction as the change that moves them, and refreshed daily by
``scan-deadlines`` (a date passing changes a level without any write).
"""

from .deadlines import DeadlineChange, OverdueSpell, SpellEnd, spell_days
from .decisions import ChangeRequest, Completion, CompletionStatus
from .evidence import Evidence, evidence_path
from .extensions import ExtensionRequest, ExtensionStatus
from .orders import (
    REPLY_STATES,
    Order,
    OrderCopy,
    OrderItem,
    OrderStatus,
    OrderTarget,
    ack_overdue_q,
    reply_overdue_q,
)
from .reminders import Channel, Delivery, Reminder, ReminderKind, ScanRun
from .replies import OrderReply, OrderReplyFile, reply_file_path
from .reports import Decision, HelpRequest, ProgressReport
from .tasks import LEVEL_RANK, SETTLED_STATUSES, Level, ReformWarning, Task, TaskQuerySet, TaskStatus

__all__ = [
    "Level",
    "LEVEL_RANK",
    "TaskStatus",
    "SETTLED_STATUSES",
    "Task",
    "TaskQuerySet",
    "ReformWarning",
    "Decision",
    "ProgressReport",
    "HelpRequest",
    "Order",
    "OrderTarget",
    "OrderItem",
    "OrderCopy",
    "OrderStatus",
    "REPLY_STATES",
    "ack_overdue_q",
    "reply_overdue_q",
    "OrderReply",
    "OrderReplyFile",
    "reply_file_path",
    "Completion",
    "CompletionStatus",
    "ChangeRequest",
    "ExtensionRequest",
    "ExtensionStatus",
    "DeadlineChange",
    "OverdueSpell",
    "SpellEnd",
    "spell_days",
    "evidence_path",
    "Evidence",
    "ReminderKind",
    "Reminder",
    "Channel",
    "Delivery",
    "ScanRun",
]
