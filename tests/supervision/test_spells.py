"""Lateness is history (issue 8 part 1): overdue spells, kept by ``rollup.store`` for the writes and
the daily scan alike, open when a leaf task is overdue and close, on record for good, when it is
done, extended, closed with its reform or its reform stops.

Days overdue count both ends: ``(ended_on or today) - started_on + 1`` (``models.spell_days``).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status
from reformledger.supervision.models import OverdueSpell, Task, spell_days
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.supervision.files import pdf

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


def spells(task) -> list[tuple]:
    return list(OverdueSpell.objects.filter(task=task).order_by("started_on").values_list("started_on", "ended_on", "ended_by"))


def finish(people, task):
    report = report_services.submit_report(user=people.unit_staff, task=task, percent=100, text="完成")
    report_services.review_report(user=people.office, report=report, accept=True)


def test_days_count_both_ends():
    start = dt.date(2026, 1, 11)  # due on the 10th
    assert spell_days(start, dt.date(2026, 1, 11), TODAY) == 1  # done on the 11th: one day late
    assert spell_days(start, None, dt.date(2026, 1, 15)) == 5  # still open on the 15th
    assert spell_days(start, None, dt.date(2026, 1, 10)) == 0


def test_the_daily_scan_opens_a_spell_when_the_calendar_moves(people, reform, add_task):
    task = add_task(reform, title="窗口改造", due_date=days(5))
    assert spells(task) == []
    scan_deadlines(on=TODAY + dt.timedelta(days=5))
    assert spells(task) == [], "due today is not overdue"
    # A scan that did not run for days still starts the spell on the day after the due date.
    scan_deadlines(on=TODAY + dt.timedelta(days=9))
    scan_deadlines(on=TODAY + dt.timedelta(days=9))
    scan_deadlines(on=TODAY + dt.timedelta(days=10))
    assert spells(task) == [(days(6), None, "")]
    spell = OverdueSpell.objects.get(task=task)
    assert (spell.unit_id, spell.district_id, spell.reform_id, spell.due_date) == (task.unit_id, task.district_id, reform.pk, days(5))
    assert spell.days(TODAY + dt.timedelta(days=10)) == 5


def test_a_task_added_overdue_opens_its_spell_at_once(reform, add_red):
    late = add_red(reform, late=3)
    assert spells(late) == [(days(-2), None, "")]
    assert OverdueSpell.objects.get(task=late).days(TODAY) == 3


def test_the_spell_survives_an_extension(people, reform, add_red):
    late = add_red(reform, late=4)
    request = extension_services.request_extension(user=people.unit_staff, task=late, new_due_date=days(30), reason="需要协调")
    extension_services.decide_extension(user=people.office, request=request, approve=True)
    late.refresh_from_db()
    assert late.level == "green" or late.level_reason != "overdue"
    assert spells(late) == [(days(-3), TODAY, "extended")]
    assert OverdueSpell.objects.get(task=late).days(TODAY + dt.timedelta(days=100)) == 4
    # Late again after the new date: a second spell, the first still on record.
    scan_deadlines(on=days(33))
    assert spells(late) == [(days(-3), TODAY, "extended"), (days(31), None, "")]


def test_an_office_move_closes_the_spell_too(people, reform, add_red):
    late = add_red(reform, late=2)
    task_services.update_task(user=people.office, task=late, changes={"due_date": days(10)}, reason="区委决定")
    assert spells(late) == [(days(-1), TODAY, "extended")]


def test_the_spell_survives_completion(people, reform, add_red):
    late = add_red(reform, late=6)
    finish(people, late)
    assert spells(late) == [(days(-5), TODAY, "completed")]
    scan_deadlines(on=days(3))
    assert spells(late) == [(days(-5), TODAY, "completed")]


def test_tasks_closed_with_the_reform(people, reform, add_red):
    late = add_red(reform, late=2)
    completion = decision_services.apply_completion(user=people.unit_staff, reform=reform, summary="已完成", evidence=[pdf()])
    decision_services.decide_completion(user=people.office, completion=completion, accept=True)
    assert spells(late) == [(days(-1), TODAY, "closed")]


def test_a_stopped_reform_stops_the_spell_and_a_resumed_one_starts_another(people, reform, add_red):
    late = add_red(reform, late=2)
    reform_services.transition_reform(user=people.office, reform=reform, to_status=Status.SUSPENDED, note="暂停")
    assert spells(late) == [(days(-1), TODAY, "stopped")]
    reform_services.transition_reform(user=people.office, reform=reform, to_status=Status.IN_PROGRESS, note="恢复")
    assert spells(late) == [(days(-1), TODAY, "stopped")], "the same day is on record already"
    scan_deadlines(on=days(1))
    assert spells(late) == [(days(-1), TODAY, "stopped"), (days(1), None, "")]


def test_a_task_done_late_that_no_scan_saw_gets_its_spell(people, reform, add_red):
    late = add_red(reform, late=3)
    OverdueSpell.objects.all().delete()  # as if no scan had run since it became overdue
    finish(people, late)
    assert spells(late) == [(days(-2), TODAY, "completed")]


def test_a_parent_is_not_counted_only_its_leaves(reform, add_task):
    parent = add_task(reform, title="P", start_date=days(-30), due_date=days(-2))
    child = add_task(reform, parent=parent, title="C", start_date=days(-30), due_date=days(-3))
    # The parent was an overdue leaf until it was split: that stays on record, closed as split.
    assert spells(parent) == [(days(-1), TODAY, "split")]
    assert spells(child) == [(days(-2), None, "")]


def test_a_task_that_was_overdue_cannot_be_removed(people, reform, add_red):
    late = add_red(reform, late=2)
    with pytest.raises(ValidationError) as exc:
        task_services.delete_task(user=people.office, task=late)
    assert "task" in exc.value.message_dict
    assert Task.objects.filter(pk=late.pk).exists() and spells(late)
