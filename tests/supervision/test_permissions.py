"""Who may do what in supervision: every service write against every role of the fixture district.

The reform is led by sub-district A (``unit_head``, ``unit_staff``); ``other_staff`` works in
sub-district B; ``leader_domain`` is the reform's responsible leader. An allowed call succeeds; a
refused one raises ``PermissionDenied`` and writes nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from reformledger.core.models import AuditEntry
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status, Tier
from reformledger.supervision.models import (
    ChangeRequest,
    Completion,
    DeadlineChange,
    ExtensionRequest,
    HelpRequest,
    Order,
    OrderReply,
    OrderTarget,
    ProgressReport,
    Reminder,
    Task,
)
from reformledger.supervision.selectors.orders import visible_orders
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import help as help_services
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import progress as progress_services
from reformledger.supervision.services import replies as reply_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.supervision.files import pdf

from .conftest import TODAY

pytestmark = pytest.mark.django_db

ROLES = ("office", "committee", "leader_main", "leader_domain", "unit_head", "unit_staff", "other_staff", "expert", "resident")
LEAD_UNIT = {"unit_head", "unit_staff"}


def task_data(unit, **extra):
    return {
        "title": "新任务",
        "unit": unit,
        "start_date": TODAY - dt.timedelta(days=5),
        "due_date": TODAY + dt.timedelta(days=30),
        **extra,
    }


@dataclass
class Ctx:
    people: object
    district: object
    reform: object
    add_task: Callable
    obj: object = None


def written() -> dict[str, int]:
    return {
        "tasks": Task.objects.count(),
        "task_titles": sorted(Task.objects.values_list("title", flat=True)),
        "reports": ProgressReport.objects.count(),
        "reviewed": ProgressReport.objects.exclude(status="pending").count(),
        "orders": Order.objects.count(),
        "acknowledged": OrderTarget.objects.filter(acknowledged_at__isnull=False).count(),
        "order_replies": OrderReply.objects.count(),
        "replies_reviewed": OrderReply.objects.exclude(status="pending").count(),
        "orders_closed": Order.objects.filter(status="closed").count(),
        "completions": Completion.objects.count(),
        "decided": Completion.objects.exclude(status="pending").count(),
        "change_requests": ChangeRequest.objects.count(),
        "changes_decided": ChangeRequest.objects.exclude(status="pending").count(),
        "help_resolved": HelpRequest.objects.filter(status="resolved").count(),
        "extensions": ExtensionRequest.objects.count(),
        "extensions_decided": ExtensionRequest.objects.exclude(status="pending").count(),
        "deadline_changes": DeadlineChange.objects.count(),
        "due_dates": sorted(Task.objects.values_list("pk", "due_date")),
        "reminders": Reminder.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- the actions: (setup, act) ---------------------------------------------------------------------


def setup_task_of_b(c: Ctx):
    return c.add_task(c.reform, title="B的任务", unit=c.district.sub_b)


def setup_subtask_of_b(c: Ctx):
    parent = setup_task_of_b(c)
    return c.add_task(c.reform, parent=parent, title="B的子任务", unit=c.district.sub_b)


def setup_subtask_b_made(c: Ctx):
    parent = setup_task_of_b(c)
    return c.add_task(c.reform, parent=parent, title="B自拆的子任务", unit=c.district.sub_b, user=c.people.other_staff)


def setup_task_of_a(c: Ctx):
    return c.add_task(c.reform, title="A的任务", unit=c.district.sub_a)


def setup_report(c: Ctx):
    task = setup_task_of_a(c)
    return report_services.submit_report(user=c.people.unit_staff, task=task, percent=40, text="进展")


def setup_order_to_b(c: Ctx):
    return order_services.issue_order(
        user=c.people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5), units=[c.district.sub_b]
    )


def setup_reply_of_b(c: Ctx):
    order = setup_order_to_b(c)
    return reply_services.reply_to_order(user=c.people.other_staff, order=order, text="已办理")


def setup_order_to_b_copied_to_a(c: Ctx):
    return order_services.issue_order(
        user=c.people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5), units=[c.district.sub_b],
        cc_units=[c.district.sub_a],
    )


def setup_completion(c: Ctx):
    return decision_services.apply_completion(user=c.people.unit_staff, reform=c.reform, summary="已完成", evidence=[pdf()])


def setup_change_request(c: Ctx):
    return decision_services.request_change(user=c.people.unit_staff, reform=c.reform, proposed={"goals": "新目标"}, reason="依据")


def setup_help(c: Ctx):
    task = setup_task_of_a(c)
    report = report_services.submit_report(user=c.people.unit_staff, task=task, percent=10, text="进展", help_needed="需要协调用地")
    return report.help


def setup_completed(c: Ctx):
    completion = setup_completion(c)
    decision_services.decide_completion(user=c.people.office, completion=completion, accept=True)
    return completion


def setup_extension_of_b(c: Ctx):
    task = setup_task_of_b(c)
    return extension_services.request_extension(
        user=c.people.other_staff, task=task, new_due_date=TODAY + dt.timedelta(days=90), reason="需要更多时间"
    )


def setup_key_reform(c: Ctx):
    c.reform.tier = Tier.KEY
    c.reform.save()
    return c.reform


ACTIONS: dict[str, tuple[Callable | None, Callable, set[str]]] = {
    "decompose_reform": (
        None,
        lambda u, c: task_services.create_task(user=u, reform=c.reform, **task_data(c.district.sub_a)),
        {"office"} | LEAD_UNIT,
    ),
    "split_task_of_own_unit": (
        setup_task_of_b,
        lambda u, c: task_services.create_task(user=u, reform=c.reform, parent=c.obj, **task_data(c.district.sub_b)),
        {"office", "other_staff"} | LEAD_UNIT,
    ),
    # Work the office set: the office only (issue 8, part 9: units neither edit nor remove it).
    "change_task": (
        setup_task_of_b,
        lambda u, c: task_services.update_task(user=u, task=c.obj, changes={"title": "改过的标题"}),
        {"office"},
    ),
    "change_subtask_of_own_split": (
        setup_subtask_of_b,
        lambda u, c: task_services.update_task(user=u, task=c.obj, changes={"title": "改过的标题"}),
        {"office"},
    ),
    "delete_task": (
        setup_task_of_b,
        lambda u, c: task_services.delete_task(user=u, task=c.obj),
        {"office"},
    ),
    # A sub-task a unit made itself: that unit (and the lead unit, the office) edit or remove it.
    "change_subtask_a_unit_made": (
        setup_subtask_b_made,
        lambda u, c: task_services.update_task(user=u, task=c.obj, changes={"title": "改过的标题"}),
        {"office", "other_staff"} | LEAD_UNIT,
    ),
    "delete_subtask_a_unit_made": (
        setup_subtask_b_made,
        lambda u, c: task_services.delete_task(user=u, task=c.obj),
        {"office", "other_staff"} | LEAD_UNIT,
    ),
    "report_on_own_units_task": (
        setup_task_of_a,
        lambda u, c: report_services.submit_report(user=u, task=c.obj, percent=30, text="进展"),
        LEAD_UNIT,
    ),
    "report_on_task_of_b": (
        setup_task_of_b,
        lambda u, c: report_services.submit_report(user=u, task=c.obj, percent=30, text="进展"),
        {"other_staff"},
    ),
    "review_report": (
        setup_report,
        lambda u, c: report_services.review_report(user=u, report=c.obj, accept=True),
        {"office"},
    ),
    "review_reports_in_bulk": (
        setup_report,
        lambda u, c: report_services.review_reports(user=u, reports=[c.obj], accept=True),
        {"office"},
    ),
    "urge": (
        setup_task_of_a,
        lambda u, c: report_services.urge(user=u, task=c.obj, message="请抓紧"),
        {"office"},
    ),
    "urge_tasks_in_bulk": (
        setup_task_of_a,
        lambda u, c: report_services.urge_tasks(user=u, tasks=[c.obj], message="请抓紧"),
        {"office"},
    ),
    "issue_order": (
        None,
        lambda u, c: order_services.issue_order(
            user=u, title="督查令", reply_by=TODAY + dt.timedelta(days=5), units=[c.district.sub_b]
        ),
        {"office"},
    ),
    "acknowledge_order": (
        setup_order_to_b,
        lambda u, c: order_services.acknowledge_order(user=u, order=c.obj),
        {"other_staff"},
    ),
    "reply_to_order": (
        setup_order_to_b,
        lambda u, c: reply_services.reply_to_order(user=u, order=c.obj, text="书面回复"),
        {"other_staff"},
    ),
    "reply_to_an_order_copied_to_the_unit": (
        setup_order_to_b_copied_to_a,
        lambda u, c: reply_services.reply_to_order(user=u, order=c.obj, text="书面回复", unit=c.district.sub_a),
        set(),
    ),
    "acknowledge_an_order_copied_to_the_unit": (
        setup_order_to_b_copied_to_a,
        lambda u, c: order_services.acknowledge_order(user=u, order=c.obj, unit=c.district.sub_a),
        set(),
    ),
    "return_order_reply": (
        setup_reply_of_b,
        lambda u, c: reply_services.review_order_reply(user=u, reply=c.obj, accept=False, comment="请补充"),
        {"office"},
    ),
    # Closing is the acceptance of the last reply (the only addressed unit's here): the office's.
    "close_order_by_accepting_the_last_reply": (
        setup_reply_of_b,
        lambda u, c: reply_services.review_order_reply(user=u, reply=c.obj, accept=True),
        {"office"},
    ),
    "apply_completion": (
        None,
        lambda u, c: decision_services.apply_completion(user=u, reform=c.reform, summary="已完成", evidence=[pdf()]),
        LEAD_UNIT,
    ),
    "decide_completion": (
        setup_completion,
        lambda u, c: decision_services.decide_completion(user=u, completion=c.obj, accept=True),
        {"office"},
    ),
    "request_change": (
        None,
        lambda u, c: decision_services.request_change(user=u, reform=c.reform, proposed={"goals": "新目标"}, reason="依据"),
        {"office", "leader_domain"} | LEAD_UNIT,
    ),
    "request_change_key_reform": (
        setup_key_reform,
        lambda u, c: decision_services.request_change(user=u, reform=c.reform, proposed={"goals": "新目标"}, reason="依据"),
        {"office", "leader_domain", "leader_main"} | LEAD_UNIT,
    ),
    "decide_change": (
        setup_change_request,
        lambda u, c: decision_services.decide_change(user=u, change_request=c.obj, approve=True),
        {"office"},
    ),
    # Progress is what the office accepted: only the office corrects it, with a reason (ADR 0022).
    "correct_task_progress": (
        setup_task_of_a,
        lambda u, c: progress_services.correct_progress(user=u, task=c.obj, percent=30, reason="核定"),
        {"office"},
    ),
    "correct_progress_of_a_reform_without_tasks": (
        None,
        lambda u, c: progress_services.correct_reform_progress(user=u, reform=c.reform, percent=30, reason="核定"),
        {"office"},
    ),
    "reopen_completion": (
        setup_completed,
        lambda u, c: decision_services.reopen_completion(user=u, reform=c.reform, reason="成效未达标"),
        {"office"},
    ),
    # Extension requests (延期申请): the task's own unit, or the reform's lead unit, asks.
    "request_extension_of_own_task": (
        setup_task_of_b,
        lambda u, c: extension_services.request_extension(
            user=u, task=c.obj, new_due_date=TODAY + dt.timedelta(days=90), reason="需要更多时间"
        ),
        {"other_staff"} | LEAD_UNIT,
    ),
    "decide_extension": (
        setup_extension_of_b,
        lambda u, c: extension_services.decide_extension(user=u, request=c.obj, approve=True),
        {"office"},
    ),
    "refuse_extension": (
        setup_extension_of_b,
        lambda u, c: extension_services.decide_extension(user=u, request=c.obj, approve=False, comment="不同意"),
        {"office"},
    ),
    "resolve_help": (
        setup_help,
        lambda u, c: help_services.resolve_help(user=u, help_request=c.obj, resolution="已协调"),
        {"office", "leader_domain"},
    ),
}


@pytest.fixture
def ctx(people, district, reform, add_task):
    reform.responsible_leader = people.leader_domain
    reform.save()
    return Ctx(people=people, district=district, reform=reform, add_task=add_task)


class Rollback(Exception):
    pass


def attempt(act, user, ctx) -> tuple[str, bool]:
    """Try the action in a savepoint that is rolled back afterwards: ``(outcome, wrote)``, the
    outcome being ``allowed``, ``refused`` or the unexpected error."""
    before = written()
    outcome, wrote = "", False
    try:
        with transaction.atomic():
            try:
                act(user, ctx)
                outcome = "allowed"
            except PermissionDenied:
                outcome = "refused"
            except Exception as exc:  # noqa: BLE001 - reported with the role below
                outcome = f"{type(exc).__name__}: {exc}"
            wrote = written() != before
            raise Rollback
    except Rollback:
        pass
    cache.clear()  # nothing cached from rolled-back rows
    assert written() == before
    return outcome, wrote


@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(ctx, action):
    """Every role tries the action on the same objects, each try rolled back afterwards."""
    setup, act, allowed = ACTIONS[action]
    if setup is not None:
        ctx.obj = setup(ctx)
    problems = []
    for role, user in ctx.people.by_role().items():
        outcome, wrote = attempt(act, user, ctx)
        expected = "allowed" if role in allowed else "refused"
        if outcome != expected:
            problems.append(f"{role}: expected {expected}, got {outcome}")
        elif wrote != (expected == "allowed"):
            problems.append(f"{role}: {outcome} but {'wrote' if wrote else 'wrote nothing'}")
    assert problems == []


def test_the_matrix_names_only_real_roles(people):
    assert set(people.by_role()) == set(ROLES)
    for _setup, _act, allowed in ACTIONS.values():
        assert allowed <= set(ROLES)


# --- a completed reform is locked -------------------------------------------------------------------


@pytest.fixture
def locked(ctx):
    """A reform the office accepted as completed, with a task of sub-district A (done with it)."""
    ctx.obj = setup_task_of_a(ctx)
    completion = setup_completion(ctx)
    decision_services.decide_completion(user=ctx.people.office, completion=completion, accept=True)
    ctx.reform.refresh_from_db()
    assert ctx.reform.status == Status.COMPLETED
    return ctx


@pytest.mark.parametrize("role", ["office", "unit_head", "unit_staff"])
def test_locked_reform_refuses_task_writes_and_reports(locked, role):
    c, user = locked, locked.people.by_role()[role]
    before = written()
    attempts = [
        lambda: task_services.create_task(user=user, reform=c.reform, **task_data(c.district.sub_a)),
        lambda: task_services.create_task(user=user, reform=c.reform, parent=c.obj, **task_data(c.district.sub_a)),
        lambda: task_services.update_task(user=user, task=c.obj, changes={"title": "改"}),
        lambda: task_services.delete_task(user=user, task=c.obj),
        lambda: report_services.submit_report(user=user, task=c.obj, percent=50, text="进展"),
        lambda: decision_services.apply_completion(user=user, reform=c.reform, summary="再次", evidence=[pdf()]),
        lambda: reform_services.update_reform(user=user, reform=c.reform, data={"goals": "改"}),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert written() == before


def test_locked_reform_tasks_cannot_be_put_in_an_order(locked):
    before = written()
    with pytest.raises(ValidationError) as exc:
        order_services.issue_order(
            user=locked.people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5),
            items=[(locked.obj, TODAY + dt.timedelta(days=9))],
        )
    assert "items" in exc.value.message_dict
    assert written() == before


@pytest.mark.parametrize("role", ["office", "unit_head", "unit_staff", "leader_domain"])
def test_locked_reform_still_takes_a_change_request(locked, role):
    request = decision_services.request_change(
        user=locked.people.by_role()[role], reform=locked.reform, proposed={"measures": "新举措"}, reason="深化"
    )
    assert request.status == ChangeRequest.CRStatus.PENDING
    decision_services.decide_change(user=locked.people.office, change_request=request, approve=True)
    locked.reform.refresh_from_db()
    assert locked.reform.measures == "新举措" and locked.reform.status == Status.COMPLETED


@pytest.mark.parametrize("role", ["other_staff", "committee", "expert", "resident"])
def test_locked_reform_change_request_still_needs_responsibility(locked, role):
    with pytest.raises(PermissionDenied):
        decision_services.request_change(
            user=locked.people.by_role()[role], reform=locked.reform, proposed={"measures": "新举措"}, reason="深化"
        )


# --- who sees an order -------------------------------------------------------------------------------


def test_who_sees_an_order(ctx):
    """Addressed to sub-district A, copied (抄送) to sub-district B: the office and the committee, the
    addressed unit and the copied unit see it; leaders, experts and residents do not. The page and
    the API load by the same policy (``visible_orders``) as the predicate."""
    order = order_services.issue_order(
        user=ctx.people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5), units=[ctx.district.sub_a],
        cc_units=[ctx.district.sub_b],
    )
    sees = {"office", "committee", "unit_head", "unit_staff", "other_staff"}
    for role, user in ctx.people.by_role().items():
        cache.clear()
        assert user.has_perm("supervision.view_order", order) is (role in sees), role
        assert visible_orders(user).filter(pk=order.pk).exists() is (role in sees), role
