"""Completion (办结), change requests (改革深化), the office's decisions and help needed (issue 3
parts 3, 6 and 7): who may see and do what, bad input, the lock after completion, query counts."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats

from reformledger.core.models import AuditEntry
from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision.models import (
    ChangeRequest,
    Completion,
    Decision,
    Evidence,
    HelpRequest,
    Task,
    TaskStatus,
)
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.views import decisions as views_decisions
from tests.supervision.conftest import days

pytestmark = pytest.mark.django_db
DECISIONS = reverse("supervision:decisions")
HELP = reverse("supervision:help")



def pdf(name="成果报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def fake_pdf(name="伪装.pdf"):
    return SimpleUploadedFile(name, b"just some text, not a PDF", content_type="application/pdf")


def expect_same_queries(client, url, grow, django_assert_num_queries):
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    expected = len(small.captured_queries)
    grow()
    client.get(url)
    with django_assert_num_queries(expected):
        return client.get(url)


# --- completion -------------------------------------------------------------------------------------


@pytest.fixture
def key_reform(reform_factory, district, people):
    return reform_factory(code="SV-K", title="社区治理体系改革", tier=Tier.KEY, goals="建立网格化治理体系",
                          measures="三步走", start_date=days(-100), due_date=days(100), responsible_leader=people.leader_main)


def apply_url(reform):
    return reverse("supervision:completion-apply", args=[reform.pk])


@pytest.mark.parametrize(("role", "status"), [("unit_head", 200), ("unit_staff", 200), ("office", 403), ("committee", 403),
                                              ("other_staff", 404), ("expert", 403), ("resident", 403)])
def test_only_the_lead_unit_applies_for_completion(client_for, people, reform, role, status):
    assert client_for(getattr(people, role)).get(apply_url(reform)).status_code == status


def test_the_lead_unit_applies_with_evidence(client_for, people, reform, add_task):
    add_task(reform, title="仍在推进的任务")
    response = client_for(people.unit_staff).get(apply_url(reform))
    assert "1 task is still open" in response.content.decode()
    response = client_for(people.unit_staff).post(apply_url(reform), {"summary": "改革目标全部完成。", "evidence": [pdf(), pdf("照片.pdf")]})
    assert response.status_code == 302 and response["Location"] == reverse("reforms:detail", args=[reform.pk])
    completion = Completion.objects.get()
    assert completion.status == Decision.PENDING and completion.summary == "改革目标全部完成。"
    assert sorted(completion.evidence.values_list("name", flat=True)) == ["成果报告.pdf", "照片.pdf"]
    again = client_for(people.unit_staff).post(apply_url(reform), {"summary": "再次申请", "evidence": [pdf()]})
    assert again.status_code == 400 and "already awaiting" in again.content.decode()
    assert Completion.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"summary": "完成了", "evidence": []}, "evidence", "Attach the evidence of completion."),
        ({"summary": "", "evidence": [pdf()]}, "summary", "This field is required."),
        ({"summary": "完成了", "evidence": [fake_pdf()]}, "evidence", "is not a PDF"),
    ],
)
def test_a_bad_application_is_shown_and_nothing_is_written(client_for, people, reform, data, field, message):
    response = client_for(people.unit_staff).post(apply_url(reform), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Completion.objects.exists() and not Evidence.objects.exists()


@pytest.fixture
def application(people, reform, add_task):
    add_task(reform, title="收尾任务")
    return decision_services.apply_completion(user=people.unit_staff, reform=reform, summary="全部完成", evidence=[pdf()])


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("committee", 403), ("unit_staff", 403), ("leader_main", 403),
                                              ("expert", 403)])
def test_only_the_office_decides_completion(client_for, people, application, role, status):
    url = reverse("supervision:completion-decide", args=[application.pk])
    client = client_for(getattr(people, role))
    assert client.get(url).status_code == status
    if status == 403:
        assert client.post(url, {"decision": "accept"}).status_code == 403
        application.refresh_from_db()
        assert application.status == Decision.PENDING


def test_returning_needs_a_comment(client_for, people, application):
    url = reverse("supervision:completion-decide", args=[application.pk])
    client = client_for(people.office)
    page = client.get(url).content.decode()
    assert "全部完成" in page and "成果报告.pdf" in page
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["comment"] == ["Say why the application is returned."]
    assert client.post(url, {}).status_code == 400
    application.refresh_from_db()
    assert application.status == Decision.PENDING
    response = client.post(url, {"decision": "return", "comment": "请补充验收材料"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Decision.RETURNED and application.comment == "请补充验收材料"


def test_accepting_completes_and_locks_the_reform(client_for, people, reform, application, district):
    url = reverse("supervision:completion-decide", args=[application.pk])
    office = client_for(people.office)
    # Accepting asks for a confirmation first: without it, nothing changes.
    unconfirmed = office.post(url, {"decision": "accept", "comment": "同意办结"})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.context["form"].errors
    reform.refresh_from_db()
    assert reform.status == Status.IN_PROGRESS
    assert office.post(url, {"decision": "accept", "comment": "同意办结", "confirm": "on"}).status_code == 302
    reform.refresh_from_db()
    assert reform.status == Status.COMPLETED
    # Work not done is closed at completion (not done at 100%).
    assert set(Task.objects.filter(reform=reform).values_list("status", flat=True)) == {TaskStatus.CLOSED}
    # Decided twice: refused, nothing changes.
    again = office.post(url, {"decision": "return", "comment": "改主意"}, follow=True)
    assert "already decided" in again.content.decode()
    application.refresh_from_db()
    assert application.status == Decision.ACCEPTED
    # Locked: the reform's form and the task forms are refused, for the office and the lead unit.
    task = Task.objects.get(reform=reform)
    for user in (people.office, people.unit_staff):
        client = client_for(user)
        assert client.get(reverse("reforms:edit", args=[reform.pk])).status_code == 403
        assert client.post(reverse("reforms:edit", args=[reform.pk]), {"title": "改名"}).status_code == 403
        assert client.get(reverse("supervision:task-new", args=[reform.pk])).status_code == 403
        assert client.post(reverse("supervision:task-new", args=[reform.pk]),
                           {"title": "新任务", "unit": district.sub_a.pk, "start_date": days(1).isoformat(),
                            "due_date": days(5).isoformat(), "weight": "1"}).status_code == 403
        assert client.get(reverse("supervision:task-edit", args=[task.pk])).status_code == 403
    assert client_for(people.unit_staff).get(apply_url(reform)).status_code == 403
    reform.refresh_from_db()
    assert reform.title != "改名" and Task.objects.filter(reform=reform).count() == 1
    # ...but a change may still be requested.
    assert client_for(people.unit_staff).get(reverse("supervision:change-new", args=[reform.pk])).status_code == 200


# --- change requests ---------------------------------------------------------------------------------


def new_change_url(reform):
    return reverse("supervision:change-new", args=[reform.pk])


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("unit_staff", 200), ("leader_main", 200),
                                              ("committee", 403), ("other_staff", 404), ("expert", 403)])
def test_who_may_request_a_change(client_for, people, key_reform, role, status):
    assert client_for(getattr(people, role)).get(new_change_url(key_reform)).status_code == status


def test_the_form_shows_current_values_and_sends_only_what_changes(client_for, people, key_reform):
    client = client_for(people.unit_staff)
    html = client.get(new_change_url(key_reform)).content.decode()
    assert "建立网格化治理体系" in html and key_reform.due_date.isoformat() in html
    response = client.post(new_change_url(key_reform), {
        "goals": "建立网格化、智能化治理体系", "measures": "三步走", "deliverables": "",
        "start_date": key_reform.start_date.isoformat(), "due_date": days(160).isoformat(),
        "reason": "试点经验表明需要增加智能化内容", "evidence": [pdf("试点评估.pdf")],
    })
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:change", args=[change.pk])
    assert change.proposed == {"goals": "建立网格化、智能化治理体系", "due_date": days(160).isoformat()}
    assert list(change.evidence.values_list("name", flat=True)) == ["试点评估.pdf"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({}, None, "Name at least one change"),
        ({"due_date": "someday"}, "due_date", "Enter a valid date."),
        ({"due_date": "2000-01-01"}, "due_date", "The due date is before the start date."),
        ({"goals": "新目标", "reason": ""}, "reason", "This field is required."),
        ({"goals": "新目标", "evidence": [fake_pdf()]}, "evidence", "is not a PDF"),
    ],
)
def test_a_bad_change_request_is_shown_and_nothing_is_written(client_for, people, key_reform, changes, field, message):
    data = {"goals": key_reform.goals, "measures": key_reform.measures, "deliverables": "",
            "start_date": key_reform.start_date.isoformat(), "due_date": key_reform.due_date.isoformat(), "reason": "原因"}
    data.update(changes)
    response = client_for(people.unit_staff).post(new_change_url(key_reform), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field] if field else errors["__all__"])
    assert message in response.content.decode() or "&quot;" in message
    assert not ChangeRequest.objects.exists() and not Evidence.objects.exists()


@pytest.fixture
def change(people, key_reform):
    return decision_services.request_change(user=people.unit_staff, reform=key_reform, reason="试点经验",
                                   proposed={"goals": "新的目标", "due_date": days(160)}, evidence=[pdf()])


def test_the_change_page_shows_current_and_proposed_side_by_side(client_for, people, change, key_reform):
    response = client_for(people.unit_staff).get(reverse("supervision:change", args=[change.pk]))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["goals"]["before"] == "建立网格化治理体系" and rows["goals"]["after"] == "新的目标"
    assert set(rows) == {"goals", "due_date"}
    html = response.content.decode()
    assert "试点经验" in html and "成果报告.pdf" in html
    assert 'name="decision"' not in html  # only the office decides


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("committee", 200), ("leader_main", 200), ("unit_staff", 200),
                                              ("other_staff", 404), ("expert", 403)])
def test_who_may_see_a_change_request(client_for, people, change, role, status):
    assert client_for(getattr(people, role)).get(reverse("supervision:change", args=[change.pk])).status_code == status


def test_a_key_reform_needs_the_committee_meeting_then_the_change_applies_with_history(client_for, people, change, key_reform):
    url = reverse("supervision:change-decide", args=[change.pk])
    office = client_for(people.office)
    assert 'name="committee_meeting"' in office.get(reverse("supervision:change", args=[change.pk])).content.decode()
    response = office.post(url, {"decision": "approve", "note": "同意"})
    assert response.status_code == 400
    assert response.context["form"].errors["committee_meeting"] == [
        "For a key reform, record the committee meeting that decided."
    ]
    key_reform.refresh_from_db()
    assert key_reform.goals == "建立网格化治理体系"
    change.refresh_from_db()
    assert change.status == ChangeRequest.CRStatus.PENDING
    response = office.post(url, {"decision": "approve", "note": "同意", "committee_meeting": "区委深改委2026年第3次会议"})
    assert response.status_code == 302
    key_reform.refresh_from_db()
    assert key_reform.goals == "新的目标" and key_reform.due_date == days(160)
    change.refresh_from_db()
    assert change.status == ChangeRequest.CRStatus.APPROVED and change.committee_meeting == "区委深改委2026年第3次会议"
    # The change page shows before and after; the reform's history shows both values.
    rows = {row["name"]: row for row in office.get(reverse("supervision:change", args=[change.pk])).context["rows"]}
    assert rows["goals"]["before"] == "建立网格化治理体系" and rows["goals"]["after"] == "新的目标"
    history = office.get(reverse("reforms:detail", args=[key_reform.pk])).context["history"]
    # The newest entry is the applied change (the request before it lists what was proposed).
    changes = {c["label"]: c for c in history[0]["changes"]}
    assert "approved change request" in str(history[0]["action"])
    assert changes["Goals"]["before"] == "建立网格化治理体系" and changes["Goals"]["after"] == "新的目标"
    # Dates in the reader's format (issue 8, part 9), not ISO.
    assert changes["Due date"]["after"] == formats.date_format(days(160), "DATE_FORMAT")
    # Decided twice: refused with a message, nothing changes.
    again = office.post(url, {"decision": "reject", "note": "不同意"}, follow=True)
    assert "already decided" in again.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeRequest.CRStatus.APPROVED
    assert AuditEntry.objects.filter(action="change_request.decide").count() == 1


def test_rejecting_needs_a_note(client_for, people, reform):
    change = decision_services.request_change(user=people.unit_staff, reform=reform, reason="r", proposed={"measures": "新措施"})
    url = reverse("supervision:change-decide", args=[change.pk])
    response = client_for(people.office).post(url, {"decision": "reject"})
    assert response.status_code == 400 and response.context["form"].errors["note"] == ["Say why the change is rejected."]
    # A micro-reform needs no committee meeting.
    assert client_for(people.office).post(url, {"decision": "approve"}).status_code == 302
    reform.refresh_from_db()
    assert reform.measures == "新措施"


@pytest.mark.parametrize("role", ["committee", "unit_staff", "leader_main"])
def test_only_the_office_decides_a_change(client_for, people, change, key_reform, role):
    url = reverse("supervision:change-decide", args=[change.pk])
    response = client_for(getattr(people, role)).post(url, {"decision": "approve", "committee_meeting": "会议"})
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == ChangeRequest.CRStatus.PENDING
    assert Reform.objects.get(pk=key_reform.pk).goals == "建立网格化治理体系"


# --- the decisions queue ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("committee", 403), ("leader_main", 403), ("unit_staff", 403),
                                              ("expert", 403), ("resident", 403)])
def test_the_decisions_queue_is_for_the_office(client_for, people, role, status):
    assert client_for(getattr(people, role)).get(DECISIONS).status_code == status


def test_the_queue_lists_pending_items_oldest_first(client_for, people, reform_factory, district):
    first = reform_factory(code="Q-1", title="第一项")
    second = reform_factory(code="Q-2", title="第二项")
    decision_services.apply_completion(user=people.unit_staff, reform=first, summary="s", evidence=[pdf()])
    decision_services.apply_completion(user=people.unit_staff, reform=second, summary="s", evidence=[pdf()])
    decided = decision_services.request_change(user=people.unit_staff, reform=first, reason="r", proposed={"goals": "g"})
    decision_services.decide_change(user=people.office, change_request=decided, approve=False, note="不")
    decision_services.request_change(user=people.unit_staff, reform=second, reason="r", proposed={"goals": "g2"})
    response = client_for(people.office).get(DECISIONS)
    assert [c.reform.code for c in response.context["completions"].object_list] == ["Q-1", "Q-2"]
    assert [c.reform.code for c in response.context["changes"].object_list] == ["Q-2"]


def test_the_queue_takes_the_same_queries_for_2_and_20_items(client_for, people, reform_factory, django_assert_num_queries):
    reforms = [reform_factory(code=f"Q-{i:02d}") for i in range(20)]

    def add(batch):
        for r in batch:
            decision_services.apply_completion(user=people.unit_staff, reform=r, summary="s", evidence=[pdf()])
            decision_services.request_change(user=people.unit_staff, reform=r, reason="r", proposed={"goals": f"新目标{r.code}"})

    add(reforms[:2])
    response = expect_same_queries(client_for(people.office), DECISIONS, lambda: add(reforms[2:]), django_assert_num_queries)
    assert response.context["completions"].paginator.count == 20 and response.context["changes"].paginator.count == 20


# --- help needed ---------------------------------------------------------------------------------------


@pytest.fixture
def help_item(people, reform, add_task):
    reform.responsible_leader = people.leader_main
    reform.save()
    task = add_task(reform, title="需要协调的任务")
    report_services.submit_report(user=people.unit_staff, task=task, percent=30, text="推进中", help_needed="需要规自局配合提供数据")
    return HelpRequest.objects.get()


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("leader_main", 200), ("leader_domain", 200),
                                              ("unit_staff", 403), ("committee", 403), ("expert", 403)])
def test_who_may_open_the_help_list(client_for, people, help_item, role, status):
    assert client_for(getattr(people, role)).get(HELP).status_code == status


def test_the_leader_sees_own_items_and_the_office_sees_all(client_for, people, help_item):
    assert help_item.leader == people.leader_main
    assert "需要规自局配合提供数据" in client_for(people.leader_main).get(HELP).content.decode()
    assert "需要规自局配合提供数据" in client_for(people.office).get(HELP).content.decode()
    other = client_for(people.leader_domain).get(HELP)
    assert "需要规自局配合提供数据" not in other.content.decode()
    assert 'name="resolution"' not in other.content.decode()


def test_the_leader_resolves_an_item(client_for, people, help_item):
    url = reverse("supervision:help-resolve", args=[help_item.pk])
    client = client_for(people.leader_main)
    response = client.post(url, {"resolution": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    help_item.refresh_from_db()
    assert help_item.status == HelpRequest.HelpStatus.OPEN
    assert client.post(url, {"resolution": "已协调规自局于本周提供数据"}).status_code == 302
    help_item.refresh_from_db()
    assert help_item.status == HelpRequest.HelpStatus.RESOLVED and help_item.resolved_by == people.leader_main
    again = client.post(url, {"resolution": "再次"}, follow=True)
    assert "already resolved" in again.content.decode()
    help_item.refresh_from_db()
    assert help_item.resolution == "已协调规自局于本周提供数据"
    resolved = client.get(HELP + "?state=resolved").content.decode()
    assert "已协调规自局于本周提供数据" in resolved


@pytest.mark.parametrize("role", ["leader_domain", "unit_staff", "committee"])
def test_others_may_not_resolve(client_for, people, help_item, role):
    response = client_for(getattr(people, role)).post(reverse("supervision:help-resolve", args=[help_item.pk]),
                                                       {"resolution": "x"})
    assert response.status_code == 403
    help_item.refresh_from_db()
    assert help_item.status == HelpRequest.HelpStatus.OPEN


def test_the_help_list_takes_the_same_queries_for_2_and_20_items(client_for, people, reform, add_task,
                                                                  django_assert_num_queries):
    reform.responsible_leader = people.leader_main
    reform.save()
    tasks = [add_task(reform, title=f"任务{i}") for i in range(20)]

    def add(batch):
        for task in batch:
            report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="t", help_needed=f"协调{task.pk}")

    add(tasks[:2])
    for user in (people.office, people.leader_main):
        response = expect_same_queries(client_for(user), HELP, lambda: None, django_assert_num_queries)
    response = expect_same_queries(client_for(people.office), HELP, lambda: add(tasks[2:]), django_assert_num_queries)
    assert response.context["page"].paginator.count == 20


@pytest.mark.parametrize("role, shown", [("office", True), ("leader_main", True), ("unit_staff", False)])
def test_the_help_list_is_in_the_menu_of_who_may_use_it(client_for, people, role, shown):
    html = client_for(getattr(people, role)).get(reverse("reforms:catalogue")).content.decode()
    assert (f'href="{reverse("supervision:help")}"' in html) is shown


def test_paging_one_list_keeps_the_other_lists_page(client_for, people, reform, key_reform, monkeypatch):
    monkeypatch.setattr(views_decisions, "PAGE_SIZE", 1)
    for r in (reform, key_reform):
        decision_services.request_change(user=people.office, reform=r, reason="调整", proposed={"goals": f"新目标{r.pk}"})
    html = client_for(people.office).get(reverse("supervision:decisions"), {"cpage": 1, "rpage": 1}).content.decode()
    assert "cpage=1&amp;rpage=2" in html
