"""The task tree (issue 3, part 1): weighted roll-up at any depth, kept consistent in the write's
own transaction; dates inside the parent's and the reform's range; bad input refused with nothing
written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role, UnitKind
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Reform, Status
from reformledger.supervision.models import Level, ReformWarning, Task, TaskStatus
from reformledger.supervision.selectors.warnings import TaskFilters, warning_list
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.clients import english_client
from tests.factories import MembershipFactory, UnitFactory, UserFactory

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db



def report(people, task, percent):
    return report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text="进展")


def accepted(people, task, percent):
    """A report the office accepted: progress is what the office accepted (ADR 0022)."""
    return report_services.review_report(user=people.office, report=report(people, task, percent), accept=True)


def progress_of(*objs) -> list[int]:
    out = []
    for obj in objs:
        obj.refresh_from_db()
        out.append(obj.progress)
    return out


def snapshot():
    return (Task.objects.count(), AuditEntry.objects.count(), list(Task.objects.order_by("pk").values()))


@pytest.fixture
def depth3(reform, add_task):
    """R (weight 2) > A (3) > {A1 (1), A2 (3)}, R > B (1); and S (weight 1), a leaf at the top."""
    r = add_task(reform, title="R", weight=2)
    a = add_task(reform, parent=r, title="A", weight=3)
    b = add_task(reform, parent=r, title="B", weight=1)
    a1 = add_task(reform, parent=a, title="A1", weight=1)
    a2 = add_task(reform, parent=a, title="A2", weight=3)
    s = add_task(reform, title="S", weight=1)
    return r, a, b, a1, a2, s


def test_weighted_rollup_at_depth_three(people, reform, depth3):
    r, a, b, a1, a2, s = depth3
    assert (a1.depth, a.depth, r.depth) == (2, 1, 0)
    accepted(people, a1, 100)
    accepted(people, a2, 20)
    accepted(people, b, 40)
    accepted(people, s, 90)
    # A = (1*100 + 3*20) / 4 = 40; R = (3*40 + 1*40) / 4 = 40; reform = (2*40 + 1*90) / 3 = 57
    assert progress_of(a, r, reform) == [40, 40, 57]
    assert a.status == r.status == TaskStatus.IN_PROGRESS


def test_a_leaf_report_moves_every_ancestor_in_the_same_transaction(people, reform, depth3):
    r, a, b, a1, a2, s = depth3
    accepted(people, a2, 40)
    before = progress_of(a, r, reform)
    assert before == [30, 22, 15]

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        accepted(people, a2, 80)
        # Inside the writer's transaction, every ancestor and the reform have moved already ...
        assert progress_of(a, r, reform) == [60, 45, 30]
        assert ReformWarning.objects.filter(reform=reform).exists()
        raise Abort
    # ... and a rollback takes all of it back: nothing is recomputed later, by hand or by a job.
    assert progress_of(a, r, reform) == before
    assert a2.reports.count() == 1


def test_deleting_a_task_rolls_up_again(people, reform, add_task):
    a = add_task(reform, title="A", weight=1)
    b = add_task(reform, title="B", weight=1)
    accepted(people, a, 80)
    assert progress_of(reform) == [40]
    task_services.delete_task(user=people.office, task=b)
    assert progress_of(reform) == [80]
    assert not Task.objects.filter(pk=b.pk).exists()
    # A sub-tree goes with its root, and its parent rolls up without it.
    c = add_task(reform, title="C", weight=1)
    c1 = add_task(reform, parent=c, title="C1")
    add_task(reform, parent=c1, title="C11")
    assert progress_of(reform) == [40]
    task_services.delete_task(user=people.office, task=c)
    assert Task.objects.filter(reform=reform).count() == 1
    assert progress_of(reform) == [80]


def test_a_task_with_reports_cannot_be_deleted(people, reform, add_task):
    parent = add_task(reform, title="P")
    child = add_task(reform, parent=parent, title="C")
    report(people, child, 10)
    before = snapshot()
    for task in (child, parent):  # the task itself, or an ancestor of a reported task
        with pytest.raises(ValidationError) as exc:
            task_services.delete_task(user=people.office, task=task)
        assert "task" in exc.value.message_dict
    assert snapshot() == before


def test_parent_is_done_when_every_child_is(people, reform, add_task):
    parent = add_task(reform, title="P")
    c1 = add_task(reform, parent=parent, title="C1")
    c2 = add_task(reform, parent=parent, title="C2")
    for child in (c1, c2):
        report_services.review_report(user=people.office, report=report(people, child, 100), accept=True)
        parent.refresh_from_db()
        if child is c1:
            assert parent.status == TaskStatus.IN_PROGRESS and parent.completed_on is None
    assert parent.status == TaskStatus.DONE and parent.level == Level.DONE
    assert parent.completed_on == TODAY and parent.progress == 100
    warning = ReformWarning.objects.get(reform=reform)
    assert (warning.level, warning.open_tasks) == (Level.DONE, 0)


def test_reform_warning_is_the_worst_open_task(people, reform, add_task):
    add_task(reform, title="green")
    assert ReformWarning.objects.get(reform=reform).level == Level.GREEN
    add_task(reform, title="amber", start_date=days(-20), due_date=days(3))
    warning = ReformWarning.objects.get(reform=reform)
    assert (warning.level, warning.amber_tasks, warning.red_tasks) == (Level.AMBER, 1, 0)
    late = add_task(reform, title="red", start_date=days(-20), due_date=days(-1))
    warning = ReformWarning.objects.get(reform=reform)
    assert (warning.level, warning.red_tasks, warning.open_tasks) == (Level.RED, 1, 3)
    # A red task that is done no longer counts: the reform goes back to amber.
    task_services.update_task(user=people.office, task=late, changes={"due_date": days(30)}, reason="区委同意延期")
    report_services.review_report(user=people.office, report=report(people, late, 100), accept=True)
    warning = ReformWarning.objects.get(reform=reform)
    assert (warning.level, warning.red_tasks, warning.open_tasks) == (Level.AMBER, 0, 2)


def test_a_red_grandchild_makes_its_ancestors_red(reform, add_task):
    r = add_task(reform, title="R", start_date=days(-20))
    a = add_task(reform, parent=r, title="A", start_date=days(-20))
    add_task(reform, parent=a, title="A1", start_date=days(-20), due_date=days(-2))
    r.refresh_from_db()
    a.refresh_from_db()
    assert (a.level, a.level_reason) == (Level.RED, "child")
    assert (r.level, r.level_reason) == (Level.RED, "child")


# --- bad input: a clear error naming the field, nothing written ------------------------------------


def test_dates_outside_the_parents_range_are_refused(reform, add_task):
    parent = add_task(reform, title="P", start_date=days(-1), due_date=days(30))
    before = snapshot()
    cases = [
        ({"start_date": days(-5)}, "start_date"),
        ({"due_date": days(31)}, "due_date"),
        ({"start_date": days(-6), "due_date": days(40)}, "start_date"),
    ]
    for data, field in cases:
        data = {"start_date": days(0), "due_date": days(10), **data}
        with pytest.raises(ValidationError) as exc:
            add_task(reform, parent=parent, **data)
        assert field in exc.value.message_dict, data
    assert snapshot() == before


def test_dates_outside_the_reforms_range_are_refused(reform, add_task):
    before = snapshot()
    cases = [
        ({"start_date": days(-201)}, "start_date"),  # the reform runs from days(-200) ...
        ({"due_date": days(201)}, "due_date"),  # ... to days(200)
        ({"start_date": days(5), "due_date": days(4)}, "due_date"),
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"due_date": None}, "due_date"),
        ({"title": "  "}, "title"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            add_task(reform, **data)
        assert field in exc.value.message_dict, data
    assert snapshot() == before


def test_a_top_task_may_take_the_reforms_whole_range(reform, add_task):
    task = add_task(reform, start_date=reform.start_date, due_date=reform.due_date)
    assert (task.start_date, task.due_date) == (reform.start_date, reform.due_date)


def test_narrowing_a_parent_below_a_childs_dates_is_refused(people, reform, add_task):
    parent = add_task(reform, title="P", start_date=days(-5), due_date=days(30))
    add_task(reform, parent=parent, title="child", start_date=days(0), due_date=days(20))
    before = snapshot()
    for data in ({"due_date": days(19)}, {"start_date": days(1)}, {"start_date": days(-1), "due_date": days(15)}):
        with pytest.raises(ValidationError) as exc:
            task_services.update_task(user=people.office, task=parent, changes=data, reason="调整")
        assert "child" in " ".join(exc.value.message_dict["due_date"]), data
    assert snapshot() == before


def test_moving_a_child_beyond_its_parent_is_refused(people, reform, add_task):
    parent = add_task(reform, title="P", due_date=days(30))
    child = add_task(reform, parent=parent, title="C", due_date=days(20))
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        task_services.update_task(user=people.office, task=child, changes={"due_date": days(31)}, reason="调整")
    assert "due_date" in exc.value.message_dict
    assert snapshot() == before


def test_bad_weights_are_refused(reform, add_task):
    before = snapshot()
    for weight in (0, Decimal("0"), -1, "-0.5", "abc", "", None, "NaN", "Infinity", "1.234", 100000, [1]):
        with pytest.raises(ValidationError) as exc:
            add_task(reform, weight=weight)
        assert list(exc.value.message_dict) == ["weight"], weight
    assert snapshot() == before


def test_bad_weight_on_update_is_refused(people, reform, add_task):
    task = add_task(reform, weight=2)
    before = snapshot()
    for weight in (0, "x"):
        with pytest.raises(ValidationError) as exc:
            task_services.update_task(user=people.office, task=task, changes={"weight": weight})
        assert "weight" in exc.value.message_dict
    assert snapshot() == before


def test_good_weights_are_accepted(reform, add_task):
    assert add_task(reform, weight="0.01").weight == Decimal("0.01")
    assert add_task(reform, weight=2.5).weight == Decimal("2.5")


def test_a_unit_of_another_district_is_refused(reform, add_task, other_district):
    elsewhere, street = other_district
    before = snapshot()
    for unit in (elsewhere, street):
        with pytest.raises(ValidationError) as exc:
            add_task(reform, unit=unit)
        assert list(exc.value.message_dict) == ["unit"]
    assert snapshot() == before


def test_an_inactive_unit_is_refused(district, reform, add_task):
    district.sub_b.is_active = False
    district.sub_b.save()
    with pytest.raises(ValidationError) as exc:
        add_task(reform, unit=district.sub_b)
    assert "unit" in exc.value.message_dict


def test_assignee_must_work_in_the_unit(people, district, reform, add_task):
    before = snapshot()
    for person in (people.other_staff, people.office, people.leader_main):
        with pytest.raises(ValidationError) as exc:
            add_task(reform, unit=district.sub_a, assignee=person)
        assert list(exc.value.message_dict) == ["assignee"]
    assert snapshot() == before
    task = add_task(reform, unit=district.sub_a, assignee=people.unit_staff)
    assert task.assignee == people.unit_staff
    # Moving the task to another unit without a new person is refused too.
    with pytest.raises(ValidationError) as exc:
        task_services.update_task(user=people.office, task=task, changes={"unit": district.sub_b})
    assert "assignee" in exc.value.message_dict
    task.refresh_from_db()
    assert task.unit == district.sub_a


def test_an_inactive_assignee_is_refused(district, reform, add_task):
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=gone, unit=district.sub_a, role=Role.UNIT_STAFF)
    with pytest.raises(ValidationError) as exc:
        add_task(reform, assignee=gone)
    assert "assignee" in exc.value.message_dict


def test_unknown_fields_are_refused(people, reform, add_task):
    task = add_task(reform)
    with pytest.raises(ValidationError) as exc:
        task_services.update_task(user=people.office, task=task, changes={"progress": 100, "status": "done"})
    assert set(exc.value.message_dict) == {"progress", "status"}
    task.refresh_from_db()
    assert task.progress == 0 and task.status == TaskStatus.NOT_STARTED


def test_a_parent_of_another_reform_is_refused(reform_factory, reform, add_task):
    other = reform_factory(code="SV-2", start_date=reform.start_date, due_date=reform.due_date)
    foreign = add_task(other, title="foreign")
    with pytest.raises(ValidationError) as exc:
        add_task(reform, parent=foreign)
    assert "parent" in exc.value.message_dict
    assert not Task.objects.filter(reform=reform).exists()


def test_updates_are_audited_with_before_and_after(people, reform, add_task):
    task = add_task(reform, title="旧标题")
    task_services.update_task(user=people.office, task=task, changes={"title": "新标题", "due_date": days(40)}, reason="调整")
    entry = AuditEntry.objects.filter(action="task.update").latest("seq")
    assert entry.changes["title"] == ["旧标题", "新标题"]
    assert entry.changes["due_date"][1] == days(40).isoformat()
    # An update that changes nothing writes nothing.
    count = AuditEntry.objects.count()
    task_services.update_task(user=people.office, task=task, changes={"title": "新标题"})
    assert AuditEntry.objects.count() == count
    assert Reform.objects.get(pk=reform.pk).progress == 0


# --- reforms that stop and resume ----------------------------------------------------------------


@pytest.mark.parametrize("to_status", [Status.SUSPENDED, Status.TERMINATED])
def test_stopping_a_reform_takes_its_work_off_the_board_at_once(to_status, people, reform, add_task):

    late = add_task(reform, title="逾期", start_date=TODAY - dt.timedelta(days=30), due_date=TODAY - dt.timedelta(days=2))
    assert list(warning_list(people.office)) == [late]
    reform_services.transition_reform(user=people.office, reform=reform, to_status=to_status)
    late.refresh_from_db()
    assert late.level == Level.PAUSED
    assert ReformWarning.objects.get(reform=reform).level == (Level.PAUSED if to_status == Status.SUSPENDED else Level.DONE)
    assert list(warning_list(people.office)) == []
    if to_status == Status.SUSPENDED:
        reform_services.transition_reform(user=people.office, reform=reform, to_status=Status.IN_PROGRESS)
        late.refresh_from_db()
        assert late.level == Level.RED
        assert list(warning_list(people.office)) == [late]


def test_no_one_completes_a_reform_by_status_and_nothing_closes(people, reform, add_task):
    """Issue 8 finding 3: "变更为已完成" completed a 51% reform in one click and set every task to 100%."""
    task = add_task(reform, title="未完成")
    with pytest.raises(ValidationError) as exc:
        reform_services.transition_reform(user=people.office, reform=reform, to_status=Status.COMPLETED)
    assert "status" in exc.value.message_dict
    reform.refresh_from_db()
    task.refresh_from_db()
    assert reform.status == Status.IN_PROGRESS
    assert (task.status, task.progress) == (TaskStatus.NOT_STARTED, 0)


def test_a_completion_closes_work_not_done_at_completion_keeping_its_progress(people, reform, add_task, media):
    done = add_task(reform, title="已完成")
    accepted(people, done, 100)
    open_a = add_task(reform, title="未完成甲")
    accepted(people, open_a, 60)
    open_b = add_task(reform, title="未完成乙")
    completion = decision_services.apply_completion(
        user=people.unit_staff, reform=reform, summary="完成", evidence=[SimpleUploadedFile("a.pdf", b"%PDF-1.7\n")]
    )
    decision_services.decide_completion(user=people.office, completion=completion, accept=True)
    done.refresh_from_db()
    assert (done.status, done.level, done.progress) == (TaskStatus.DONE, Level.DONE, 100)
    for task, progress in ((open_a, 60), (open_b, 0)):
        task.refresh_from_db()
        assert (task.status, task.level, task.progress, task.completed_on) == (TaskStatus.CLOSED, Level.DONE, progress, None)
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.COMPLETED, 100)
    warning = ReformWarning.objects.get(reform=reform)
    assert (warning.level, warning.open_tasks, warning.red_tasks, warning.amber_tasks) == (Level.DONE, 0, 0, 0)
    # The reform's history says how many tasks closed at completion, not their ids, and that it is at 100%.
    client = english_client()
    client.force_login(people.office)
    history = client.get(reverse("reforms:detail", args=[reform.pk])).context["history"]
    closed = [c for row in history for c in row["changes"] if c["label"] == "Tasks closed at completion"]
    assert [c["after"] for c in closed] == ["2"]
    completed = next(row for row in history if row["entry"].action == "reform.complete")
    assert {"label": "Progress", "before": "53", "after": "100"} in completed["changes"]


def test_many_moved_reforms_are_recomputed_in_a_constant_number_of_queries(people, reform_factory, add_task,
                                                                            django_assert_max_num_queries):
    """What a ledger import that suspends many reforms sets off: not a few queries per reform."""
    def suspended(n):
        ids = []
        for i in range(n):
            r = reform_factory(code=f"MV-{n}-{i}", start_date=days(-100), due_date=days(100))
            add_task(r, title="逾期", start_date=days(-30), due_date=days(-2))
            ids.append(r.pk)
        Reform.objects.filter(pk__in=ids).update(status=Status.SUSPENDED)
        return ids

    few, many = suspended(2), suspended(12)
    with CaptureQueriesContext(connection) as small:
        task_services.on_reforms_changed(reform_ids=few)
    with django_assert_max_num_queries(len(small.captured_queries)):
        task_services.on_reforms_changed(reform_ids=many)
    assert set(Task.objects.filter(reform_id__in=few + many).values_list("level", flat=True)) == {Level.PAUSED}


def test_a_reform_moved_to_another_district_takes_its_tasks_and_warning(people, reform, add_task, other_district):
    late = add_task(reform, title="逾期", start_date=days(-30), due_date=days(-2))
    report = report_services.submit_report(user=people.unit_staff, task=late, percent=10, text="已开工")
    assert report.district_id == late.district_id
    elsewhere = other_district.district
    bureau = UnitFactory(code="ft-b1", name="福田区住建局", kind=UnitKind.DEPARTMENT, parent=elsewhere)
    # Only someone in the office of both districts moves a reform between them (ADR 0025).
    MembershipFactory(user=people.office, unit=elsewhere, role=Role.OFFICE)
    cache.clear()  # the factory writes without the services: no new organisation version
    people.office.actor_memo = None
    reform_services.update_reform(user=people.office, reform=reform, data={"lead_unit": bureau})
    late.refresh_from_db()
    assert late.district_id == elsewhere.pk
    assert ReformWarning.objects.get(reform=reform).district_id == elsewhere.pk
    report.refresh_from_db()
    assert report.district_id == elsewhere.pk  # the new district's office reviews it
    assert list(warning_list(people.office, TaskFilters(district=elsewhere.pk))) == [late]
