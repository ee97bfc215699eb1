"""``scan-deadlines``: the daily pass over every open task.

Dates passing change levels without anyone writing, so once a day (the worker's schedule, or
``reformledger scan-deadlines``) every reform's tree is recomputed by the same code the writes use
(:func:`.rollup.compute`), what changed is written, and the day's reminders are made (a tree whose
every task is done, and whose warning says so, cannot change and is only counted: see
:func:`_settled_trees`):

* ``due_soon`` — ``WARNING_AMBER_DAYS`` days or fewer before a task's due date;
* ``overdue`` — from the day a task becomes overdue;
* ``escalation`` — to the responsible leader once a task is ``WARNING_ESCALATE_DAYS`` overdue;
* ``order_escalation`` — a supervision order not acknowledged ``ORDER_ACK_DAYS`` after issue;
* ``order_reply_due`` — ``ORDER_REPLY_SOON_DAYS`` days or fewer before an order's reply-by date,
  to an addressed unit that owes its reply (none yet, or its last one returned);
* ``order_reply_overdue`` — from the day after the reply-by date, to such a unit and to the
  office person who issued the order.

The order reminders are made for the addressed units whose step is still open, chosen in one
query each over every district (rows locked, so a unit signing or replying meanwhile waits for the
scan and then settles what it made: see ``notify.settle``); acknowledging settles the escalation,
an accepted reply settles them all, and a settled reminder's unsent deliveries are withdrawn.

Each reminder's key names the task and its due date (``overdue:task:42:2026-11-20``), so a second
run on the same day, or the next day's run, makes nothing new; a due date moved by an order or a
change request gets its own reminders. Reforms are processed in chunks, each in a transaction that
locks its reform rows, so the scan never overwrites a report filed while it runs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import log_action
from reformledger.core.bulk import chunks
from reformledger.org.models import SpecialGroup
from reformledger.reforms.models import LOCKED_STATUSES, Reform

from . import levels, notify
from .models import (
    SETTLED_STATUSES,
    Decision,
    Level,
    OrderStatus,
    OrderTarget,
    ReformWarning,
    Reminder,
    ReminderKind,
    ScanRun,
    Task,
    TaskStatus,
)
from .orphans import sweep_orphan_evidence
from .rollup import NODE_FIELDS, REFORM_FIELDS, Outcome, compute, store

CHUNK_REFORMS = 1000
TASK_EXTRA = ("reform_id", "unit_id", "assignee_id", "title")


def scan_deadlines(*, on: dt.date | None = None, progress: Callable[[int, int], None] | None = None) -> dict:
    """Recompute every level and make the day's reminders. Returns a summary (also stored on the
    day's :class:`~.models.ScanRun` and in the audit trail)."""
    on = on or timezone.localdate()
    began = time.monotonic()
    limits = levels.Thresholds.from_settings()
    run, _created = ScanRun.objects.get_or_create(day=on)
    reform_ids = list(Reform.objects.order_by("pk").values_list("pk", flat=True))
    leaders = _group_leaders()
    counts: Counter = Counter()
    done = 0
    for chunk in chunks(reform_ids, CHUNK_REFORMS):
        with transaction.atomic():
            _scan_chunk(chunk, on=on, limits=limits, leaders=leaders, counts=counts)
        done += len(chunk)
        if progress:
            progress(done, len(reform_ids))
    with transaction.atomic():
        counts["reminders_order_escalation"] += _order_escalations(on)
    with transaction.atomic():
        counts["reminders_order_reply"] += _reply_reminders(on)
    counts["orphan_evidence_removed"] += sweep_orphan_evidence()
    summary = {"day": on.isoformat(), **dict(sorted(counts.items())), "seconds": round(time.monotonic() - began, 2)}
    with transaction.atomic():
        ScanRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), summary=summary)
        log_action(None, "supervision.scan", run, summary)
    return summary


def _group_leaders() -> dict[tuple[int, int], int]:
    return {
        (district, domain): leader
        for district, domain, leader in SpecialGroup.objects.filter(leader__isnull=False, leader__is_active=True).values_list(
            "district_id", "domain_id", "leader_id"
        )
    }


def recompute_reforms(reform_ids, *, on: dt.date | None = None) -> dict:
    """Recompute the trees and warnings of these reforms, as the scan does but without reminders,
    a chunk of reforms per few queries (for writes that move many reforms at once: an Excel
    ledger import). Call inside the write's transaction."""
    on = on or timezone.localdate()
    limits = levels.Thresholds.from_settings()
    ids = sorted(set(reform_ids))
    counts: Counter = Counter()
    for chunk in chunks(ids, CHUNK_REFORMS):
        _scan_chunk(chunk, on=on, limits=limits, leaders={}, counts=counts, remind=False)
    return dict(counts)


def _scan_chunk(chunk: Sequence[int], *, on, limits, leaders, counts: Counter, remind: bool = True) -> None:
    reforms = {
        row[0]: row
        for row in Reform.objects.select_for_update()
        .filter(pk__in=chunk)
        .values_list(*REFORM_FIELDS, "domain_id", "responsible_leader_id", "code", "title")
    }
    existing = {
        w.pk: w for w in ReformWarning.objects.filter(reform_id__in=chunk)
    }
    settled = _settled_trees(chunk, reforms, existing, counts)
    trees: dict[int, list[tuple]] = defaultdict(list)
    live = [pk for pk in chunk if pk not in settled]
    for row in Task.objects.filter(reform_id__in=live).values_list(*NODE_FIELDS, *TASK_EXTRA):
        trees[row[len(NODE_FIELDS)]].append(row)
    outcomes: list[Outcome] = []
    messages: list[notify.Message] = []
    for reform_id, reform in reforms.items():
        if reform_id in settled:
            continue
        rows = trees.get(reform_id, [])
        counts["tasks"] += len(rows)
        nodes, result = compute(reform[: len(REFORM_FIELDS)], [r[: len(NODE_FIELDS)] for r in rows], on=on, limits=limits)
        outcomes.append(Outcome(reform, nodes, result))
        if remind and any(n.watched for n in nodes):  # under way, or an open follow-up task
            messages.extend(_task_messages(reform, rows, nodes, on=on, limits=limits, leaders=leaders))
    tasks_changed, warnings_changed = store(outcomes, on=on, warnings=existing)
    counts["tasks_changed"] += tasks_changed
    counts["reform_warnings_changed"] += warnings_changed
    if not remind:
        return
    for kind, number in Counter(m.kind for m in messages).items():
        counts[f"candidates_{kind}"] += number
    counts["reminders_made"] += notify.send(messages)


def _settled_trees(chunk: Sequence[int], reforms: dict, existing: dict, counts: Counter) -> set[int]:
    """Reforms whose every task is done (at 100%, level done) and whose warning already says so.

    Such a tree cannot move with the calendar (done is done, whatever the date), so the scan counts
    its tasks without reading or recomputing them: most of a programme's history. Every write keeps
    the stored values right (``rollup.refresh_reform``); a tree with any task not so is read and
    recomputed in full, as is a reform without tasks (judged by its own dates). Overdue spells
    (``spells.track``) need nothing from a settled tree: no task of it can be overdue, and the
    write that settled it closed its spells; a tree with any open task is read, so the calendar
    moving opens its spells.
    """
    sizes = {
        reform_id: (total, unsettled)
        for reform_id, total, unsettled in Task.objects.filter(reform_id__in=chunk)
        .values_list("reform_id")
        .annotate(total=Count("pk"), unsettled=Count("pk", filter=~(Q(status=TaskStatus.DONE, level=Level.DONE, progress=100) | Q(status=TaskStatus.CLOSED, level=Level.DONE))))
    }
    settled = set()
    for reform_id, (total, unsettled) in sizes.items():
        warning, reform = existing.get(reform_id), reforms.get(reform_id)
        if (
            not unsettled and warning is not None and reform is not None
            and (warning.level, warning.reason, warning.open_tasks, warning.red_tasks, warning.amber_tasks) == (Level.DONE, "", 0, 0, 0)
            and (reform[2] in LOCKED_STATUSES or reform[5] == 100)
        ):
            settled.add(reform_id)
            counts["tasks"] += total
            counts["tasks_settled"] += total
    return settled


def _task_messages(reform, rows, nodes, *, on, limits, leaders) -> list[notify.Message]:
    _pk, district_id, _status, _start, _due, _progress, domain_id, leader_id, code, reform_title = reform
    leader = leader_id or leaders.get((district_id, domain_id))
    messages = []
    extra = {row[0]: row[len(NODE_FIELDS) :] for row in rows}
    with notify.site_language():
        for node in nodes:
            if node.status in SETTLED_STATUSES or not node.watched:  # paused work of a stopped reform
                continue
            left = (node.due_date - on).days
            if left > limits.amber_days:
                continue  # nothing to say yet (and no link to build: reverse() is not free)
            _reform_id, unit_id, assignee_id, title = extra[node.pk]
            base = {
                "district_id": district_id,
                "task_id": node.pk,
                "reform_id": _pk,
                "link": notify.task_link(node.pk),
            }
            about = {"code": code, "reform": reform_title, "task": title, "due": formats.date_format(node.due_date, "DATE_FORMAT"), "progress": node.progress}
            people = (assignee_id,) if assignee_id else ()
            if 0 <= left <= limits.amber_days:
                messages.append(
                    notify.Message(
                        key=f"due_soon:task:{node.pk}:{node.due_date.isoformat()}",
                        kind=ReminderKind.DUE_SOON,
                        subject=_("Due soon: %(task)s") % about,
                        text=_("%(code)s %(reform)s: the task “%(task)s” is due on %(due)s and is %(progress)d%% done.") % about,
                        unit_id=unit_id,
                        user_ids=people,
                        **base,
                    )
                )
            elif left < 0:
                messages.append(
                    notify.Message(
                        key=f"overdue:task:{node.pk}:{node.due_date.isoformat()}",
                        kind=ReminderKind.OVERDUE,
                        subject=_("Overdue: %(task)s") % about,
                        text=_("%(code)s %(reform)s: the task “%(task)s” was due on %(due)s and is %(progress)d%% done. Report or ask for a change of date.")
                        % about,
                        unit_id=unit_id,
                        user_ids=people,
                        **base,
                    )
                )
                if -left >= limits.escalate_days and leader:
                    messages.append(
                        notify.Message(
                            key=f"escalation:task:{node.pk}:{node.due_date.isoformat()}",
                            kind=ReminderKind.ESCALATION,
                            subject=_("Escalation: %(task)s is overdue") % about,
                            text=_("%(code)s %(reform)s: the task “%(task)s” was due on %(due)s and is still open (%(progress)d%% done).")
                            % about,
                            user_ids=(leader,),
                            **base,
                        )
                    )
    return messages


def _open_targets(qs, kind: str):
    """Addressed units of these, locked, without a reminder of ``kind`` yet (one query; a unit
    signing or replying meanwhile waits, and PostgreSQL then reads its row again and drops it)."""
    made = Reminder.objects.filter(order_id=OuterRef("order_id"), unit_id=OuterRef("unit_id"), kind=kind)
    qs = qs.filter(~Exists(made)).select_related("order", "unit").annotate(issuer=F("order__issued_by_id")).order_by("pk")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",) if connection.features.has_select_for_update_of else ())
    return qs


def _order_message(target, *, kind: str, subject: str, text: str, to_issuer: bool) -> notify.Message:
    order = target.order
    return notify.Message(
        key=f"{kind}:target:{target.pk}",
        kind=kind,
        district_id=order.district_id,
        subject=subject,
        text=text,
        link=notify.order_link(order.pk),
        unit_id=target.unit_id,
        user_ids=(target.issuer,) if to_issuer else (),
        order_id=order.pk,
    )


def _order_escalations(on: dt.date) -> int:
    """Orders a unit has not acknowledged ``ORDER_ACK_DAYS`` after issue: to the unit's people
    again, and to the office person who issued it."""
    messages = []
    with notify.site_language():
        for target in _open_targets(OrderTarget.objects.ack_overdue(on), ReminderKind.ORDER_ESCALATION):
            order = target.order
            about = {"unit": target.unit.name, "code": order.code, "date": formats.date_format(order.issued_on, "DATE_FORMAT")}
            messages.append(
                _order_message(
                    target, kind=ReminderKind.ORDER_ESCALATION, to_issuer=True,
                    subject=_("Not acknowledged: supervision order %(code)s") % about,
                    text=_("%(unit)s has not acknowledged supervision order %(code)s issued on %(date)s.") % about,
                )
            )
    return notify.send(messages)


def _reply_reminders(on: dt.date) -> int:
    """Replies due soon and replies overdue, to the units that owe one (none yet, or returned)."""
    owing = OrderTarget.objects.filter(order__status=OrderStatus.ISSUED, reply_status__in=("", Decision.RETURNED))
    soon = owing.filter(order__reply_by__gte=on, order__reply_by__lte=on + dt.timedelta(days=settings.ORDER_REPLY_SOON_DAYS))
    late = owing.filter(order__reply_by__lt=on)
    messages = []
    with notify.site_language():
        for target in _open_targets(soon, ReminderKind.ORDER_REPLY_DUE):
            about = {"unit": target.unit.name, "code": target.order.code, "date": formats.date_format(target.order.reply_by, "DATE_FORMAT")}
            messages.append(
                _order_message(
                    target, kind=ReminderKind.ORDER_REPLY_DUE, to_issuer=False,
                    subject=_("Reply due: supervision order %(code)s") % about,
                    text=_("Send %(unit)s's written reply to supervision order %(code)s by %(date)s.") % about,
                )
            )
        for target in _open_targets(late, ReminderKind.ORDER_REPLY_OVERDUE):
            about = {"unit": target.unit.name, "code": target.order.code, "date": formats.date_format(target.order.reply_by, "DATE_FORMAT")}
            messages.append(
                _order_message(
                    target, kind=ReminderKind.ORDER_REPLY_OVERDUE, to_issuer=True,
                    subject=_("Reply overdue: supervision order %(code)s") % about,
                    text=_("%(unit)s has not sent an accepted reply to supervision order %(code)s, due on %(date)s.") % about,
                )
            )
    return notify.send(messages)
