"""A district with work waiting in every queue the workbench counts, spread so that each role sees
a different part of it."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from reformledger.reforms.models import Status, Tier
from reformledger.supervision.models import ChangeRequest, Decision, HelpRequest, Level
from tests.factories import (
    ChangeRequestFactory,
    CompletionFactory,
    HelpRequestFactory,
    OrderFactory,
    OrderTargetFactory,
    ProgressReportFactory,
    TaskFactory,
)
from tests.i18n.test_pages import english_msgids  # noqa: F401 - the fixture, for the pages' language tests

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@dataclass
class Work:
    key: object  # a key reform the main leader sees
    micro: object  # a micro-reform of sub-district A (the main leader does not see it)
    other: object  # a micro-reform of sub-district B
    proposed: object


def _task(district, reform, title, level, unit=None):
    """A task at ``level`` whatever its dates: the cockpit reads levels, it does not compute them."""
    return TaskFactory(reform=reform, title=title, unit=unit or district.sub_a, start_date=days(-10), due_date=days(60),
                       level=level)


def _report(task, people, **extra):
    return ProgressReportFactory(task=task, reporter=people.unit_staff, **extra)


def _help(people, task, reform, leader, help_needed, **extra):
    """Help asked for in a report on ``task``, escalated to ``leader`` (for ``reform``)."""
    report = _report(task, people, help_needed=help_needed)
    return HelpRequestFactory(report=report, reform=reform, leader=leader, **extra)


def _order(people, district, number, *, acknowledged: bool):
    order = OrderFactory(district=district.district, number=number, issued_by=people.office)
    OrderTargetFactory(order=order, unit=district.sub_a, acknowledged=acknowledged)
    OrderTargetFactory(order=order, unit=district.sub_b, acknowledged=True)
    return order


def make_work(people, district, reform_factory, *, extra: int = 0) -> Work:
    """Red and amber tasks, reports to review, completions and change requests waiting, help
    needed, orders not yet signed for and a proposal; ``extra`` more of each."""
    window = {"start_date": days(-100), "due_date": days(200)}
    key = reform_factory(code="WB-K-01", title="营商环境改革", tier=Tier.KEY, status=Status.IN_PROGRESS,
                         responsible_leader=people.leader_main, **window)
    micro = reform_factory(code="WB-M-01", title="物业管理改革", status=Status.IN_PROGRESS, **window)
    other = reform_factory(code="WB-M-02", title="社区议事改革", status=Status.IN_PROGRESS,
                           lead_unit=district.sub_b, **window)
    proposed = reform_factory(code="WB-P-01", title="街道大部制改革", status=Status.PROPOSED, **window)
    for n in range(1 + extra):
        _task(district, key, f"重点任务红{n}", Level.RED)
        red = _task(district, micro, f"微改革任务红{n}", Level.RED)
        _task(district, other, f"黄贝任务黄{n}", Level.AMBER, unit=district.sub_b)
        amber = _task(district, micro, f"微改革任务黄{n}", Level.AMBER)
        _task(district, micro, f"绿色任务{n}", Level.GREEN)
        _report(red, people)
        _report(amber, people, status=Decision.ACCEPTED)  # reviewed: not waiting
        _help(people, red, key, people.leader_main, "需协调用地", text="需协调用地指标")
        _help(people, amber, micro, people.leader_main, "已协调", status=HelpRequest.HelpStatus.RESOLVED)
        _help(people, amber, micro, people.leader_domain, "需协调经费")
        applying = micro if n == 0 else reform_factory(code=f"WB-M-{n + 10:02d}", title="申请办结的改革",
                                                       status=Status.IN_PROGRESS, **window)
        CompletionFactory(reform=applying, applied_by=people.unit_staff, summary="已完成")
        CompletionFactory(reform=other, applied_by=people.other_staff, summary="已退回", status=Decision.RETURNED)
        ChangeRequestFactory(reform=key, requested_by=people.leader_main, proposed={"goals": "新目标"}, reason="情况变化")
        ChangeRequestFactory(reform=other, requested_by=people.other_staff, proposed={"goals": "x"}, reason="已驳回",
                             status=ChangeRequest.CRStatus.REJECTED)
        _order(people, district, 2 * n + 1, acknowledged=False)
        _order(people, district, 2 * n + 2, acknowledged=True)
        if n:
            reform_factory(code=f"WB-P-{n + 1:02d}", title="待批准改革", status=Status.PROPOSED, **window)
    return Work(key=key, micro=micro, other=other, proposed=proposed)


@pytest.fixture
def work(people, district, reform_factory) -> Work:
    return make_work(people, district, reform_factory)
