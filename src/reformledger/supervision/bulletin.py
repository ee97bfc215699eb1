"""The figures of a supervision bulletin (督查通报) for one month, read-only.

A bulletin covers a **period** (a calendar month, ``YYYY-MM``) and one district, or every district
when none is named. It is made of two kinds of figures:

* **Figures of state**, as they stand on the day the bulletin is made (``made_on``, today by
  default): reforms by tier and status, tasks by warning level, the red and amber lists, the units
  named for overdue work. A bulletin made on the first days of the next month shows the state at
  the end of the month, which is how offices publish them.
* **Figures of flow**, counting what happened inside the period: tasks completed (and how many on
  time), progress reports filed and accepted, supervision orders issued, acknowledged, replied to
  (and replies accepted) and closed, the units praised.
* **Orders overdue**, a figure of state on ``made_on``: the addressed units of open orders late to
  acknowledge (``ORDER_ACK_DAYS`` after issue) or late with their reply (no accepted reply after
  the reply-by date), and the tasks past their order's deadline (督办超期), counted as the warning
  board counts them (``OrderTarget.objects.ack_overdue`` / ``reply_overdue``).

What is counted
---------------
* **Reforms**: the district's reforms of the period's year and earlier years, in every status
  (a table of tier x status).
* **Tasks**: the *leaf* tasks (those without sub-tasks: the work actually reported on, as the
  reform warnings count them; a parent is only the roll-up of its children) of the reforms under
  supervision (approved, in progress, completed; drafts, proposals, suspended and terminated work
  are left out) of those years. Levels are the stored ones, kept current by every write and by the
  daily ``scan-deadlines``.
* **Units praised (表扬)**: units that completed at least one task on time (on or before its due
  date) during the period and have no red task when the bulletin is made, most on-time
  completions first. Praise is for delivered work, and a unit that is late elsewhere is not
  praised.
* **Units named (点名通报)**: units with at least one red task, most red tasks first, with how many
  of them are overdue and the longest delay in days.
* **Overdue in the period** (lateness is history): the leaf tasks overdue at some time in the month,
  even if done or extended since, and their overdue days in the month, per unit (:mod:`.lateness`).

Every figure comes from a handful of aggregate queries (about ten, whatever the size: the province
has 540,000 tasks), never from a query per row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils.translation import gettext as _

from reformledger.core.anchor import Anchor, current_anchor
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform, Status, Tier

from .lateness import Lateness, lateness
from .models import (
    SETTLED_STATUSES,
    Decision,
    Level,
    Order,
    OrderItem,
    OrderReply,
    OrderStatus,
    OrderTarget,
    OverdueSpell,
    ProgressReport,
    Task,
    TaskQuerySet,
    TaskStatus,
)
from .rollup import today

#: Reforms whose tasks a bulletin reports on.
SUPERVISED_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED)
LEVEL_ORDER = (Level.RED, Level.AMBER, Level.GREEN, Level.PAUSED, Level.DONE)
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"2026-11"`` -> Period(2026, 11); a ValidationError naming ``period`` otherwise."""
        match = PERIOD_RE.match((text or "").strip())
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise ValidationError(
                {"period": _("Enter the period as a month, YYYY-MM (for example %(example)s).") % {"example": "2026-11"}}
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def __str__(self) -> str:
        return self.code


@dataclass
class TierRow:
    tier: str
    counts: dict[str, int]  # status -> reforms
    total: int


@dataclass
class WarningRow:
    """One red or amber task, with the facts its warning is worded from."""

    task_id: int
    title: str
    reform_id: int
    reform_code: str
    reform_title: str
    start_date: dt.date
    due_date: dt.date
    progress: int
    last_report_on: dt.date | None
    level: str
    reason: str

    @property
    def level_reason(self) -> str:  # the name a Task gives it (template tags take either)
        return self.reason


@dataclass
class UnitGroup:
    unit_id: int
    unit_name: str
    rows: list[WarningRow] = field(default_factory=list)


@dataclass
class PraisedUnit:
    unit_id: int
    name: str
    on_time: int  # tasks completed on time in the period


@dataclass
class NamedUnit:
    unit_id: int
    name: str
    red: int  # red tasks now
    overdue: int  # of them, past their due date
    longest_days: int  # the longest delay, in days (0 when none is overdue)


@dataclass
class OrderRow:
    order_id: int
    code: str
    title: str
    issued_on: dt.date
    reply_by: dt.date
    targets: int
    acknowledged: int
    pending_units: list[str]

    @property
    def complete(self) -> bool:
        return self.acknowledged == self.targets


@dataclass
class OrderFlow:
    """The orders' figures: what happened in the period, and what is late on the day it is made."""

    issued: int = 0  # orders issued in the period
    acknowledged: int = 0  # acknowledgements (by addressed units) made in the period
    replied: int = 0  # written replies received in the period
    accepted: int = 0  # replies accepted in the period
    closed: int = 0  # orders closed in the period (every reply accepted)
    late_ack: int = 0  # addressed units late to acknowledge, on made_on
    late_reply: int = 0  # addressed units late with their reply, on made_on
    late_items: int = 0  # tasks past their order's deadline (督办超期), on made_on

    @property
    def late(self) -> int:
        return self.late_ack + self.late_reply


@dataclass
class Bulletin:
    period: Period
    district: Unit | None
    made_on: dt.date
    reforms: list[TierRow]
    statuses: list[str]  # the status columns, in lifecycle order
    reform_total: int
    levels: dict[str, int]  # level -> leaf tasks
    red: list[UnitGroup]
    amber: list[UnitGroup]
    praised: list[PraisedUnit]
    named: list[NamedUnit]
    orders: list[OrderRow]
    completed: int  # tasks completed in the period
    completed_on_time: int
    reports: int  # progress reports filed in the period
    reports_accepted: int
    order_flow: OrderFlow = field(default_factory=OrderFlow)
    #: Of the tasks at level done, those closed at their reform's completion (办结时关闭): not done.
    closed_at_completion: int = 0
    #: Leaf tasks overdue at some time in the period, and their overdue days in it, by unit (:mod:`.lateness`).
    lateness: Lateness = field(default_factory=Lateness)
    #: The audit chain's head when the bulletin was made, signed when the key is set (ADR 0027).
    anchor: Anchor | None = None

    @property
    def task_total(self) -> int:
        return sum(self.levels.values())

    @property
    def open_tasks(self) -> int:
        return self.task_total - self.levels.get(Level.DONE, 0)

    @property
    def red_total(self) -> int:
        return self.levels.get(Level.RED, 0)

    @property
    def amber_total(self) -> int:
        return self.levels.get(Level.AMBER, 0)

    @property
    def orders_acknowledged(self) -> int:
        return sum(o.acknowledged for o in self.orders)

    @property
    def order_targets(self) -> int:
        return sum(o.targets for o in self.orders)

    @property
    def orders_issued(self) -> int:
        return len(self.orders)

    @property
    def status_totals(self) -> dict[str, int]:
        """Reforms per status across the tiers (the bottom row of the tier x status table)."""
        return {s: sum(r.counts.get(s, 0) for r in self.reforms) for s in self.statuses}

    @property
    def statuses_used(self) -> list[str]:
        """The statuses some reform has, in lifecycle order (the columns the pages and the Word file show)."""
        return [s for s, n in self.status_totals.items() if n]

    def tier_rows(self, statuses: Sequence[str]) -> list[tuple[str, list[int], int]]:
        """The tier x status table for these status columns: (tier, reforms per status, all its reforms)."""
        return [(r.tier, [r.counts.get(s, 0) for s in statuses], r.total) for r in self.reforms]

    def level_shares(self) -> list[tuple[str, int, float | None]]:
        """(level, tasks, percent of all tasks, None when there are no tasks), in level order; the
        tasks closed at their reform's completion (level done, but not done) on a row of their own
        (``closed``) after the done ones."""
        total = self.task_total
        rows: list[tuple[str, int]] = []
        for level, n in self.levels.items():
            if level == Level.DONE and self.closed_at_completion:
                rows += [(level, n - self.closed_at_completion), (TaskStatus.CLOSED, self.closed_at_completion)]
            else:
                rows.append((level, n))
        return [(level, n, 100 * n / total if total else None) for level, n in rows]


def _reforms(period: Period, district: Unit | None) -> QuerySet[Reform]:
    qs = Reform.objects.filter(year__lte=period.year)
    if district is not None:
        qs = qs.filter(district_id=district.pk)
    return qs


def leaf_tasks(period: Period, district: Unit | None) -> TaskQuerySet:
    """The leaf tasks of the supervised reforms a bulletin reports on."""
    qs = Task.objects.filter(reform__year__lte=period.year, reform__status__in=SUPERVISED_STATUSES)
    if district is not None:
        qs = qs.filter(district_id=district.pk)
    return qs.leaves()


def _unit_names(unit_ids) -> dict[int, tuple[str, int, str]]:
    rows = Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "name", "sort_order", "code")
    return {pk: (name, sort, code) for pk, name, sort, code in rows}


def _warning_groups(tasks: QuerySet[Task], level: str, limit: int | None) -> list[UnitGroup]:
    rows = (
        tasks.filter(level=level)
        .order_by("unit__sort_order", "unit__code", "unit_id", "due_date", "pk")
        .values_list(
            "pk", "title", "reform_id", "reform__code", "reform__title", "start_date", "due_date", "progress",
            "last_report_on", "level", "level_reason", "unit_id", "unit__name",
        )
    )
    if limit is not None:
        rows = rows[:limit]
    groups: dict[int, UnitGroup] = {}
    for row in rows:
        unit_id, unit_name = row[-2:]
        groups.setdefault(unit_id, UnitGroup(unit_id, unit_name)).rows.append(WarningRow(*row[:-2]))
    return list(groups.values())


def _tier_rows(period: Period, district: Unit | None) -> list[TierRow]:
    """Reforms by tier and status: one GROUP BY."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for tier, status, n in _reforms(period, district).values_list("tier", "status").annotate(n=Count("pk")).order_by():
        counts[tier][status] = n
    return [
        TierRow(tier=tier, counts={s: counts[tier].get(s, 0) for s in Status.values}, total=sum(counts[tier].values()))
        for tier in Tier.values
    ]


def _units(tasks: QuerySet[Task], period: Period, made_on: dt.date) -> tuple[list[PraisedUnit], list[NamedUnit], dict]:
    """The units praised and named, and the period's completions (three queries and one for names)."""
    # Units named: open leaves by unit, those with red work (one query).
    per_unit = (
        tasks.exclude(status__in=SETTLED_STATUSES)
        .values("unit_id")
        .annotate(
            red=Count("pk", filter=Q(level=Level.RED)),
            overdue=Count("pk", filter=Q(due_date__lt=made_on)),
            oldest_due=Min("due_date", filter=Q(due_date__lt=made_on)),
        )
        .filter(red__gt=0)
        .order_by()
    )
    named_rows = list(per_unit.values_list("unit_id", "red", "overdue", "oldest_due"))
    red_units = {row[0] for row in named_rows}
    # Units praised: on-time completions in the period, by unit (one query), less units with red work.
    done_in_period = tasks.filter(status=TaskStatus.DONE, completed_on__gte=period.first, completed_on__lte=period.last)
    flow = done_in_period.aggregate(
        completed=Count("pk"), on_time=Count("pk", filter=Q(completed_on__lte=F("due_date"))),
    )
    praised_rows = list(
        done_in_period.filter(completed_on__lte=F("due_date"))
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("unit_id", "n")
    )
    names = _unit_names([u for u, _n in praised_rows] + [row[0] for row in named_rows])

    def sort_key(unit_id: int):
        name, sort, code = names.get(unit_id, ("", 0, ""))
        return (sort, code)

    praised = sorted(
        (PraisedUnit(u, names.get(u, ("",))[0], n) for u, n in praised_rows if u not in red_units),
        key=lambda p: (-p.on_time, sort_key(p.unit_id)),
    )
    named = sorted(
        (
            NamedUnit(u, names.get(u, ("",))[0], r, o, (made_on - oldest).days if oldest else 0)
            for u, r, o, oldest in named_rows
        ),
        key=lambda n: (-n.red, -n.overdue, sort_key(n.unit_id)),
    )
    return praised, named, flow


def _report_counts(period: Period, district: Unit | None) -> dict[str, int]:
    """Progress reports filed in the period: one aggregate."""
    reports_qs = ProgressReport.objects.filter(
        reported_on__gte=period.first, reported_on__lte=period.last, task__reform__year__lte=period.year,
        task__reform__status__in=SUPERVISED_STATUSES,
    )
    if district is not None:
        reports_qs = reports_qs.filter(task__district_id=district.pk)
    return reports_qs.aggregate(total=Count("pk"), accepted=Count("pk", filter=Q(status=Decision.ACCEPTED)))


def _orders(period: Period, district: Unit | None) -> list[OrderRow]:
    """Orders issued in the period and their acknowledgement: two queries."""
    orders_qs = Order.objects.filter(issued_on__gte=period.first, issued_on__lte=period.last)
    if district is not None:
        orders_qs = orders_qs.filter(district_id=district.pk)
    order_rows = list(
        orders_qs.annotate(
            n_targets=Count("targets"), n_ack=Count("targets", filter=Q(targets__acknowledged_at__isnull=False))
        )
        .order_by("issued_on", "number", "pk")
        .values_list("pk", "code", "title", "issued_on", "reply_by", "n_targets", "n_ack")
    )
    pending: dict[int, list[str]] = defaultdict(list)
    if order_rows:
        for order_id, unit_name in (
            OrderTarget.objects.filter(order_id__in=[r[0] for r in order_rows], acknowledged_at__isnull=True)
            .order_by("unit__sort_order", "unit__code")
            .values_list("order_id", "unit__name")
        ):
            pending[order_id].append(unit_name)
    return [OrderRow(*row, pending_units=pending.get(row[0], [])) for row in order_rows]


def _order_flow(period: Period, district: Unit | None, made_on: dt.date) -> OrderFlow:
    """The orders' flows in the period and their lateness on ``made_on``: six aggregate queries."""
    orders, targets, replies = Order.objects.all(), OrderTarget.objects.all(), OrderReply.objects.all()
    items = OrderItem.objects.filter(order__status=OrderStatus.ISSUED)
    if district is not None:
        orders, targets = orders.filter(district_id=district.pk), targets.filter(order__district_id=district.pk)
        replies, items = replies.filter(order__district_id=district.pk), items.filter(order__district_id=district.pk)
    first, last = period.first, period.last
    flow = orders.aggregate(
        issued=Count("pk", filter=Q(issued_on__gte=first, issued_on__lte=last)),
        closed=Count("pk", filter=Q(closed_on__gte=first, closed_on__lte=last)),
    )
    received = replies.aggregate(
        replied=Count("pk", filter=Q(submitted_on__gte=first, submitted_on__lte=last)),
        accepted=Count(
            "pk",
            filter=Q(status=Decision.ACCEPTED, reviewed_at__date__gte=first, reviewed_at__date__lte=last),
        ),
    )
    up_to = targets.filter(order__issued_on__lte=made_on)
    return OrderFlow(
        issued=flow["issued"],
        acknowledged=targets.filter(acknowledged_at__date__gte=first, acknowledged_at__date__lte=last).count(),
        replied=received["replied"],
        accepted=received["accepted"],
        closed=flow["closed"],
        late_ack=up_to.ack_overdue(made_on).count(),
        late_reply=up_to.reply_overdue(made_on).count(),
        late_items=items.filter(OrderItem.overdue_q(made_on)).count(),
    )


def make_bulletin(*, period: Period, district: Unit | None = None, on: dt.date | None = None, limit: int | None = None) -> Bulletin:
    """The bulletin's figures. ``limit`` caps the red and amber lists (a page's preview); the
    documents take them whole."""
    made_on = on or today()
    reforms = _tier_rows(period, district)
    tasks = leaf_tasks(period, district)
    # Tasks by level (and those closed at completion among the done): one GROUP BY.
    by_level: dict[str, int] = defaultdict(int)
    closed = 0
    for level, status, n in tasks.values_list("level", "status").annotate(n=Count("pk")).order_by():
        by_level[level] += n
        closed += n if status == TaskStatus.CLOSED else 0
    # The red and amber lists, grouped by unit: one query each.
    red = _warning_groups(tasks, Level.RED, limit)
    amber = _warning_groups(tasks, Level.AMBER, limit)
    praised, named, flow = _units(tasks, period, made_on)
    report_counts = _report_counts(period, district)
    return Bulletin(
        period=period,
        district=district,
        made_on=made_on,
        reforms=reforms,
        statuses=list(Status.values),
        reform_total=sum(r.total for r in reforms),
        levels={level: by_level.get(level, 0) for level in LEVEL_ORDER},
        closed_at_completion=closed,
        red=red,
        amber=amber,
        praised=praised,
        named=named,
        orders=_orders(period, district),
        completed=flow["completed"],
        completed_on_time=flow["on_time"],
        reports=report_counts["total"],
        reports_accepted=report_counts["accepted"],
        order_flow=_order_flow(period, district, made_on),
        lateness=_lateness(period, district, made_on),
        anchor=current_anchor(),
    )


def _lateness(period: Period, district: Unit | None, made_on: dt.date) -> Lateness:
    """Tasks overdue at some time in the period (done or extended since included): one query."""
    spells = OverdueSpell.objects.filter(reform__year__lte=period.year)
    if district is not None:
        spells = spells.filter(district=district)
    return lateness(spells, first=period.first, last=period.last, made_on=made_on)
