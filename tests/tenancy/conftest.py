"""Two districts, each with its own work (ADR 0025): 罗湖区 (the ``district`` fixture) with a draft,
a proposal, a reform in progress with a task, a report awaiting review and a help request, and
福田区 (``other_district``) with its own office, committee, main leader and a reform in progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation

from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision.models import ProgressReport, Task
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.clients import english_client

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@dataclass
class World:
    draft: Reform  # 罗湖区: a draft of sub-district A
    proposal: Reform  # 罗湖区: a key reform proposed, awaiting approval
    public: Reform  # 罗湖区: in progress (public)
    task: Task  # of ``public``, given to sub-district A, late (red)
    report: ProgressReport  # on ``task``, awaiting review, asking for help
    ft_reform: Reform  # 福田区: in progress
    ft_task: Task


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return english_client()


@pytest.fixture
def world(people, district, other_district, other_people, reform_factory) -> World:
    span = {"start_date": days(-200), "due_date": days(200)}
    draft = reform_factory(code="LH-DRAFT", title="罗湖的草稿改革", status=Status.DRAFT, **span)
    proposal = reform_factory(code="LH-PROP", title="罗湖的重点改革", tier=Tier.KEY, status=Status.PROPOSED, **span)
    public = reform_factory(code="LH-PUB", title="罗湖的推进改革", **span)
    task = task_services.create_task(
        user=people.office, reform=public, title="罗湖的逾期任务", unit=district.sub_a,
        start_date=days(-60), due_date=days(-3),
    )
    report = report_services.submit_report(
        user=people.unit_staff, task=task, percent=40, text="罗湖的进展", help_needed="需要协调"
    )
    ft, street = other_district
    ft_reform = reform_factory(code="FT-PUB", title="福田的推进改革", lead_unit=street, district=ft, **span)
    ft_task = task_services.create_task(
        user=other_people.office, reform=ft_reform, title="福田的任务", unit=street,
        start_date=days(-10), due_date=days(60),
    )
    return World(draft, proposal, public, Task.objects.get(pk=task.pk), report, ft_reform, ft_task)
