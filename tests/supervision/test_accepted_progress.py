"""Progress is what the office accepted (issue 8 part 3, ADR 0022): a report awaits review and
moves nothing until the office accepts it; the unit and the office see it as "reported N%,
awaiting review", leaders and the public see the accepted figure; the office corrects a figure only
with a reason, shown in the reform's history; completion only through 办结, reopened with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role
from reformledger.reforms.models import Reform, Status
from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.documents.bulletin import summary_text
from reformledger.supervision.models import Level, Task, TaskStatus
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import progress as progress_services
from reformledger.supervision.services import reports as report_services
from tests.factories import MembershipFactory, ReformFactory, UserFactory
from tests.supervision.files import pdf

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def submit(people, task, percent):
    return report_services.submit_report(user=people.unit_staff, task=task, percent=percent, text=f"完成{percent}%")


def accept(people, report):
    return report_services.review_report(user=people.office, report=report, accept=True)


@pytest.fixture
def two_tasks(reform, add_task):
    return add_task(reform, title="建设平台", weight=1), add_task(reform, title="完善制度", weight=1)


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- a report awaits review ---------------------------------------------------------------------------


def test_a_pending_report_moves_nothing_that_leaders_or_the_public_read(client_for, api, people, reform, two_tasks):
    platform, _rules = two_tasks
    accept(people, submit(people, platform, 40))
    assert fresh(reform).progress == 20
    submit(people, platform, 90)
    assert (fresh(platform).progress, platform.reported_percent, fresh(reform).progress) == (40, 90, 20)
    # The public page and the public API show the accepted figure, nothing of the claim.
    public = client_for(None).get(reverse("portal:detail", args=[reform.pk]))
    assert public.context["reform"].progress == 20
    assert "awaiting review" not in public.content.decode()
    assert api.get(f"/reforms/{reform.pk}", None).json()["progress"] == 20
    # The leader sees the accepted figure and that a report awaits review, not its number.
    Reform.objects.filter(pk=reform.pk).update(responsible_leader=people.leader_domain)
    leader_page = client_for(people.leader_domain).get(reverse("supervision:tree", args=[reform.pk])).content.decode()
    assert "reported 90%" not in leader_page, leader_page[leader_page.find("reported 90%") - 300:][:400]
    assert "a report awaits review" in leader_page
    shown = api.get(f"/tasks/{platform.pk}", people.leader_domain).json()
    assert (shown["progress"], shown["reported_percent"], shown["awaiting_review"]) == (40, None, True)


@pytest.mark.parametrize("role", ["unit_staff", "office"])
def test_the_unit_and_the_office_see_the_claim_awaiting_review(client_for, api, people, reform, two_tasks, role):
    platform, _rules = two_tasks
    accept(people, submit(people, platform, 40))
    submit(people, platform, 90)
    client = client_for(getattr(people, role))
    for url in (reverse("supervision:task", args=[platform.pk]), reverse("supervision:tree", args=[reform.pk])):
        assert "reported 90%, awaiting review" in client.get(url).content.decode(), url
    panel = client.get(reverse("reforms:detail", args=[reform.pk])).content.decode()
    # The reform as it would stand if the office accepted: (90 + 0) / 2.
    assert "reported 45%, awaiting review" in panel and "1 task has a report awaiting review" in panel
    if role == "unit_staff":
        assert "reported 90%, awaiting review" in client.get(reverse("supervision:my-tasks") + "?scope=unit").content.decode()
    body = api.get(f"/reforms/{reform.pk}/tasks", getattr(people, role)).json()
    by_id = {item["id"]: item for item in body["items"]}
    assert (by_id[platform.pk]["progress"], by_id[platform.pk]["reported_percent"]) == (40, 90)


def test_accepting_moves_the_reform_and_returning_does_not(people, reform, two_tasks):
    platform, rules = two_tasks
    first = submit(people, platform, 60)
    second = submit(people, rules, 80)
    assert fresh(reform).progress == 0
    accept(people, first)
    assert fresh(reform).progress == 30
    report_services.review_report(user=people.office, report=second, accept=False, comment="缺少证据")
    assert (fresh(reform).progress, fresh(rules).progress, rules.reported_percent) == (30, 0, None)


def test_the_tree_lists_claims_in_a_constant_number_of_queries(client_for, people, reform, add_task,
                                                                django_assert_max_num_queries):
    client = client_for(people.unit_staff)
    url = reverse("supervision:tree", args=[reform.pk])

    def add(n):
        for i in range(n):
            submit(people, add_task(reform, title=f"任务{Task.objects.count()}-{i}"), 30)

    add(2)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- the office corrects, with a reason -----------------------------------------------------------------


def test_a_correction_needs_a_reason_and_shows_in_the_history(client_for, people, reform, two_tasks):
    platform, _rules = two_tasks
    accept(people, submit(people, platform, 60))
    entries = AuditEntry.objects.count()
    for reason in ("", "  "):
        with pytest.raises(ValidationError) as exc:
            progress_services.correct_progress(user=people.office, task=platform, percent=50, reason=reason)
        assert list(exc.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError) as exc:
        progress_services.correct_progress(user=people.office, task=platform, percent=101, reason="核定")
    assert "percent" in exc.value.message_dict
    assert (fresh(platform).progress, AuditEntry.objects.count()) == (60, entries)

    progress_services.correct_progress(user=people.office, task=platform, percent=50, reason="现场核查只完成一半")
    assert (fresh(platform).progress, fresh(reform).progress) == (50, 25)
    history = client_for(people.office).get(reverse("reforms:detail", args=[reform.pk])).context["history"]
    row = history[0]
    assert row["action"] == "corrected the progress (a correction, with its reason)"
    assert row["note"] == "现场核查只完成一半" and row["note_is_reason"]
    assert {"label": "Task corrected", "before": "—", "after": "建设平台"} in row["changes"]
    assert {"label": "Progress", "before": "60", "after": "50"} in row["changes"]


def test_what_cannot_be_corrected(people, reform, add_task):
    parent = add_task(reform, title="父任务")
    child = add_task(reform, parent=parent, title="子任务")
    with pytest.raises(ValidationError) as exc:
        progress_services.correct_progress(user=people.office, task=parent, percent=50, reason="核定")
    assert "task" in exc.value.message_dict  # a parent is its children's roll-up
    with pytest.raises(ValidationError) as exc:
        progress_services.correct_reform_progress(user=people.office, reform=reform, percent=50, reason="核定")
    assert "percent" in exc.value.message_dict  # a reform with tasks is their roll-up
    assert (fresh(child).progress, fresh(reform).progress) == (0, 0)


def test_a_reform_without_tasks_takes_the_office_s_correction(people, reform):
    progress_services.correct_reform_progress(user=people.office, reform=reform, percent=35, reason="按季度台账核定")
    assert fresh(reform).progress == 35
    entry = AuditEntry.objects.filter(action="progress.correct").get()
    assert entry.changes == {"progress": [0, 35], "reason": "按季度台账核定"}


def test_the_office_of_another_district_corrects_nothing(people, reform, add_task, other_district):
    task = add_task(reform)
    stranger = UserFactory(username="ft-office")
    MembershipFactory(user=stranger, unit=other_district.district, role=Role.OFFICE)
    with pytest.raises(PermissionDenied):
        progress_services.correct_progress(user=stranger, task=task, percent=50, reason="核定")
    bare = ReformFactory(lead_unit=people.unit_staff.memberships.get().unit, progress=10)
    with pytest.raises(PermissionDenied):
        progress_services.correct_reform_progress(user=stranger, reform=bare, percent=50, reason="核定")
    assert Reform.objects.get(pk=bare.pk).progress == 10 and fresh(task).progress == 0


# --- pages and API of corrections and reopening ------------------------------------------------------------


def test_the_correction_page_is_the_office_s(client_for, people, reform, two_tasks):
    platform, _rules = two_tasks
    url = reverse("supervision:task-correct-progress", args=[platform.pk])
    for user in (people.unit_staff, people.leader_domain):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"percent": "70", "reason": "改"}).status_code == 403
    office = client_for(people.office)
    assert 'href="' + url + '"' in office.get(reverse("supervision:task", args=[platform.pk])).content.decode()
    response = office.post(url, {"percent": "70", "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert fresh(platform).progress == 0
    assert office.post(url, {"percent": "70", "reason": "核查属实"}).status_code == 302
    assert fresh(platform).progress == 70


def test_the_api_corrects_with_a_reason_and_refuses_others(api, people, reform, two_tasks):
    platform, _rules = two_tasks
    path = f"/tasks/{platform.pk}/progress-correction"
    for role in ("unit_staff", "leader_main", "committee", "other_staff"):
        assert api.post(path, getattr(people, role), {"percent": 70, "reason": "改"}).status_code == 403, role
    assert api.post(path, None, {"percent": 70, "reason": "改"}).status_code == 401
    missing = api.post(path, people.office, {"percent": 70, "reason": " "})
    assert missing.status_code == 422 and [e["field"] for e in missing.json()["errors"]] == ["reason"]
    done = api.post(path, people.office, {"percent": 70, "reason": "核查属实"})
    assert done.status_code == 200 and done.json()["progress"] == 70
    bare = api.post(f"/reforms/{reform.pk}/progress-correction", people.office, {"percent": 70, "reason": "核定"})
    assert bare.status_code == 422  # a reform with tasks: correct a task


def complete(people, reform):
    completion = decision_services.apply_completion(user=people.unit_staff, reform=reform, summary="已完成", evidence=[pdf()])
    return decision_services.decide_completion(user=people.office, completion=completion, accept=True)


def test_the_reopen_page_asks_a_reason_and_a_confirmation(client_for, people, reform, two_tasks):
    platform, _rules = two_tasks
    accept(people, submit(people, platform, 40))
    complete(people, reform)
    assert fresh(platform).status == TaskStatus.CLOSED
    url = reverse("supervision:completion-reopen", args=[reform.pk])
    assert client_for(people.unit_staff).get(url).status_code == 403
    office = client_for(people.office)
    detail = office.get(reverse("reforms:detail", args=[reform.pk])).content.decode()
    assert url in detail and "Closed at completion" not in detail
    assert "Closed at completion" in office.get(reverse("supervision:task", args=[platform.pk])).content.decode()
    for data in ({"reason": "", "confirm": "on"}, {"reason": "成效未达标"}):
        assert office.post(url, data).status_code == 400
        assert fresh(reform).status == Status.COMPLETED
    assert office.post(url, {"reason": "成效未达标", "confirm": "on"}).status_code == 302
    assert (fresh(reform).status, fresh(reform).progress, fresh(platform).status) == (Status.IN_PROGRESS, 20, TaskStatus.IN_PROGRESS)


def test_the_api_reopens(api, people, reform, two_tasks):
    complete(people, reform)
    path = f"/reforms/{reform.pk}/completion/reopen"
    assert api.post(path, people.unit_staff, {"reason": "再开"}).status_code == 403
    assert api.post(path, people.office, {}).status_code == 422
    response = api.post(path, people.office, {"reason": "成效未达标"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["reopen_reason"]) == ("reopened", "成效未达标")
    assert fresh(reform).status == Status.IN_PROGRESS


def test_the_bulletin_does_not_count_work_closed_at_completion_as_done(people, reform, two_tasks):
    platform, _rules = two_tasks
    accept(people, submit(people, platform, 100))
    complete(people, reform)
    bulletin = make_bulletin(period=Period(TODAY.year, TODAY.month), district=reform.district)
    assert (bulletin.levels[Level.DONE], bulletin.closed_at_completion, bulletin.open_tasks) == (2, 1, 0)
    # The table of tasks by level shows them on a row of their own, not among the done.
    shares = {level: n for level, n, _share in bulletin.level_shares()}
    assert (shares[Level.DONE], shares[TaskStatus.CLOSED]) == (1, 1)
    assert (bulletin.red_total, bulletin.amber_total) == (0, 0)
    text = summary_text(bulletin)
    assert "已完成1个、改革事项办结时关闭1个" in text


def test_once_work_is_accepted_only_the_office_reweights_or_removes_tasks(people, reform, add_task):
    """A unit cannot raise its reform's progress by weighting up what is done, or by removing what
    is not, once the office has accepted work: the roll-up is the office's figure."""
    from reformledger.supervision.services import tasks as task_services

    done = add_task(reform, title="已完成", weight=1, user=people.unit_staff)
    open_task = add_task(reform, title="未开始", weight=1, user=people.unit_staff)
    # Before any accepted work the unit plans freely.
    task_services.update_task(user=people.unit_staff, task=done, changes={"weight": 2})
    accept(people, submit(people, done, 100))
    before = fresh(reform).progress
    with pytest.raises(ValidationError) as refused:
        task_services.update_task(user=people.unit_staff, task=fresh(done), changes={"weight": 50})
    assert "weight" in refused.value.message_dict
    with pytest.raises(ValidationError):
        task_services.delete_task(user=people.unit_staff, task=fresh(open_task))
    assert fresh(reform).progress == before and fresh(done).weight == 2
    assert Task.objects.filter(pk=open_task.pk).exists()
    # The office may, and it is recorded.
    task_services.update_task(user=people.office, task=fresh(done), changes={"weight": 3})
    assert fresh(done).weight == 3
    assert AuditEntry.objects.filter(action="task.update", actor=people.office).exists()
