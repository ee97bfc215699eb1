"""Writes at the same moment (PostgreSQL): the roll-up loses no update, order numbers never repeat.

Each test starts its writers together (a barrier) in threads with their own connections, on
committed data (``transaction=True``).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role, User
from reformledger.reforms.models import Reform
from reformledger.supervision import rollup
from reformledger.supervision.models import DeadlineChange, ExtensionRequest, Order, Task
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from reformledger.supervision.services import reports as report_services
from tests.concurrency import at_once as _at_once
from tests.factories import MembershipFactory

from .conftest import TODAY


def at_once(*calls):
    """The calls released together; the first error re-raised."""
    return _at_once(*calls, raising=True)


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time (the whole database is the lock): concurrent "
        "writers are a PostgreSQL matter; run with DATABASE_URL=postgresql://...",
    ),
]




def fresh(user: User) -> User:
    """The same person as a new object, as each request would load it."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def slow_rollup(monkeypatch):
    """Widen the window between reading the tree and writing the roll-up, so that two writers
    that were not queued by the reform's lock would surely overwrite each other's work."""
    compute = rollup.compute

    def slow(*args, **kwargs):
        result = compute(*args, **kwargs)
        time.sleep(0.1)
        return result

    monkeypatch.setattr(rollup, "compute", slow)


def test_two_reports_and_two_acceptances_at_once_lose_no_update(people, reform, add_task, slow_rollup):
    """Two units report at once (each claim is kept, awaiting review), then the office accepts both
    at once: the roll-up holds both accepted figures (progress is what the office accepted, ADR 0022)."""
    parent = add_task(reform, title="P", weight=1)
    a = add_task(reform, parent=parent, title="A", weight=1)
    b = add_task(reform, parent=parent, title="B", weight=3)
    other = add_task(reform, title="Q", weight=1)
    for n, (pa, pb) in enumerate(((40, 80), (55, 10), (70, 90), (100, 65))):
        ra, rb = at_once(
            lambda pa=pa, n=n: report_services.submit_report(user=fresh(people.unit_staff), task=a, percent=pa, text=f"A{n}"),
            lambda pb=pb, n=n: report_services.submit_report(user=fresh(people.unit_head), task=b, percent=pb, text=f"B{n}"),
        )
        claims = dict(Task.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "reported_percent"))
        assert claims == {a.pk: pa, b.pk: pb}
        at_once(
            lambda ra=ra: report_services.review_report(user=fresh(people.office), report=ra, accept=True),
            lambda rb=rb: report_services.review_report(user=fresh(people.office), report=rb, accept=True),
        )
        expected_parent = round((1 * pa + 3 * pb) / 4)
        assert Task.objects.get(pk=parent.pk).progress == expected_parent
        assert Reform.objects.get(pk=reform.pk).progress == round((expected_parent + 0) / 2)
    assert other.reports.count() == 0 and a.reports.count() == b.reports.count() == 4


def test_two_orders_at_once_get_two_numbers(people, district):
    def issue(unit):
        return lambda: order_services.issue_order(
            user=fresh(people.office), title=f"督查令 {unit.name}", reply_by=TODAY + dt.timedelta(days=5), units=[unit]
        )

    for _round in range(3):
        at_once(issue(district.sub_a), issue(district.sub_b))
    numbers = sorted(Order.objects.filter(district=district.district).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert len(set(Order.objects.values_list("code", flat=True))) == 6


def test_the_last_two_replies_accepted_at_once_close_the_order_once(people, district):
    """Issue 8 part 5: each review locks the order's row first, so the second sees the first's
    acceptance and closes the order; neither review leaves it open, and it closes once."""
    second_officer = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user
    for _round in range(3):
        order = order_services.issue_order(
            user=people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5), units=[district.sub_a, district.sub_b]
        )
        a = reply_services.reply_to_order(user=people.unit_staff, order=order, text="桂园")
        b = reply_services.reply_to_order(user=people.other_staff, order=order, text="黄贝")
        at_once(
            lambda a=a: reply_services.review_order_reply(user=fresh(people.office), reply=a, accept=True),
            lambda b=b: reply_services.review_order_reply(user=fresh(second_officer), reply=b, accept=True),
        )
        order.refresh_from_db()
        assert order.status == "closed"
        assert AuditEntry.objects.filter(action="order.close", object_id=str(order.pk)).count() == 1


def test_two_decisions_on_one_extension_request_at_once_decide_it_once(people, district, reform, add_task):
    """Issue 8 part 1: each decision locks the reform, then the request's row, so the second sees
    the first's decision and is refused; the due date moves once, one deadline change recorded."""
    second_officer = MembershipFactory(unit=district.office_unit, role=Role.OFFICE).user
    task = add_task(reform, title="窗口改造")
    request = extension_services.request_extension(
        user=people.unit_staff, task=task, new_due_date=TODAY + dt.timedelta(days=90), reason="需要协调"
    )
    outcomes: list[str] = []

    def decide(user, approve: bool, granted_days: int):
        def call():
            try:
                extension_services.decide_extension(
                    user=fresh(user), request=request, approve=approve,
                    granted_due_date=TODAY + dt.timedelta(days=granted_days) if approve else None, comment="" if approve else "不同意",
                )
                outcomes.append("decided")
            except ValidationError as exc:
                outcomes.append("refused:" + ",".join(exc.message_dict))
        return call

    at_once(decide(people.office, True, 90), decide(second_officer, True, 80))
    assert sorted(outcomes) == ["decided", "refused:status"]
    assert ExtensionRequest.objects.get(pk=request.pk).status == "approved"
    assert DeadlineChange.objects.filter(task=task).count() == 1
    assert AuditEntry.objects.filter(action="task.decide_extension").count() == 1
