"""Fixtures of supervision: a reform in progress over this year, a task of it, and helpers that
add tasks through the service (so that their levels are computed and the audit trail written):
``add_task`` (green unless the dates say otherwise), ``add_red`` (overdue) and ``add_amber``
(due soon with nothing done)."""

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.supervision.services import tasks as task_services

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    """The date ``n`` days from today (negative: ago)."""
    return TODAY + dt.timedelta(days=n)


def day(n: int) -> str:
    """Today plus ``n`` days, as the API writes dates."""
    return days(n).isoformat()


@pytest.fixture
def reform(reform_factory, district):
    return reform_factory(
        code="SV-1",
        title="不动产登记改革",
        start_date=TODAY - dt.timedelta(days=200),
        due_date=TODAY + dt.timedelta(days=200),
        progress=0,
    )


@pytest.fixture
def add_task(people, district):
    """Add a task through the service, as the office, with sensible defaults (on track: green)."""

    def add(reform, *, parent=None, user=None, **data):
        data.setdefault("title", "任务")
        data.setdefault("unit", district.sub_a)
        data.setdefault("start_date", TODAY - dt.timedelta(days=10))
        data.setdefault("due_date", TODAY + dt.timedelta(days=60))
        return task_services.create_task(user=user or people.office, reform=reform, parent=parent, **data)

    return add


@pytest.fixture
def add_red(add_task):
    """``add_red(reform, late=2, **data)``: a task overdue by ``late`` days (red)."""

    def add(reform, *, late: int = 2, **data):
        data.setdefault("start_date", days(-late - 18))
        return add_task(reform, due_date=days(-late), **data)

    return add


@pytest.fixture
def add_amber(add_task):
    """``add_amber(reform, left=5, **data)``: a task due in ``left`` days (at most a week) with
    nothing done after most of its time (amber)."""

    def add(reform, *, left: int = 5, **data):
        data.setdefault("start_date", days(-15))
        return add_task(reform, due_date=days(left), **data)

    return add


@pytest.fixture
def task(reform, add_task):
    return add_task(reform, title="窗口改造")


@pytest.fixture
def media(settings, tmp_path):
    """Stored files (evidence) go to a folder of this test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
