"""The task timeline of a reform's tree page: the tasks' date range mapped to 0–100%, each task's
bar with what is done and where its straight-line trajectory stands today, the axis ticks and
today's line. A presenter: it reads dates and progress, and writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import pgettext

from reformledger.reforms.models import Reform

from . import levels
from .models import Task


@dataclass
class Tick:
    left: float
    year: str  # shown at the first tick and where the year changes
    month: str  # empty when the ticks are a year or more apart


@dataclass
class Bar:
    """A task's bar, in percent: of the timeline for its place, of the bar itself for what is in it."""

    left: float  # where the visible bar starts
    width: float  # its visible length
    fill: float  # how much of the visible bar is done
    tick: float | None  # where the straight-line trajectory stands today (None: outside the visible bar)
    expected: float  # the trajectory's percent today (for the words)
    starts_before: bool = False  # the span begins before the timeline (drawn open on the left)
    ends_after: bool = False  # and ends after it


#: Months between two ticks, the smallest that keeps the axis readable.
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60)
MAX_TICKS = 8


class Timeline:
    """The tasks' date range (with today, when the reform runs) mapped to 0–100%: bars, ticks and
    today's line. A reform whose own dates reach far beyond its tasks is drawn open at that end."""

    def __init__(self, reform: Reform, tasks: list[Task], on: dt.date):
        if tasks:
            self.start = min(t.start_date for t in tasks)
            self.end = max(t.due_date for t in tasks)
            if reform.start_date and reform.due_date and reform.start_date <= on <= reform.due_date:
                self.start, self.end = min(self.start, on), max(self.end, on)
        else:
            self.start = reform.start_date or on
            self.end = reform.due_date or on
        pad = dt.timedelta(days=max(1, (self.end - self.start).days // 50))
        self.start, self.end = self.start - pad, self.end + pad
        self.days = (self.end - self.start).days
        self.on = on
        self.today = self.pos(on) if self.start <= on <= self.end else None
        self.ticks = self._ticks()

    def pos(self, day: dt.date) -> float:
        return round(100 * (day - self.start).days / self.days, 3)

    def bar(self, start: dt.date, due: dt.date, progress: int) -> Bar:
        full_left, full_right = self.pos(start), self.pos(due)
        full = max(full_right - full_left, 0.001)
        left = min(max(full_left, 0.0), 99.2)
        width = max(min(full_right, 100.0) - left, 0.8)
        expected = levels.expected_percent(start, due, self.on)

        def within(percent: float) -> float:
            return (full_left + percent / 100 * full - left) / width * 100

        tick = within(expected)
        return Bar(
            left=round(left, 3),
            width=round(width, 3),
            fill=round(min(max(within(progress), 0.0), 100.0), 2),
            tick=round(tick, 2) if 0 <= tick <= 100 else None,
            expected=round(expected, 1),
            starts_before=full_left < 0,
            ends_after=full_right > 100,
        )

    def _ticks(self) -> list[Tick]:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        step = next((s for s in TICK_STEPS if months / s <= MAX_TICKS), TICK_STEPS[-1])
        # A PHP-style date format for a month on the axis ("M": Mar / 三月; zh-Hans may use "n月").
        month_format = pgettext("timeline month label, a date format", "M")
        ticks: list[Tick] = []
        month = dt.date(self.start.year, self.start.month, 1)
        last_year = None
        while month <= self.end:
            if month >= self.start and (month.year * 12 + month.month - 1) % step == 0:
                year = str(month.year) if month.year != last_year else ""
                last_year = month.year
                label = "" if step >= 12 else date_format(month, month_format)
                ticks.append(Tick(self.pos(month), year, label))
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return ticks
