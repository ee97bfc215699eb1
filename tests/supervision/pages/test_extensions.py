"""Issue 8 part 1 in the pages: the unit's "ask for more time" from a task's page, the office's
queue beside the other decisions and its decision page, a task's deadline record, and a unit's
date change refused in the edit form with nothing written."""

import pytest
from django.urls import reverse

from reformledger.supervision.models import DeadlineChange, ExtensionRequest, OverdueSpell, Task
from reformledger.supervision.services import extensions as extension_services
from tests.cockpit.test_workbench import figures
from tests.supervision.conftest import days
from tests.supervision.files import pdf
from tests.supervision.pages.test_decisions import expect_same_queries

pytestmark = pytest.mark.django_db


def test_a_unit_asks_for_more_time_from_the_task_page(client_for, people, task, media):
    client = client_for(people.unit_staff)
    page = client.get(reverse("supervision:task", args=[task.pk]))
    ask = reverse("supervision:extension-new", args=[task.pk])
    assert ask in page.content.decode()
    assert client.get(ask).status_code == 200
    for data, field in (({"new_due_date": days(90).isoformat(), "reason": ""}, "reason"),
                        ({"new_due_date": days(30).isoformat(), "reason": "征地协调"}, "new_due_date")):
        bad = client.post(ask, data)
        assert bad.status_code == 400 and not ExtensionRequest.objects.exists()
        assert set(bad.context["form"].errors) == {field}
    done = client.post(ask, {"new_due_date": days(90).isoformat(), "reason": "征地协调", "evidence": [pdf()]})
    assert done.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.requested_date == days(90) and request.evidence.count() == 1
    again = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert ask not in again, "one request at a time"


def test_who_is_offered_the_request(client_for, people, task):
    ask = reverse("supervision:extension-new", args=[task.pk])
    assert ask not in client_for(people.office).get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert client_for(people.office).get(ask).status_code == 403
    assert client_for(people.committee).get(ask).status_code in (403, 404)


def test_the_office_decides_from_its_queue_with_a_confirmation_page(client_for, people, task):
    request = extension_services.request_extension(user=people.unit_staff, task=task, new_due_date=days(90), reason="征地协调")
    office = client_for(people.office)
    queue = office.get(reverse("supervision:decisions")).content.decode()
    page = reverse("supervision:extension", args=[request.pk])
    assert page in queue and "征地协调" not in queue
    workbench = figures(office.get(reverse("cockpit:workbench")))
    assert workbench["extensions"].count == 1 and workbench["extensions"].url.endswith("#extensions")
    assert office.get(page).status_code == 200
    refused = office.post(page, {"decision": "refuse", "comment": ""})
    assert refused.status_code == 400 and "comment" in refused.context["form"].errors
    too_late = office.post(page, {"decision": "approve", "granted_due_date": days(300).isoformat()})
    assert too_late.status_code == 400 and "granted_due_date" in too_late.context["form"].errors
    assert not DeadlineChange.objects.exists()
    approved = office.post(page, {"decision": "approve", "granted_due_date": days(80).isoformat()})
    assert approved.status_code == 302
    task.refresh_from_db()
    assert task.due_date == days(80)
    # Deciding again: sent back to the request's page, which shows the decision.
    again = office.post(page, {"decision": "refuse", "comment": "再议"})
    assert again.status_code == 302 and again.url == page
    assert client_for(people.unit_staff).post(page, {"decision": "approve"}).status_code == 403


def test_the_task_page_shows_the_deadline_record(client_for, people, reform, add_red):
    late = add_red(reform, late=3)
    request = extension_services.request_extension(user=people.unit_staff, task=late, new_due_date=days(20), reason="征地协调")
    extension_services.decide_extension(user=people.office, request=request, approve=True)
    assert OverdueSpell.objects.filter(task=late).exists()
    page = client_for(people.unit_staff).get(reverse("supervision:task", args=[late.pk])).content.decode()
    assert 'id="deadlines"' in page and "征地协调" in page
    assert reverse("supervision:extension", args=[request.pk]) in page


def test_a_units_date_change_in_the_form_is_refused(client_for, people, task, district):
    Task.objects.filter(pk=task.pk).update(set_by_office=False)  # the unit's own task: it may edit it, not its dates
    url = reverse("supervision:task-edit", args=[task.pk])
    client = client_for(people.unit_staff)
    form = client.get(url).context["form"]
    assert form.fields["due_date"].widget.attrs.get("readonly") and "reason" not in form.fields
    data = {
        "title": "新标题", "unit": district.sub_a.pk, "assignee": "", "start_date": task.start_date.isoformat(),
        "due_date": days(90).isoformat(), "weight": "1", "deliverable": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "due_date" in response.context["form"].errors
    task.refresh_from_db()
    assert task.title != "新标题" and task.due_date == days(60)
    office = client_for(people.office)
    assert "reason" in office.get(url).context["form"].fields
    moved = office.post(url, {**data, "reason": "区委决定"})
    assert moved.status_code == 302
    assert DeadlineChange.objects.get(task=task).reason == "区委决定"


def test_the_queue_takes_the_same_queries_for_2_and_12_requests(client_for, people, reform, add_task, django_assert_num_queries):
    def ask(n):
        for i in range(n):
            t = add_task(reform, title=f"任务{ExtensionRequest.objects.count()}-{i}")
            extension_services.request_extension(user=people.unit_staff, task=t, new_due_date=days(90), reason="协调")

    ask(2)
    response = expect_same_queries(client_for(people.office), reverse("supervision:decisions"), lambda: ask(10), django_assert_num_queries)
    assert response.context["extensions"].paginator.count == 12
