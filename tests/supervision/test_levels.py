"""Red / amber / green (issue 3, part 4): the rules as properties of ``levels.task_level``, and the
thresholds read from settings.

The reference below restates the issue's words, independently of the implementation:
``done`` when completed; ``red`` when overdue, or started and without a report for M days;
``amber`` when due within N days and behind the straight line from start to due date; ``green``
otherwise.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from reformledger.supervision import levels
from reformledger.supervision.models import LEVEL_RANK, Level, ReformWarning, Task

from .conftest import TODAY

#: Pure functions: no deadline (a loaded CI machine must not fail them), a modest number of examples.
PROPERTY = hypothesis_settings(deadline=None, max_examples=80)
BASE = dt.date(2026, 1, 1)
LIMITS = levels.Thresholds(amber_days=7, stale_days=30, escalate_days=7)

days = st.integers(min_value=-400, max_value=400)
limits_st = st.builds(
    levels.Thresholds,
    amber_days=st.integers(min_value=0, max_value=60),
    stale_days=st.integers(min_value=1, max_value=120),
    escalate_days=st.integers(min_value=0, max_value=30),
)


@st.composite
def facts(draw):
    """A task's facts: start <= due, a progress, maybe a last report on or after the start, today."""
    start = BASE + dt.timedelta(days=draw(days))
    due = start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=400)))
    today = BASE + dt.timedelta(days=draw(days))
    progress = draw(st.integers(min_value=0, max_value=100))
    last_report = draw(
        st.one_of(st.none(), st.integers(min_value=0, max_value=800).map(lambda n: start + dt.timedelta(days=n)))
    )
    if last_report is not None and last_report > today:
        last_report = None  # a report is never filed in the future
    return {"start": start, "due": due, "today": today, "progress": progress, "last_report": last_report}


def reference(*, done, start, due, progress, last_report, today, limits) -> str:
    if done:
        return Level.DONE
    if today > due:
        return Level.RED
    started = today >= start
    silent_since = last_report or start
    if started and (today - silent_since).days >= limits.stale_days:
        return Level.RED
    if start >= due:
        expected = 100.0 if today >= start else 0.0
    else:
        share = min(max((today - start).days / (due - start).days, 0.0), 1.0)
        expected = 100.0 * share
    if (due - today).days <= limits.amber_days and progress < expected:
        return Level.AMBER
    return Level.GREEN


@PROPERTY
@given(f=facts(), limits=limits_st, done=st.booleans())
def test_task_level_follows_the_issue_rules(f, limits, done):
    level, reason = levels.task_level(done=done, limits=limits, **f)
    assert level == reference(done=done, limits=limits, **f)
    assert reason == {
        Level.DONE: "",
        Level.GREEN: "",
        Level.AMBER: levels.BEHIND,
        Level.RED: levels.OVERDUE if f["today"] > f["due"] else levels.SILENT,
    }[level]


@PROPERTY
@given(f=facts(), limits=limits_st)
def test_done_is_done_whatever_the_dates(f, limits):
    assert levels.task_level(done=True, limits=limits, **f) == (Level.DONE, "")


@PROPERTY
@given(f=facts(), limits=limits_st, late=st.integers(min_value=1, max_value=500))
def test_past_due_is_red(f, limits, late):
    f["today"] = f["due"] + dt.timedelta(days=late)
    f["progress"] = 99
    assert levels.task_level(done=False, limits=limits, **f) == (Level.RED, levels.OVERDUE)


@PROPERTY
@given(f=facts(), extra=st.integers(min_value=0, max_value=200))
def test_silent_for_stale_days_is_red(f, extra):
    """Started, not overdue, and no report for WARNING_STALE_DAYS days or more: red (silent)."""
    f["last_report"] = None
    f["today"] = f["start"] + dt.timedelta(days=LIMITS.stale_days + extra)
    f["due"] = max(f["due"], f["today"])
    f["progress"] = 100
    assert levels.task_level(done=False, limits=LIMITS, **f) == (Level.RED, levels.SILENT)


def test_silence_counts_from_the_last_report():
    kw = {"start": BASE, "due": BASE + dt.timedelta(days=300), "progress": 50, "limits": LIMITS}
    day = BASE + dt.timedelta(days=100)
    report = day - dt.timedelta(days=29)
    assert levels.task_level(done=False, last_report=report, today=day, **kw)[0] == Level.GREEN
    report = day - dt.timedelta(days=30)
    assert levels.task_level(done=False, last_report=report, today=day, **kw) == (Level.RED, levels.SILENT)
    # Not started yet: never silent, whatever the last report says.
    early = BASE - dt.timedelta(days=1)
    assert levels.task_level(done=False, last_report=None, today=early, **kw)[0] == Level.GREEN


@PROPERTY
@given(f=facts())
def test_amber_when_due_soon_and_behind_the_line(f):
    f["last_report"] = f["today"]  # just reported: not silent
    left = (f["due"] - f["today"]).days
    if f["today"] > f["due"]:
        return
    expected = levels.expected_percent(f["start"], f["due"], f["today"])
    level, _reason = levels.task_level(done=False, limits=LIMITS, **f)
    if left <= LIMITS.amber_days and f["progress"] < expected:
        assert level == Level.AMBER
    else:
        assert level == Level.GREEN


def test_amber_examples():
    start, due = BASE, BASE + dt.timedelta(days=100)
    on = due - dt.timedelta(days=7)  # 93% expected
    common = {"start": start, "due": due, "last_report": on, "today": on, "limits": LIMITS}
    assert levels.task_level(done=False, progress=92, **common) == (Level.AMBER, levels.BEHIND)
    assert levels.task_level(done=False, progress=93, **common) == (Level.GREEN, "")
    # Eight days before: behind the line, but not yet within the amber window.
    common["today"] = common["last_report"] = due - dt.timedelta(days=8)
    assert levels.task_level(done=False, progress=0, **common) == (Level.GREEN, "")


@PROPERTY
@given(f=facts(), more=st.integers(min_value=0, max_value=100))
def test_more_progress_never_makes_a_task_worse(f, more):
    low = levels.task_level(done=False, limits=LIMITS, **f)[0]
    f["progress"] = min(100, f["progress"] + more)
    high = levels.task_level(done=False, limits=LIMITS, **f)[0]
    assert LEVEL_RANK[high] >= LEVEL_RANK[low]


@PROPERTY
@given(start=days, length=st.integers(min_value=0, max_value=400), a=days, b=days)
def test_the_straight_line_is_monotonic_and_bounded(start, length, a, b):
    s = BASE + dt.timedelta(days=start)
    d = s + dt.timedelta(days=length)
    x, y = sorted([BASE + dt.timedelta(days=a), BASE + dt.timedelta(days=b)])
    ex, ey = levels.expected_percent(s, d, x), levels.expected_percent(s, d, y)
    assert 0.0 <= ex <= ey <= 100.0
    assert levels.expected_percent(s, d, s) == (100.0 if length == 0 else 0.0)
    assert levels.expected_percent(s, d, d) == 100.0


all_levels = st.sampled_from([Level.RED, Level.AMBER, Level.GREEN, Level.DONE])


@PROPERTY
@given(st.lists(all_levels))
def test_worst(items):
    result = levels.worst(items)
    if not items:
        assert result == Level.DONE
    else:
        assert result in items
        assert all(LEVEL_RANK[result] <= LEVEL_RANK[x] for x in items)
    assert levels.worst(reversed(items)) == result  # order does not matter
    assert levels.worst([*items, Level.RED]) == Level.RED


def test_thresholds_come_from_settings(settings):
    settings.WARNING_AMBER_DAYS, settings.WARNING_STALE_DAYS, settings.WARNING_ESCALATE_DAYS = 3, 10, 2
    assert levels.Thresholds.from_settings() == levels.Thresholds(amber_days=3, stale_days=10, escalate_days=2)


@pytest.mark.django_db
def test_changing_the_settings_changes_the_levels(settings, people, reform, add_task):
    """The same task, the same day: amber with a 7-day window, green with a 3-day one; red once
    the stale limit is shorter than its silence."""
    from reformledger.supervision.scan import scan_deadlines

    add_task(reform, title="t", start_date=TODAY - dt.timedelta(days=20), due_date=TODAY + dt.timedelta(days=5))
    task = Task.objects.get(title="t")
    assert task.level == Level.AMBER
    settings.WARNING_AMBER_DAYS = 3
    scan_deadlines(on=TODAY)
    task.refresh_from_db()
    assert task.level == Level.GREEN
    assert ReformWarning.objects.get(reform=reform).level == Level.GREEN
    settings.WARNING_STALE_DAYS = 15  # silent for 20 days since its start
    scan_deadlines(on=TODAY + dt.timedelta(days=1))
    task.refresh_from_db()
    assert (task.level, task.level_reason) == (Level.RED, levels.SILENT)
    assert ReformWarning.objects.get(reform=reform).level == Level.RED
