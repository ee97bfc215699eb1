"""Extension requests (延期申请), issue 8 part 1: deadlines are the office's commitments.

A unit asks with a new date, a reason and evidence; the office of the district approves (granting
a date) or refuses; every bad input is refused on its field with nothing written; the move is
recorded in the task's deadline history, and the task keeps its original deadline.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.core.audit import history_of
from reformledger.core.models import AuditEntry
from reformledger.org.models import Role, UnitKind
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status
from reformledger.supervision.models import (
    DeadlineChange,
    Evidence,
    ExtensionRequest,
    Reminder,
    Task,
)
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.factories import MembershipFactory, UnitFactory
from tests.supervision.files import fake_pdf, pdf

from .conftest import days

pytestmark = pytest.mark.django_db


def ask(people, task, **data):
    data.setdefault("new_due_date", days(90))
    data.setdefault("reason", "征地协调需要时间")
    return extension_services.request_extension(user=data.pop("user", people.unit_staff), task=task, **data)


def written() -> tuple:
    return (
        ExtensionRequest.objects.count(),
        ExtensionRequest.objects.exclude(status="pending").count(),
        DeadlineChange.objects.count(),
        sorted(Task.objects.values_list("pk", "due_date")),
        Evidence.objects.count(),
        AuditEntry.objects.count(),
        Reminder.objects.count(),
    )


# --- asking ----------------------------------------------------------------------------------------


def test_a_unit_asks_for_more_time_with_evidence(people, reform, task, media):
    request = ask(people, task, evidence=[pdf()])
    assert (request.status, request.due_date, request.requested_date) == ("pending", task.due_date, days(90))
    assert (request.unit_id, request.district_id, request.requested_by_id) == (task.unit_id, task.district_id, people.unit_staff.pk)
    assert [e.name for e in request.evidence.all()] == ["evidence.pdf"]
    task.refresh_from_db()
    assert task.due_date == days(60), "asking moves nothing"
    entry = history_of(task).first()
    assert entry.action == "task.request_extension" and entry.changes["reason"] == "征地协调需要时间"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"new_due_date": days(60)}, "new_due_date"),  # the current due date
        ({"new_due_date": days(30)}, "new_due_date"),  # earlier than it
        ({"new_due_date": None}, "new_due_date"),
        ({"new_due_date": "2026-13-01"}, "new_due_date"),
    ],
)
def test_bad_requests_are_refused_on_the_field(people, task, data, field):
    before = written()
    with pytest.raises(ValidationError) as exc:
        ask(people, task, **data)
    assert field in exc.value.message_dict
    assert written() == before


def test_a_date_before_today_is_refused(people, reform, add_red):
    late = add_red(reform, late=10)
    before = written()
    with pytest.raises(ValidationError) as exc:
        ask(people, late, new_due_date=days(-3))  # after the due date, but before today
    assert "new_due_date" in exc.value.message_dict
    assert written() == before


def test_a_second_request_waits_for_the_first(people, task):
    ask(people, task)
    before = written()
    with pytest.raises(ValidationError) as exc:
        ask(people, task, new_due_date=days(100))
    assert "task" in exc.value.message_dict
    assert written() == before


def test_a_done_task_needs_no_more_time(people, task):
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=100, text="完成")
    report_services.review_report(user=people.office, report=report, accept=True)
    before = written()
    with pytest.raises(ValidationError) as exc:
        ask(people, task)
    assert "task" in exc.value.message_dict
    assert written() == before


def test_only_a_reform_under_way_has_tasks_to_extend(people, reform, task):
    reform_services.transition_reform(user=people.office, reform=reform, to_status=Status.SUSPENDED, note="暂停")
    before = written()
    with pytest.raises(ValidationError) as exc:
        ask(people, task)
    assert "task" in exc.value.message_dict
    assert written() == before


def test_a_bad_evidence_file_writes_nothing(people, task, media):
    before = written()
    with pytest.raises(ValidationError) as exc:
        ask(people, task, evidence=[fake_pdf()])
    assert "evidence" in exc.value.message_dict
    assert written() == before


# --- deciding --------------------------------------------------------------------------------------


def test_approving_moves_the_due_date_and_records_it(people, reform, task):
    request = ask(people, task)
    decided = extension_services.decide_extension(user=people.office, request=request, approve=True)
    assert (decided.status, decided.granted_date, decided.decided_by_id) == ("approved", days(90), people.office.pk)
    task.refresh_from_db()
    assert (task.due_date, task.original_due_date) == (days(90), days(60))
    change = DeadlineChange.objects.get(task=task)
    assert (change.from_date, change.to_date, change.extension_id, change.changed_by_id) == (days(60), days(90), request.pk, people.office.pk)
    assert change.reason == "征地协调需要时间"
    actions = list(AuditEntry.objects.filter(object_id=str(task.pk)).values_list("action", flat=True))
    assert {"task.move_due_date", "task.decide_extension"} <= set(actions)
    notice = Reminder.objects.get(key=f"review:extension:{request.pk}")
    assert notice.unit_id == task.unit_id and notice.task_id == task.pk


def test_the_office_may_grant_another_date(people, task):
    request = ask(people, task)
    extension_services.decide_extension(user=people.office, request=request, approve=True, granted_due_date=days(75))
    task.refresh_from_db()
    assert task.due_date == days(75)


@pytest.mark.parametrize("granted", [-1, 0, 1, 201])
def test_a_granted_date_out_of_bounds_is_refused(people, reform, task, granted):
    """Not after the current due date (60 days on), before today, or after the reform's due date (200)."""
    if granted == -1:
        grant = days(-1)
    elif granted in (0, 1):
        grant = days(60 - granted)
    else:
        grant = days(granted)
    request = ask(people, task)
    before = written()
    with pytest.raises(ValidationError) as exc:
        extension_services.decide_extension(user=people.office, request=request, approve=True, granted_due_date=grant)
    assert "granted_due_date" in exc.value.message_dict
    assert written() == before


def test_a_sub_task_fits_in_its_parent_first(people, reform, add_task):
    parent = add_task(reform, title="P", due_date=days(80))
    child = add_task(reform, parent=parent, title="C", due_date=days(60))
    request = ask(people, child, new_due_date=days(90))
    before = written()
    with pytest.raises(ValidationError) as exc:
        extension_services.decide_extension(user=people.office, request=request, approve=True)
    assert "P" in " ".join(exc.value.message_dict["granted_due_date"])
    assert written() == before
    # The office moves the parent first (with a reason), then grants.
    task_services.update_task(user=people.office, task=parent, changes={"due_date": days(95)}, reason="整体延期")
    extension_services.decide_extension(user=people.office, request=request, approve=True)
    child.refresh_from_db()
    assert child.due_date == days(90)


def test_refusing_needs_a_comment_and_moves_nothing(people, task):
    request = ask(people, task)
    before = written()
    with pytest.raises(ValidationError) as exc:
        extension_services.decide_extension(user=people.office, request=request, approve=False)
    assert "comment" in exc.value.message_dict
    assert written() == before
    refused = extension_services.decide_extension(user=people.office, request=request, approve=False, comment="理由不充分")
    assert (refused.status, refused.granted_date, refused.comment) == ("refused", None, "理由不充分")
    task.refresh_from_db()
    assert task.due_date == days(60) and not DeadlineChange.objects.exists()
    assert Reminder.objects.get(key=f"review:extension:{request.pk}").text == "理由不充分"


def test_a_decided_request_is_not_decided_again(people, task):
    request = ask(people, task)
    extension_services.decide_extension(user=people.office, request=request, approve=True)
    before = written()
    for approve, comment in ((True, ""), (False, "再议")):
        with pytest.raises(ValidationError) as exc:
            extension_services.decide_extension(user=people.office, request=request, approve=approve, comment=comment)
        assert "status" in exc.value.message_dict
    assert written() == before


def test_the_office_of_another_district_does_not_decide(people, task, other_district):
    request = ask(people, task)
    office = UnitFactory(code="ft-office", name="福田区委改革办", kind=UnitKind.REFORM_OFFICE, parent=other_district.district)
    stranger = MembershipFactory(unit=office, role=Role.OFFICE).user
    before = written()
    with pytest.raises(PermissionDenied):
        extension_services.decide_extension(user=stranger, request=request, approve=True)
    assert written() == before


# --- only the office moves dates ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["start_date", "due_date"])
def test_a_unit_cannot_move_a_tasks_dates(people, task, field):
    # Even a task the unit set itself (it may edit its title): once it exists, its dates are the office's.
    Task.objects.filter(pk=task.pk).update(set_by_office=False)
    task.refresh_from_db()
    before = written()
    with pytest.raises(ValidationError) as exc:
        task_services.update_task(user=people.unit_staff, task=task, changes={field: getattr(task, field) + dt.timedelta(days=3)})
    assert list(exc.value.message_dict) == [field]
    assert "延期申请" in exc.value.message_dict[field][0]  # the message points to the extension request
    assert written() == before


def test_the_office_moves_a_due_date_with_a_reason(people, task):
    before = written()
    with pytest.raises(ValidationError) as exc:
        task_services.update_task(user=people.office, task=task, changes={"due_date": days(70)})
    assert "reason" in exc.value.message_dict
    assert written() == before
    task_services.update_task(user=people.office, task=task, changes={"due_date": days(70)}, reason="区委决定")
    change = DeadlineChange.objects.get(task=task)
    assert (change.from_date, change.to_date, change.reason, change.extension_id) == (days(60), days(70), "区委决定", None)
    task.refresh_from_db()
    assert task.original_due_date == days(60)


def test_a_unit_sets_the_dates_of_a_new_sub_task(people, reform, add_task, district):
    parent = add_task(reform, title="P", unit=district.sub_a, due_date=days(50))
    child = task_services.create_task(
        user=people.unit_staff, reform=reform, parent=parent, title="C", unit=district.sub_a,
        start_date=days(-2), due_date=days(40),
    )
    assert (child.due_date, child.original_due_date) == (days(40), days(40))
