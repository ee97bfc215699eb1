"""Completion (办结, issue 3 part 6) and change requests (改革深化, part 7)."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reformledger.core.audit import history_of
from reformledger.core.models import AuditEntry
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision.models import (
    ChangeRequest,
    Completion,
    Decision,
    Evidence,
    Level,
    ReformWarning,
    Reminder,
    Task,
    TaskStatus,
)
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import progress as progress_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services

from .conftest import days

pytestmark = pytest.mark.django_db


def pdf(name="总结.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n")



def apply(people, reform, **kw):
    kw.setdefault("summary", "改革目标全部完成")
    kw.setdefault("evidence", [pdf()])
    return decision_services.apply_completion(user=people.unit_staff, reform=reform, **kw)


def reform_row(reform) -> dict:
    return Reform.objects.filter(pk=reform.pk).values().get()


# --- completion ---------------------------------------------------------------------------------------


def test_accepting_completes_and_locks(people, reform, add_task):
    open_task = add_task(reform, title="open")
    parent = add_task(reform, title="parent")
    add_task(reform, parent=parent, title="child")
    completion = apply(people, reform)
    assert completion.evidence.get().kind == "pdf"
    decision_services.decide_completion(user=people.office, completion=completion, accept=True, comment="同意办结")
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.COMPLETED, 100)
    # Work not done is closed at completion (not done, not 100%), parents with it.
    assert set(Task.objects.filter(reform=reform).values_list("status", "progress")) == {(TaskStatus.CLOSED, 0)}
    open_task.refresh_from_db()
    assert (open_task.completed_on, open_task.level) == (None, Level.DONE)
    assert ReformWarning.objects.get(reform=reform).level == Level.DONE
    completion.refresh_from_db()
    assert (completion.status, completion.decided_by) == (Decision.ACCEPTED, people.office)
    entry = history_of(reform).filter(action="reform.complete").get()
    assert sorted(entry.changes["tasks_closed"]) == sorted(Task.objects.filter(reform=reform).values_list("pk", flat=True))
    # Locked: the catalogue's own edit is refused, for the office too.
    for person in (people.office, people.unit_staff):
        with pytest.raises(PermissionDenied):
            reform_services.update_reform(user=person, reform=reform, data={"goals": "改"})
    with pytest.raises(PermissionDenied):
        task_services.update_task(user=people.office, task=open_task, changes={"title": "改"})


def test_returning_needs_a_comment(people, reform):
    completion = apply(people, reform)
    before = reform_row(reform)
    with pytest.raises(ValidationError) as exc:
        decision_services.decide_completion(user=people.office, completion=completion, accept=False, comment=" ")
    assert "comment" in exc.value.message_dict
    completion.refresh_from_db()
    assert completion.status == Decision.PENDING
    decision_services.decide_completion(user=people.office, completion=completion, accept=False, comment="缺少验收材料")
    completion.refresh_from_db()
    assert (completion.status, completion.comment) == (Decision.RETURNED, "缺少验收材料")
    assert reform_row(reform) == before  # still in progress, open to changes
    # The lead unit may apply again.
    assert apply(people, reform).status == Decision.PENDING


def test_deciding_twice_is_refused(people, reform):
    completion = apply(people, reform)
    decision_services.decide_completion(user=people.office, completion=completion, accept=False, comment="补充材料")
    count = AuditEntry.objects.count()
    for accept in (True, False):
        with pytest.raises(ValidationError) as exc:
            decision_services.decide_completion(user=people.office, completion=completion, accept=accept, comment="再次")
        assert "status" in exc.value.message_dict
    assert AuditEntry.objects.count() == count
    assert Reform.objects.get(pk=reform.pk).status == Status.IN_PROGRESS


def test_bad_applications_are_refused(people, reform):
    cases = [
        ({"summary": "  "}, "summary"),
        ({"evidence": []}, "evidence"),
        ({"evidence": [SimpleUploadedFile("总结.pdf", b"not a pdf")]}, "evidence"),
    ]
    for kw, field in cases:
        with pytest.raises(ValidationError) as exc:
            apply(people, reform, **kw)
        assert field in exc.value.message_dict, kw
    assert not Completion.objects.exists() and not Evidence.objects.exists()


def test_one_pending_application_at_a_time(people, reform):
    apply(people, reform)
    with pytest.raises(ValidationError) as exc:
        apply(people, reform)
    assert "status" in exc.value.message_dict
    assert Completion.objects.count() == 1


def test_only_a_reform_in_progress_applies(people, reform_factory):
    approved = reform_factory(code="SV-A", status=Status.APPROVED)
    with pytest.raises(ValidationError) as exc:
        apply(people, approved)
    assert "status" in exc.value.message_dict


# --- change requests ----------------------------------------------------------------------------------


def request(people, reform, proposed, *, user=None, reason="根据试点评估调整"):
    return decision_services.request_change(user=user or people.unit_staff, reform=reform, proposed=proposed, reason=reason)


def test_approved_change_applies_with_before_and_after_in_history(people, reform):
    old_goals, old_due = reform.goals, reform.due_date
    cr = request(people, reform, {"goals": "扩大到全区", "due_date": days(250).isoformat()})
    assert Reform.objects.get(pk=reform.pk).goals == old_goals  # nothing changes before the decision
    decision_services.decide_change(user=people.office, change_request=cr, approve=True, note="同意")
    reform.refresh_from_db()
    assert (reform.goals, reform.due_date) == ("扩大到全区", days(250))
    cr.refresh_from_db()
    assert cr.status == ChangeRequest.CRStatus.APPROVED
    assert cr.before == {"goals": old_goals, "due_date": old_due.isoformat()}
    entry = history_of(reform).filter(action="reform.change").get()
    assert entry.changes["goals"] == [old_goals, "扩大到全区"]
    assert entry.changes["due_date"] == [old_due.isoformat(), days(250).isoformat()]
    assert entry.changes["change_request"] == cr.pk
    assert history_of(reform).first().seq >= entry.seq


def test_key_reform_needs_the_committee_meeting(people, reform):
    reform.tier = Tier.KEY
    reform.save()
    cr = request(people, reform, {"measures": "新增三项举措"})
    with pytest.raises(ValidationError) as exc:
        decision_services.decide_change(user=people.office, change_request=cr, approve=True)
    assert "committee_meeting" in exc.value.message_dict
    assert Reform.objects.get(pk=reform.pk).measures != "新增三项举措"
    decision_services.decide_change(
        user=people.office, change_request=cr, approve=True, committee_meeting="区委深改委2026年第3次会议"
    )
    cr.refresh_from_db()
    assert cr.committee_meeting == "区委深改委2026年第3次会议"
    assert Reform.objects.get(pk=reform.pk).measures == "新增三项举措"


def test_a_change_that_leaves_tasks_outside_the_new_dates_is_refused(people, reform, add_task):
    add_task(reform, title="长任务", due_date=days(150))
    cr = request(people, reform, {"due_date": days(100).isoformat(), "goals": "收窄目标"})
    before = (reform_row(reform), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        decision_services.decide_change(user=people.office, change_request=cr, approve=True)
    assert "长任务" in exc.value.message_dict["due_date"][0]
    assert (reform_row(reform), AuditEntry.objects.count()) == before
    cr.refresh_from_db()
    assert (cr.status, cr.before) == (ChangeRequest.CRStatus.PENDING, {})


def test_a_change_of_start_date_after_a_tasks_start_is_refused(people, reform, add_task):
    add_task(reform, title="早任务", start_date=days(-100))
    cr = request(people, reform, {"start_date": days(-50).isoformat()})
    with pytest.raises(ValidationError):
        decision_services.decide_change(user=people.office, change_request=cr, approve=True)
    assert Reform.objects.get(pk=reform.pk).start_date == reform.start_date


def test_deciding_a_change_twice_is_refused(people, reform):
    cr = request(people, reform, {"goals": "新目标"})
    decision_services.decide_change(user=people.office, change_request=cr, approve=False, note="依据不足")
    count = AuditEntry.objects.count()
    for approve in (True, False):
        with pytest.raises(ValidationError) as exc:
            decision_services.decide_change(user=people.office, change_request=cr, approve=approve, note="再议")
        assert "status" in exc.value.message_dict
    assert AuditEntry.objects.count() == count
    assert Reform.objects.get(pk=reform.pk).goals != "新目标"


def test_rejecting_needs_a_note(people, reform):
    cr = request(people, reform, {"goals": "新目标"})
    with pytest.raises(ValidationError) as exc:
        decision_services.decide_change(user=people.office, change_request=cr, approve=False)
    assert "note" in exc.value.message_dict


def test_a_change_overtaken_by_another_is_refused(people, reform):
    """Two requests for the same value: once the first applies, the second would change nothing."""
    first = request(people, reform, {"goals": "新目标"})
    second = request(people, reform, {"goals": "新目标"})
    decision_services.decide_change(user=people.office, change_request=first, approve=True)
    with pytest.raises(ValidationError) as exc:
        decision_services.decide_change(user=people.office, change_request=second, approve=True)
    assert "goals" in exc.value.message_dict
    second.refresh_from_db()
    assert second.status == ChangeRequest.CRStatus.PENDING


def test_bad_change_requests_are_refused(people, reform):
    cases = [
        ({}, "changes"),
        ({"status": "completed"}, "status"),
        ({"progress": 100}, "progress"),
        ({"due_date": "soon"}, "due_date"),
        ({"start_date": None}, "start_date"),
        ({"due_date": "2000-01-01"}, "due_date"),  # before the start
        ({"goals": reform.goals}, "goals"),  # no change at all
    ]
    for proposed, field in cases:
        with pytest.raises(ValidationError) as exc:
            request(people, reform, proposed)
        assert field in exc.value.message_dict, proposed
    assert not ChangeRequest.objects.exists()


def test_a_change_request_needs_a_reason(people, reform):
    with pytest.raises(ValidationError) as exc:
        request(people, reform, {"goals": "新目标"}, reason=" ")
    assert "reason" in exc.value.message_dict
    assert not ChangeRequest.objects.exists()


def test_a_change_request_with_evidence(people, reform):
    cr = decision_services.request_change(
        user=people.unit_staff, reform=reform, proposed={"deliverables": "新成果"}, reason="评估", evidence=[pdf("评估.pdf")]
    )
    assert cr.evidence.get().name == "评估.pdf"


# --- completion closes work at completion; reopening (issue 8 part 4) ---------------------------------


def accept_report(people, task, percent):
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text="进展")
    report_services.review_report(user=people.office, report=report, accept=True)


def complete(people, reform):
    completion = apply(people, reform)
    return decision_services.decide_completion(user=people.office, completion=completion, accept=True, comment="同意")


def test_a_task_starting_in_2027_is_closed_not_done(people, reform, add_task):
    """Issue 8 finding 3: completing set every open task to 100%, one that starts in 2027 too
    (a task that starts after today: not begun when the reform completes)."""
    later = add_task(reform, title="2027年启动", start_date=days(30), due_date=days(150))
    complete(people, reform)
    later.refresh_from_db()
    assert (later.status, later.progress, later.completed_on) == (TaskStatus.CLOSED, 0, None)


def test_reopening_needs_a_reason_and_restores_tasks_and_progress(people, reform, add_task):
    started = add_task(reform, title="已启动", weight=1)
    idle = add_task(reform, title="未启动", weight=1)
    accept_report(people, started, 60)
    reform.refresh_from_db()
    assert reform.progress == 30
    completion = complete(people, reform)
    before = reform_row(reform)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            decision_services.reopen_completion(user=people.office, reform=reform, reason=reason)
        assert "reason" in exc.value.message_dict
    assert reform_row(reform) == before
    decision_services.reopen_completion(user=people.office, reform=reform, reason="成效未达标，需继续推进")
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.IN_PROGRESS, 30)
    started.refresh_from_db()
    idle.refresh_from_db()
    assert (started.status, started.progress) == (TaskStatus.IN_PROGRESS, 60)
    assert (idle.status, idle.progress) == (TaskStatus.NOT_STARTED, 0)
    assert ReformWarning.objects.get(reform=reform).open_tasks == 2
    completion.refresh_from_db()
    assert (completion.status, completion.reopened_by, completion.reopen_reason) == ("reopened", people.office, "成效未达标，需继续推进")
    entry = history_of(reform).filter(action="reform.reopen_completion").get()
    assert entry.changes["reason"] == "成效未达标，需继续推进"
    assert entry.changes["status"] == [Status.COMPLETED, Status.IN_PROGRESS]
    assert sorted(entry.changes["tasks_reopened"]) == sorted([started.pk, idle.pk])
    # The lead unit is told.
    told = Reminder.objects.get(key=f"review:completion-reopened:{completion.pk}")
    assert (told.unit_id, told.text) == (reform.lead_unit_id, "成效未达标，需继续推进")
    # Only a completed reform is reopened.
    with pytest.raises(ValidationError) as exc:
        decision_services.reopen_completion(user=people.office, reform=reform, reason="再开")
    assert "status" in exc.value.message_dict


def test_reopening_a_reform_without_tasks_restores_its_own_progress(people, reform):
    progress_services.correct_reform_progress(user=people.office, reform=reform, percent=45, reason="按台账核定")
    complete(people, reform)
    reform.refresh_from_db()
    assert reform.progress == 100
    decision_services.reopen_completion(user=people.office, reform=reform, reason="重新推进")
    reform.refresh_from_db()
    assert (reform.status, reform.progress) == (Status.IN_PROGRESS, 45)


@pytest.mark.parametrize("who", ["unit_staff", "leader_main", "committee", "other_staff"])
def test_only_the_office_reopens(people, reform, who):
    complete(people, reform)
    with pytest.raises(PermissionDenied):
        decision_services.reopen_completion(user=getattr(people, who), reform=reform, reason="再开")
    reform.refresh_from_db()
    assert reform.status == Status.COMPLETED
