"""The demo district's supervision: task trees around today, red and amber work, reports with
real evidence files, orders, help, a completion, change requests and an inbox for the demo logins.

The district and its supervision are loaded once for the module (inside a transaction rolled back at
the end), as ``reformledger demo-data`` loads them; each test's own writes roll back as usual.
"""

import datetime as dt
import io
import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from reformledger.core import files
from reformledger.core.audit import verify_chain
from reformledger.core.models import AuditEntry
from reformledger.demo import documents, generator
from reformledger.demo.assessment import load_assessment_demo
from reformledger.demo.casestudies import load_case_studies_demo
from reformledger.demo.district import load_demo
from reformledger.demo.evaluation_lookback import load_lookback_demo
from reformledger.demo.evaluation_offline import load_offline_demo
from reformledger.demo.evaluation_panels import load_panels_demo  # expert panels (eval-panels)
from reformledger.demo.evaluation_ratings import load_ratings_demo
from reformledger.demo.story import DEMO_LOGINS, DEMO_PASSWORD, YEARS, programme_year
from reformledger.demo.supervision import cast_of, load_supervision_demo
from reformledger.demo.tolerance import load_tolerance_demo
from reformledger.org.models import Membership, UnitKind, User
from reformledger.reforms.models import Plan, Reform, Status, Tier
from reformledger.supervision import levels, rollup
from reformledger.supervision.models import (
    ChangeRequest,
    Completion,
    Decision,
    Delivery,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    HelpRequest,
    Level,
    Order,
    OrderReply,
    OrderTarget,
    OverdueSpell,
    ProgressReport,
    ReformWarning,
    Reminder,
    ReminderKind,
    SpellEnd,
    Task,
    TaskStatus,
)
from reformledger.supervision.rollup import compute
from reformledger.supervision.selectors import inbox as inbox_selectors
from reformledger.supervision.selectors import reports as report_selectors
from reformledger.supervision.selectors import tasks as task_selectors
from reformledger.supervision.selectors import warnings as warning_selectors

from .test_demo_data import _restore_seeded_rows


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _restore_seeded_rows()
        catalogue = load_demo()
        supervision = load_supervision_demo(district=catalogue.district)
        load_panels_demo(district=catalogue.district)  # expert panels (eval-panels): as the command loads them
        yield catalogue, supervision
        transaction.set_rollback(True)


@pytest.fixture
def today():
    return rollup.today()


def _open_reforms():
    return Reform.objects.filter(year=programme_year(rollup.today()), status__in=(Status.IN_PROGRESS, Status.APPROVED))


def test_every_open_reform_has_a_tree_of_ten_tasks_in_two_or_three_layers(full_demo, db):
    _catalogue, result = full_demo
    open_reforms = _open_reforms()
    assert result.created["task_trees"] == open_reforms.count() >= 60
    per_reform = dict(Task.objects.values_list("reform_id").annotate(n=Count("pk")))
    assert set(per_reform) == set(open_reforms.values_list("pk", flat=True))
    assert set(per_reform.values()) == {10}
    depths = dict(Task.objects.values_list("reform_id").annotate(d=Max("depth")))
    assert set(depths.values()) == {1, 2}  # two layers and three layers both occur
    assert len(set(Task.objects.values_list("weight", flat=True))) >= 3

    tasks = {t.pk: t for t in Task.objects.select_related("reform", "unit")}
    members = set(Membership.objects.values_list("user_id", "unit_id"))
    kinds = set()
    for task in tasks.values():
        reform = task.reform
        assert reform.start_date <= task.start_date <= task.due_date <= reform.due_date, task
        if task.parent_id:
            parent = tasks[task.parent_id]
            assert parent.start_date <= task.start_date and task.due_date <= parent.due_date, task
            assert task.path == f"{parent.path}{parent.pk}/" and task.depth == parent.depth + 1
        assert task.assignee_id is None or (task.assignee_id, task.unit_id) in members, task
        assert task.unit.district_id == reform.district_id
        kinds.add(task.unit.kind)
        assert task.title and task.deliverable
    # Lead units, co-units, communities (and sub-districts for district-wide reforms) carry tasks.
    assert {UnitKind.DEPARTMENT, UnitKind.SUB_DISTRICT, UnitKind.COMMUNITY} <= kinds
    co_unit_tasks = Task.objects.filter(unit__in=Reform.co_units.through.objects.filter(
        reform_id__in=per_reform).values("unit_id")).exclude(unit_id__in=Reform.objects.values("lead_unit_id"))
    assert co_unit_tasks.exists()
    # Each task is in the audit trail, as the loader made it.
    assert AuditEntry.objects.filter(action="demo.create", object_type="supervision.task").count() == len(tasks)
    # The roll-up is the services' own: every reform's progress is its tree's.
    for warning in ReformWarning.objects.select_related("reform"):
        assert warning.computed_on is not None


def test_current_work_belongs_to_the_programme_year_and_history_stays_in_its_years(full_demo, db, today):
    """One story (issue 8, part 10): the article's reforms (2014–2018) are history, with no open
    work and no task dated outside their years; today's work is the programme year's plan."""
    year = programme_year(today)
    assert Plan.objects.filter(year=year, status=Plan.PlanStatus.ADOPTED).exists()
    assert not Task.objects.filter(reform__year__in=YEARS).exists()
    assert not Reform.objects.filter(year__in=YEARS, status__in=(Status.IN_PROGRESS, Status.APPROVED)).exists()
    for reform in _open_reforms():
        assert reform.plan.year == year and reform.due_date > today, reform.code
        # Under way since this year's plan; an approved one starts in the coming weeks.
        assert reform.start_date.year == year or reform.status == Status.APPROVED and reform.start_date > today
    # No reform's dates were moved after the fact: the demo carries nothing over.
    assert not AuditEntry.objects.filter(action="reform.update", changes__has_key="due_date").exists()
    # ``leader`` answers for a key reform in progress (and meets its escalation in the inbox).
    leader = User.objects.get(username="leader")
    assert Reform.objects.filter(
        responsible_leader=leader, tier=Tier.KEY, status=Status.IN_PROGRESS, year=year
    ).exists()


def test_report_texts_make_sense(full_demo, db):
    """``收集意见建议8条，已整改44条`` was the finding: a part is never more than its whole."""
    for text in ProgressReport.objects.filter(text__contains="已采纳").values_list("text", flat=True):
        collected, adopted = (int(n) for n in re.search(r"收集意见建议(\d+)条，已采纳(\d+)条", text).groups())
        assert adopted <= collected, text
    assert not ProgressReport.objects.filter(text__contains="已整改").exists()


def test_the_present_has_red_amber_green_and_done_work(full_demo, db, today):
    by_level = dict(ReformWarning.objects.values_list("level").annotate(n=Count("pk")))
    assert by_level.get(Level.RED, 0) >= 5 and by_level.get(Level.AMBER, 0) >= 5
    assert by_level[Level.GREEN] > by_level[Level.RED]
    reasons = set(Task.objects.filter(level=Level.RED).values_list("level_reason", flat=True))
    assert {levels.OVERDUE, levels.SILENT} <= reasons
    assert Task.objects.filter(level=Level.DONE).count() > 100
    soon = today + dt.timedelta(days=7)
    for task in Task.objects.filter(level=Level.AMBER, level_reason=levels.BEHIND):
        assert today <= task.due_date <= soon and task.progress < levels.expected_percent(task.start_date, task.due_date, today)
    for task in Task.objects.filter(level=Level.RED, level_reason=levels.OVERDUE):
        assert task.due_date < today and task.status != TaskStatus.DONE
    # Work is spread around today: some finished, some running, some not started yet.
    assert Task.objects.filter(start_date__lte=today, due_date__gte=today).count() > 100
    assert Task.objects.filter(start_date__gt=today, status=TaskStatus.NOT_STARTED).exists()
    # The board shows it, the way the office sees it.
    office = User.objects.get(username="office")
    board = warning_selectors.warning_list(office)
    assert board.filter(level=Level.RED).exists() and board.filter(level=Level.AMBER).exists()


def test_reports_with_real_evidence_and_the_office_s_reviews(full_demo, db):
    statuses = dict(ProgressReport.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[Decision.ACCEPTED] > 300 and statuses[Decision.RETURNED] >= 5 and statuses[Decision.PENDING] >= 5
    for report in ProgressReport.objects.exclude(status=Decision.PENDING)[:50]:
        assert report.reviewed_by_id and report.reviewed_at
    # Each leaf's progress is its last accepted report, a pending one shows as reported (ADR 0022),
    # and its last report is its last one not returned, as the services keep them.
    for task in Task.objects.filter(children__isnull=True, last_report_on__isnull=False)[:100]:
        standing = task.reports.exclude(status=Decision.RETURNED).order_by("-created_at", "-pk").first()
        accepted = task.reports.filter(status=Decision.ACCEPTED).order_by("-created_at", "-pk").first()
        pending = task.reports.filter(status=Decision.PENDING).order_by("-created_at", "-pk").first()
        assert standing.reported_on == task.last_report_on, task
        if task.status != TaskStatus.CLOSED:
            assert task.progress == (accepted.percent if accepted else 0), task
        assert task.reported_percent == (pending.percent if pending else None), task
    kinds = dict(Evidence.objects.values_list("kind").annotate(n=Count("pk")))
    assert {"pdf", "png", "docx", "xlsx"} <= set(kinds) and sum(kinds.values()) >= 50
    for kind in ("pdf", "png", "docx", "xlsx"):
        evidence = Evidence.objects.filter(kind=kind).first()
        with evidence.file.open("rb") as handle:
            assert files.sniff(handle) == kind and files.allowed(handle)
            data = handle.read()
        assert evidence.size == len(data) and evidence.name.endswith(f".{kind}")
        if kind == "docx":
            assert Document(io.BytesIO(data)).paragraphs[0].text
        elif kind == "xlsx":
            assert load_workbook(io.BytesIO(data)).active["A1"].value


def test_the_demo_logins_find_work_in_their_inbox_and_task_lists(full_demo, db):
    unit = User.objects.get(username="unit")
    assert inbox_selectors.unread_count(unit) >= 3
    kinds = set(inbox_selectors.inbox(unit).values_list("reminder__kind", flat=True))
    assert {ReminderKind.ORDER, ReminderKind.URGE, ReminderKind.ORDER_ESCALATION} <= kinds
    assert kinds & {ReminderKind.DUE_SOON, ReminderKind.OVERDUE}
    groups = task_selectors.split_by_urgency(task_selectors.my_tasks(unit))
    assert groups["late"] and groups["due_soon"] and groups["later"]
    assert ProgressReport.objects.filter(reporter=unit).exists()

    leader = User.objects.get(username="leader")
    assert inbox_selectors.inbox(leader).filter(reminder__kind=ReminderKind.ESCALATION).exists()
    office = User.objects.get(username="office")
    assert inbox_selectors.inbox(office).filter(reminder__kind=ReminderKind.ORDER_ESCALATION).exists()
    assert report_selectors.pending_reports(office).count() >= 5
    # Every message reached the inbox once; the demo people have no e-mail and units no robot.
    assert not Delivery.objects.exclude(channel="inbox").exists()


def test_orders_one_not_acknowledged(full_demo, db, today):
    orders = list(Order.objects.order_by("number"))
    assert len(orders) == 4
    assert [o.code for o in orders] == [f"罗改督〔{today.year}〕{n}号" for n in range(1, 5)]
    assert [o.issued_on for o in orders] == sorted(o.issued_on for o in orders)
    assert all(o.items.exists() and o.body for o in orders)
    waiting = [o for o in orders if not o.targets.exclude(acknowledged_at__isnull=True).exists()]
    assert len(waiting) == 1 and waiting[0].issued_on <= today - dt.timedelta(days=3)
    assert OrderTarget.objects.filter(acknowledged_at__isnull=False).count() >= 4
    assert Reminder.objects.filter(kind=ReminderKind.ORDER_ESCALATION, order=waiting[0]).exists()


def test_help_completion_and_change_requests(full_demo, db):
    help_requests = dict(HelpRequest.objects.values_list("status").annotate(n=Count("pk")))
    assert help_requests[HelpRequest.HelpStatus.OPEN] >= 2 and help_requests[HelpRequest.HelpStatus.RESOLVED] == 1
    assert HelpRequest.objects.get(status=HelpRequest.HelpStatus.RESOLVED).resolution
    # Help waits for the main leader (``leader`` leads the grassroots-governance group).
    leader = User.objects.get(username="leader")
    assert HelpRequest.objects.filter(leader=leader, status=HelpRequest.HelpStatus.OPEN).exists()

    completion = Completion.objects.get()
    assert completion.status == Decision.PENDING and completion.evidence.filter(kind="docx").exists()
    assert completion.reform.status == Status.IN_PROGRESS
    assert ReformWarning.objects.get(reform=completion.reform).level == Level.DONE

    pending = ChangeRequest.objects.get(status=ChangeRequest.CRStatus.PENDING)
    assert pending.reform.tier == Tier.KEY and pending.evidence.exists() and pending.reason
    approved = ChangeRequest.objects.get(status=ChangeRequest.CRStatus.APPROVED)
    assert approved.committee_meeting and approved.before["deliverables"] != approved.reform.deliverables


def test_work_waits_for_the_committee_and_the_office(full_demo, db):
    """A proposal for the committee, an order reply for the office (issue 8, part 10)."""
    proposal = Reform.objects.get(status=Status.PROPOSED)
    assert proposal.lead_unit.code == "lh-dongmen" and proposal.year == programme_year(rollup.today())
    committee = User.objects.get(username="committee")
    assert committee.has_perm("reforms.view_reform", proposal)
    reply = OrderReply.objects.get()
    assert reply.status == Decision.PENDING and reply.files.exists() and reply.text
    # An extension request of ``unit`` waits for the office; an earlier one was granted, and the
    # task's overdue spell stays on record, ended by the extension.
    waiting = ExtensionRequest.objects.get(status=ExtensionStatus.PENDING)
    assert waiting.requested_by.username == "unit" and waiting.reason
    granted = ExtensionRequest.objects.get(status=ExtensionStatus.APPROVED)
    assert granted.granted_date < granted.requested_date and granted.task.due_date == granted.granted_date
    assert OverdueSpell.objects.filter(task=granted.task, ended_by=SpellEnd.EXTENDED).exists()
    assert reply.target.unit_id == reply.target.order.items.first().task.reform.lead_unit_id


def test_the_audit_chain_verifies(full_demo, db):
    assert list(verify_chain()) == []
    assert AuditEntry.objects.filter(action="demo.create", object_type="supervision.progressreport").count() == (
        ProgressReport.objects.count() - AuditEntry.objects.filter(action="task.report").count()
    )
    assert AuditEntry.objects.filter(action="supervision.scan").count() == 1


def test_running_the_command_again_changes_nothing(full_demo, db, django_assert_max_num_queries):
    def counts():
        return [model.objects.count() for model in (
            Reform, User, Membership, Task, ProgressReport, Evidence, Order, Reminder, Delivery, AuditEntry,
        )]

    # The command loads the evaluation too (issue 10 part 9): its four parts, loaded once here.
    for load in (load_ratings_demo, load_offline_demo, load_lookback_demo, load_tolerance_demo, load_case_studies_demo,
                 load_assessment_demo):
        load(district=full_demo[0].district)
    before = counts()
    out = StringIO()
    with django_assert_max_num_queries(66):  # catalogue and supervision 26, the evaluation's four parts 17, tolerance 7, case studies 2, assessment 11
        call_command("demo-data", stdout=out)
    assert counts() == before
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    for username in DEMO_LOGINS:
        assert f"  {username} " in printed
    assert list(verify_chain()) == []
    call_command("audit-verify", stdout=StringIO())


def test_a_later_run_puts_back_a_removed_tree_only(full_demo, db):
    cast = cast_of(full_demo[0].district, programme_year(rollup.today()))
    reform = (
        _open_reforms().filter(tier=Tier.MICRO, status=Status.IN_PROGRESS).exclude(code__in=cast.codes.values())
        .exclude(completions__isnull=False).order_by("code").last()
    )
    Task.objects.filter(reform=reform).delete()
    orders = Order.objects.count()

    result = load_supervision_demo()

    assert result.created["task_trees"] == 1 and result.created["tasks"] == 10
    assert Task.objects.filter(reform=reform).count() == 10
    assert Order.objects.count() == orders and "orders" not in result.created
    assert list(verify_chain()) == []


# --- the planner, on its own ---------------------------------------------------------------------


@pytest.mark.parametrize("mood", [generator.GREEN, generator.AMBER, generator.RED, generator.DONE])
def test_the_planner_gives_each_mood_its_level(mood):
    today = dt.date(2026, 6, 15)
    limits = levels.Thresholds(amber_days=7, stale_days=30, escalate_days=7)
    expected = {generator.GREEN: Level.GREEN, generator.AMBER: Level.AMBER, generator.RED: Level.RED, generator.DONE: Level.DONE}[mood]
    hits = 0
    for seed in range(200):
        rng = random.Random(seed)
        start = today - dt.timedelta(days=rng.randint(150, 300))
        due = today - dt.timedelta(days=5) if mood == generator.DONE else generator.month_end(today, rng.randint(3, 12))
        nodes = generator.plan_tree(rng, start=start, due=due)
        assert len(nodes) == 10 and {n.depth for n in nodes} <= {0, 1, 2}
        generator.apply_mood(rng, nodes, mood, today=today)
        for node in nodes:
            if node.parent is not None:
                parent = nodes[node.parent]
                assert parent.start <= node.start <= node.due <= parent.due
            else:
                assert start <= node.start <= node.due <= due
            if node.leaf:
                generator.leaf_facts(rng, node, today=today)
        rows = [generator.node_row(n, first_id=1) for n in nodes]
        _nodes, result = compute((1, 1, Status.IN_PROGRESS, start, due, 0), rows, on=today, limits=limits)
        hits += result.level == expected
    assert hits >= 195  # a tree too short for the mood now and then stays green


def test_the_evidence_makers_make_real_files():
    cases = {
        "pdf": documents.make_pdf("标题", ["第一行"]),
        "png": documents.make_png(1),
        "docx": documents.make_docx("工作总结", ["一、已完成。"]),
        "xlsx": documents.make_xlsx("台账", ["序号", "内容"], [[1, "完成"]]),
    }
    for kind, data in cases.items():
        handle = io.BytesIO(data)
        handle.name = f"x.{kind}"
        assert files.sniff(handle) == kind
    assert cases["pdf"].rstrip().endswith(b"%%EOF") and b"/STSong-Light" in cases["pdf"]
    assert Document(io.BytesIO(cases["docx"])).paragraphs[0].text == "工作总结"
    sheet = load_workbook(io.BytesIO(cases["xlsx"])).active
    assert [c.value for c in sheet[3]] == [1, "完成"]


def test_the_log_counts_leaf_tasks_as_the_board_does(full_demo, db):
    """One count, one meaning (issue 8, part 7): the log's red and amber are the board's leaf tasks."""
    out = StringIO()
    with translation.override("en"):
        call_command("demo-data", stdout=out)
    leaves = Task.objects.filter(district=full_demo[0].district).leaves()
    red, amber = leaves.filter(level=Level.RED).count(), leaves.filter(level=Level.AMBER).count()
    assert red and amber
    assert f"leaf tasks at red {red}, amber {amber}" in out.getvalue()
