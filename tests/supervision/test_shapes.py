"""Shapes that hold (issue 8, part 8): a unit splits its task among its own people and the units
under it, never hands it to a peer; a reform's dates cannot shrink below its tasks'."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.reforms.models import Reform
from reformledger.reforms.services import update_reform
from reformledger.supervision.models import Task
from reformledger.supervision.services.tasks import update_task
from tests.supervision.conftest import days


def test_a_unit_splits_its_task_to_a_community_under_it(reform, task, add_task, people, district):
    sub = add_task(reform, parent=task, user=people.unit_staff, title="社区走访", unit=district.community_a,
                   start_date=task.start_date, due_date=task.due_date)
    assert sub.unit == district.community_a and sub.parent == task


def test_a_unit_splits_its_task_among_its_own_people(reform, task, add_task, people, district):
    sub = add_task(reform, parent=task, user=people.unit_staff, title="自办", unit=district.sub_a,
                   assignee=people.unit_staff, start_date=task.start_date, due_date=task.due_date)
    assert sub.assignee == people.unit_staff


def test_a_unit_cannot_hand_a_sub_task_to_a_peer_unit(reform, task, add_task, people, district):
    before = Task.objects.count()
    with pytest.raises(ValidationError) as refused:
        add_task(reform, parent=task, user=people.unit_staff, title="转给黄贝", unit=district.sub_b,
                 start_date=task.start_date, due_date=task.due_date)
    message = refused.value.message_dict["unit"][0]
    assert task.title in message and district.sub_b.name in message
    assert Task.objects.count() == before


def test_the_office_may_give_a_sub_task_to_any_unit_of_the_district(reform, task, add_task, people, district):
    sub = add_task(reform, parent=task, user=people.office, title="协同", unit=district.sub_b,
                   start_date=task.start_date, due_date=task.due_date)
    assert sub.unit == district.sub_b


def test_a_reform_s_dates_cannot_shrink_below_its_tasks(reform, add_task, people):
    add_task(reform, title="年底验收", start_date=days(-10), due_date=days(150))
    with pytest.raises(ValidationError) as refused:
        update_reform(user=people.office, reform=reform, data={"due_date": days(100)}, reason="调整")
    assert "年底验收" in refused.value.message_dict["due_date"][0]
    assert Reform.objects.get(pk=reform.pk).due_date == reform.due_date


def test_a_reform_s_dates_may_shrink_down_to_its_tasks(reform, add_task, people):
    add_task(reform, title="年底验收", start_date=days(-10), due_date=days(150))
    update_reform(user=people.office, reform=reform, data={"due_date": days(150)}, reason="调整")
    assert Reform.objects.get(pk=reform.pk).due_date == days(150)


def test_the_api_names_the_task_when_a_reform_s_dates_would_shrink_below_it(api, reform, add_task, people):
    add_task(reform, title="年底验收", start_date=days(-10), due_date=days(150))
    response = api.patch(f"/reforms/{reform.pk}", people.office, {"due_date": days(100).isoformat(), "reason": "调整"})
    assert response.status_code == 422, response.content
    assert "年底验收" in response.content.decode()


def test_editing_a_sub_task_the_office_gave_to_a_peer_does_not_trip_the_rule(reform, task, add_task, people, district):
    """The rule is about handing work on: a change that keeps the unit is not refused for it. The
    sub-task is the office's work, so the office edits it; the lead unit may not (issue 8, part 9)."""
    sub = add_task(reform, parent=task, user=people.office, title="协同", unit=district.sub_b,
                   start_date=task.start_date, due_date=task.due_date)
    with pytest.raises(PermissionDenied):
        update_task(user=people.unit_staff, task=sub, changes={"title": "协同（黄贝）"})
    update_task(user=people.office, task=sub, changes={"title": "协同（黄贝）"})
    assert Task.objects.get(pk=sub.pk).title == "协同（黄贝）"
