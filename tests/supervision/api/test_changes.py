"""POST /reforms/{id}/change-requests, /change-requests/{id}/decide, /reforms/{id}/completion and
/completions/{id}/decide: JSON and multipart, permissions, decided twice."""

import datetime as dt
import json

import pytest

from reformledger.core.audit import history_of
from reformledger.reforms.models import Reform, Status
from reformledger.supervision.models import ChangeRequest, Completion, Evidence, Task, TaskStatus
from tests.clients import errors_by_field, multipart
from tests.supervision.conftest import TODAY, day
from tests.supervision.files import fake_pdf, pdf, png, stored_files

CR_KEYS = {
    "id", "reform", "status", "proposed", "before", "reason", "requested_by", "created_at", "decided_by",
    "decided_at", "decision_note", "committee_meeting", "evidence",
}


def ask(api, user, reform, changes=None, reason="试点发现需调整"):
    body = {"changes": changes if changes is not None else {"goals": "新目标", "due_date": day(250)}, "reason": reason}
    return api.post(f"/reforms/{reform.pk}/change-requests", user, body)


# --- change requests ------------------------------------------------------------------------------


def test_the_lead_unit_requests_a_change_and_the_office_approves_it(api, people, reform):
    old_goals = reform.goals
    response = ask(api, people.unit_staff, reform)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CR_KEYS
    assert body["status"] == "pending" and body["proposed"] == {"goals": "新目标", "due_date": day(250)}
    assert body["requested_by"]["id"] == people.unit_staff.pk and body["evidence"] == []
    reform.refresh_from_db()
    assert reform.goals == old_goals  # nothing changes until the office decides

    decided = api.post(f"/change-requests/{body['id']}/decide", people.office, {"approve": True, "note": "同意"})
    assert decided.status_code == 200, decided.content
    result = decided.json()
    assert result["status"] == "approved" and result["decided_by"]["id"] == people.office.pk
    assert result["before"] == {"goals": old_goals, "due_date": (TODAY + dt.timedelta(days=200)).isoformat()}
    reform.refresh_from_db()
    assert reform.goals == "新目标" and reform.due_date == TODAY + dt.timedelta(days=250)
    assert history_of(reform).filter(action="reform.change").exists()


def test_deciding_twice_is_422_and_changes_nothing(api, people, reform):
    request = ask(api, people.unit_staff, reform, {"measures": "新措施"}).json()
    assert api.post(f"/change-requests/{request['id']}/decide", people.office, {"approve": False, "note": "不同意"}).status_code == 200
    again = api.post(f"/change-requests/{request['id']}/decide", people.office, {"approve": True})
    assert again.status_code == 422
    assert list(errors_by_field(again)) == ["status"]
    reform.refresh_from_db()
    assert reform.measures != "新措施"
    assert ChangeRequest.objects.get().status == ChangeRequest.CRStatus.REJECTED


def test_a_key_reform_records_the_committee_meeting(api, people, reform_factory):
    key = reform_factory(tier="key", start_date=TODAY - dt.timedelta(days=10), due_date=TODAY + dt.timedelta(days=100))
    request = ask(api, people.unit_staff, key, {"deliverables": "新成果"}).json()
    path = f"/change-requests/{request['id']}/decide"
    response = api.post(path, people.office, {"approve": True})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["committee_meeting"]
    response = api.post(path, people.office, {"approve": True, "committee_meeting": "区委深改委第12次会议"})
    assert response.status_code == 200 and response.json()["committee_meeting"] == "区委深改委第12次会议"
    assert Reform.objects.get(pk=key.pk).deliverables == "新成果"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"changes": {}, "reason": "x"}, "changes"),
        ({"changes": {"title": "新标题"}, "reason": "x"}, "changes.title"),
        ({"changes": {"goals": "新"}, "reason": " "}, "reason"),
        ({"changes": {"goals": "新"}}, "reason"),
        ({"changes": {"due_date": "next year"}, "reason": "x"}, "changes.due_date"),
        ({"changes": {"start_date": None}, "reason": "x"}, "changes.start_date"),
        ({"changes": {"start_date": "2030-01-01", "due_date": "2029-01-01"}, "reason": "x"}, "due_date"),
        ({"changes": "goals", "reason": "x"}, "changes"),
    ],
)
def test_bad_change_requests_are_422(api, people, reform, body, field):
    response = api.post(f"/reforms/{reform.pk}/change-requests", people.unit_staff, body)
    assert response.status_code == 422, response.content
    assert field in errors_by_field(response)
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("role", ["other_staff", "resident", "expert", "committee"])
def test_others_may_not_request_changes(api, people, reform, role):
    assert ask(api, getattr(people, role), reform).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_the_responsible_leader_may_request_a_change(api, people, reform):
    reform.responsible_leader = people.leader_domain
    reform.save()
    assert ask(api, people.leader_domain, reform).status_code == 201


def test_a_hidden_reform_is_404_and_anonymous_401(api, people, district, reform_factory, reform):
    hidden = reform_factory(lead_unit=district.sub_b, status=Status.DRAFT)
    assert ask(api, people.unit_staff, hidden).status_code == 404
    assert ask(api, None, reform).status_code == 401
    assert api.post("/change-requests/999999/decide", people.office, {"approve": True}).status_code == 404


@pytest.mark.parametrize("role", ["unit_staff", "unit_head", "committee", "leader_main", "resident"])
def test_only_the_office_decides_changes(api, people, reform, role):
    request = ask(api, people.unit_staff, reform).json()
    response = api.post(f"/change-requests/{request['id']}/decide", getattr(people, role), {"approve": True})
    assert response.status_code == 403
    assert ChangeRequest.objects.get().status == ChangeRequest.CRStatus.PENDING


def test_a_change_request_with_evidence_as_multipart(api, people, reform):
    before = stored_files()
    data = {"changes": json.dumps({"goals": "扩大试点"}), "reason": "评估报告建议", "evidence": [pdf("评估报告.pdf"), png()]}
    response = multipart(api, f"/reforms/{reform.pk}/change-requests", people.unit_staff, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["proposed"] == {"goals": "扩大试点"}
    assert [e["name"] for e in body["evidence"]] == ["评估报告.pdf", "photo.png"]
    assert len(stored_files()) == len(before) + 2


def test_bad_multipart_change_requests_write_nothing(api, people, reform):
    before = stored_files()
    path = f"/reforms/{reform.pk}/change-requests"
    for data, field in [
        ({"changes": "{goals: 1", "reason": "x"}, "changes"),  # not JSON
        ({"changes": json.dumps({"goals": "新"}), "reason": "x", "evidence": [fake_pdf()]}, "evidence"),
        ({"changes": json.dumps({"goals": "新"}), "reason": ""}, "reason"),
    ]:
        response = multipart(api, path, people.unit_staff, data)
        assert response.status_code == 422, response.content
        assert list(errors_by_field(response)) == [field]
    assert not ChangeRequest.objects.exists() and not Evidence.objects.exists()
    assert stored_files() == before


# --- completion (办结) --------------------------------------------------------------------------------


def test_the_lead_unit_applies_and_the_office_accepts(api, people, reform, add_task):
    task = add_task(reform)
    response = multipart(
        api, f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": "全面完成", "evidence": [pdf()]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["summary"] == "全面完成" and len(body["evidence"]) == 1
    again = multipart(api, f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": "再次", "evidence": [pdf()]})
    assert again.status_code == 422 and list(errors_by_field(again)) == ["status"]

    decided = api.post(f"/completions/{body['id']}/decide", people.office, {"accept": True, "comment": "验收通过"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "accepted"
    reform.refresh_from_db()
    assert reform.status == Status.COMPLETED
    assert Task.objects.get(pk=task.pk).status == TaskStatus.CLOSED  # closed at completion, not done
    twice = api.post(f"/completions/{body['id']}/decide", people.office, {"accept": True})
    assert twice.status_code == 422 and list(errors_by_field(twice)) == ["status"]


def test_completion_needs_evidence_and_a_summary(api, people, reform):
    response = api.post(f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": "完成"})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["evidence"]
    response = multipart(api, f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": " ", "evidence": [pdf()]})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["summary"]
    response = multipart(api, f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": "完成", "evidence": [fake_pdf()]})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["evidence"]
    assert not Completion.objects.exists() and not Evidence.objects.exists()


def test_returning_a_completion_needs_a_comment(api, people, reform):
    completion = multipart(
        api, f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": "完成", "evidence": [pdf()]}
    ).json()
    path = f"/completions/{completion['id']}/decide"
    assert list(errors_by_field(api.post(path, people.office, {"accept": False}))) == ["comment"]
    response = api.post(path, people.office, {"accept": False, "comment": "材料不全"})
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert Reform.objects.get(pk=reform.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("role", ["other_staff", "resident", "expert", "office"])
def test_only_the_lead_unit_applies(api, people, reform, role):
    response = multipart(api, f"/reforms/{reform.pk}/completion", getattr(people, role), {"summary": "完成", "evidence": [pdf()]})
    assert response.status_code == 403
    assert not Completion.objects.exists()


@pytest.mark.parametrize("role", ["unit_staff", "committee", "resident"])
def test_only_the_office_decides_completion(api, people, reform, role):
    completion = multipart(
        api, f"/reforms/{reform.pk}/completion", people.unit_staff, {"summary": "完成", "evidence": [pdf()]}
    ).json()
    assert api.post(f"/completions/{completion['id']}/decide", getattr(people, role), {"accept": True}).status_code == 403
    assert Completion.objects.get().status == "pending"
