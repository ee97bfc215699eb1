"""Issue 8, part 9 (pages): bulk review and urging, the board as Excel, the report queue's filters,
the office told in its inbox, forms sent once, dates in the reader's format, work the office set."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role
from reformledger.reforms.history import reader_date
from reformledger.reforms.services import update_reform
from reformledger.supervision.models import (
    Channel,
    Decision,
    Delivery,
    ProgressReport,
    Reminder,
    ReminderKind,
)
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from tests.conftest import _person
from tests.supervision.files import pdf

from .conftest import days

pytestmark = pytest.mark.django_db


def report(task, user, percent=40, text="完成摸底"):
    return report_services.submit_report(user=user, task=task, percent=percent, text=text)


def office_inbox(user):
    return list(Delivery.objects.filter(user=user, channel=Channel.INBOX, reminder__kind=ReminderKind.FOR_OFFICE)
                .values_list("reminder__key", flat=True))


# --- accept several reports at once -------------------------------------------------------------


def test_office_accepts_several_reports_at_once_each_audited(people, reform, add_task):
    one, two = add_task(reform, title="一"), add_task(reform, title="二")
    first, second = report(one, people.unit_staff), report(two, people.unit_staff)
    done = report_services.review_reports(user=people.office, reports=[first, second], accept=True)
    assert [r.status for r in done] == [Decision.ACCEPTED, Decision.ACCEPTED]
    assert AuditEntry.objects.filter(action="task.review").count() == 2


def test_bulk_accept_is_all_or_nothing_and_names_the_reviewed_report(people, reform, add_task):
    one, two = add_task(reform, title="已审任务"), add_task(reform, title="二")
    first, second = report(one, people.unit_staff), report(two, people.unit_staff)
    report_services.review_report(user=people.office, report=first, accept=True)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        report_services.review_reports(user=people.office, reports=[first, second], accept=True)
    assert "已审任务" in str(exc.value.message_dict["reports"]) and "already reviewed" in str(exc.value.message_dict["reports"])
    assert ProgressReport.objects.get(pk=second.pk).status == Decision.PENDING


@pytest.mark.parametrize("role", ["unit_staff", "leader_main", "committee"])
def test_only_the_office_accepts_reports_in_bulk(people, reform, task, role):
    first = report(task, people.unit_staff)
    with pytest.raises(PermissionDenied):
        report_services.review_reports(user=getattr(people, role), reports=[first], accept=True)
    assert ProgressReport.objects.get(pk=first.pk).status == Decision.PENDING


def test_bulk_accept_page_and_api(client_for, api, people, reform, add_task):
    one, two, three = (add_task(reform, title=t) for t in ("一", "二", "三"))
    a, b, c = report(one, people.unit_staff), report(two, people.unit_staff), report(three, people.unit_staff)
    response = client_for(people.office).post("/office/supervision/reports/accept/", {"report": [a.pk, b.pk]})
    assert response.status_code == 302
    assert set(ProgressReport.objects.filter(status=Decision.ACCEPTED).values_list("pk", flat=True)) == {a.pk, b.pk}
    answer = api.post("/reports/review", people.office, {"ids": [a.pk, c.pk], "accept": True})
    assert answer.status_code == 422 and "reports" in answer.content.decode()
    assert ProgressReport.objects.get(pk=c.pk).status == Decision.PENDING
    assert api.post("/reports/review", people.unit_staff, {"ids": [c.pk], "accept": True}).status_code == 403
    answer = api.post("/reports/review", people.office, {"ids": [c.pk], "accept": True})
    assert answer.status_code == 200 and answer.json()[0]["status"] == "accepted"


# --- urge several units, export the board ------------------------------------------------------------


def test_urging_several_tasks_sends_one_message_per_unit(people, district, reform, add_red):
    a1, a2 = add_red(reform, title="甲一"), add_red(reform, title="甲二")
    b1 = add_red(reform, title="乙一", unit=district.sub_b)
    reminders = report_services.urge_tasks(user=people.office, tasks=[a1, a2, b1], message="请加快进度")
    assert sorted(r.unit_id for r in reminders) == sorted([district.sub_a.pk, district.sub_b.pk])
    together = next(r for r in reminders if r.unit_id == district.sub_a.pk)
    assert "甲一" in together.text and "甲二" in together.text and "请加快进度" in together.text
    assert AuditEntry.objects.filter(action="supervision.urge").count() == 3
    with pytest.raises(PermissionDenied):
        report_services.urge_tasks(user=people.unit_staff, tasks=[a1], message="x")
    with pytest.raises(ValidationError) as exc:
        report_services.urge_tasks(user=people.office, tasks=[a1], message=" ")
    assert "message" in exc.value.message_dict


def test_board_urge_page(client_for, people, reform, add_red):
    task = add_red(reform, title="甲")
    response = client_for(people.office).post("/office/supervision/board/urge/", {"task": [task.pk], "message": "请报送"})
    assert response.status_code == 302
    assert Reminder.objects.filter(kind=ReminderKind.URGE, task=task).count() == 1
    page = client_for(people.office).get("/office/supervision/board/").content.decode()
    assert 'form="board-urge"' in page and "/office/supervision/board/export/" in page
    assert 'form="board-urge"' not in client_for(people.leader_main).get("/office/supervision/board/").content.decode()


def test_board_export_keeps_the_filters_in_chinese(client_for, people, district, reform, add_red, add_amber):
    add_red(reform, title="红色任务")
    add_amber(reform, title="黄色任务", unit=district.sub_b)
    response = client_for(people.office).get("/office/supervision/board/export/?level=red")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][:4] == ("序号", "预警等级", "预警说明", "任务")
    body = [r for r in rows[3:] if r[0]]
    assert [(r[1], r[3]) for r in body] == [("红色预警", "红色任务")]
    assert client_for(people.resident).get("/office/supervision/board/export/").status_code in (302, 403)


# --- the report queue --------------------------------------------------------------------------------


def test_queue_filters_and_shows_accepted_and_reported_percent(client_for, people, district, reform, add_task, add_red, media):
    plain = add_task(reform, title="无材料任务")
    late = add_red(reform, title="红色有材料", unit=district.sub_b)
    first = report(plain, people.unit_staff, percent=30, text="第一次")
    report_services.review_report(user=people.office, report=first, accept=True)
    report(plain, people.unit_staff, percent=55, text="第二次")
    report_services.submit_report(user=people.other_staff, task=late, percent=10, text="有材料", evidence=[pdf()])
    client = client_for(people.office)
    page = client.get("/office/supervision/reports/").content.decode()
    assert "Accepted so far" in page and "30%" in page and "55%" in page
    assert "红色有材料" not in client.get("/office/supervision/reports/?evidence=without").content.decode()
    assert "无材料任务" not in client.get("/office/supervision/reports/?evidence=with").content.decode()
    assert "无材料任务" not in client.get("/office/supervision/reports/?level=red").content.decode()
    assert "红色有材料" not in client.get(f"/office/supervision/reports/?unit={district.sub_a.code}").content.decode()


def test_queue_query_count_does_not_grow_with_rows(client_for, people, reform, add_task):
    client = client_for(people.office)
    report(add_task(reform, title="一"), people.unit_staff)
    client.get("/office/supervision/reports/")
    with CaptureQueriesContext(connection) as few:
        client.get("/office/supervision/reports/")
    for n in range(6):
        report(add_task(reform, title=f"任务{n}"), people.unit_staff, text=f"第{n}次")
    client.get("/office/supervision/reports/")
    with CaptureQueriesContext(connection) as many:
        client.get("/office/supervision/reports/")
    assert len(many) <= len(few) + 1  # the same queries whatever the page holds (a count may be cached or not)


# --- the office told in its inbox -------------------------------------------------------------------


@pytest.fixture
def far_office(other_district):
    return _person("far_office", Role.OFFICE, other_district.district)


def test_a_report_tells_the_districts_office_once(people, reform, task, far_office):
    first = report(task, people.unit_staff)
    assert office_inbox(people.office) == [f"office:report:{first.pk}"]
    assert office_inbox(far_office) == []


def test_help_needed_tells_the_office(people, reform, task, far_office):
    report_services.submit_report(user=people.unit_staff, task=task, percent=20, text="推进中", help_needed="需协调用地")
    assert [k for k in office_inbox(people.office) if k.startswith("office:help:")]
    assert office_inbox(far_office) == []


def test_completion_and_change_requests_tell_the_office(people, reform, far_office, media):
    reform.status = "in_progress"
    reform.save(update_fields=["status"])
    completion = decision_services.apply_completion(user=people.unit_staff, reform=reform, summary="已完成", evidence=[pdf()])
    change = decision_services.request_change(user=people.unit_staff, reform=reform, proposed={"goals": "新目标"}, reason="情况变化")
    assert set(office_inbox(people.office)) == {f"office:completion:{completion.pk}", f"office:change:{change.pk}"}
    assert office_inbox(far_office) == []


# --- sent once ------------------------------------------------------------------------------------------


def test_an_identical_report_sent_twice_is_refused(people, task):
    report(task, people.unit_staff, percent=40, text="同一份")
    with pytest.raises(ValidationError) as exc:
        report(task, people.unit_staff, percent=40, text="同一份")
    assert "text" in exc.value.message_dict
    assert ProgressReport.objects.filter(task=task).count() == 1
    report(task, people.unit_staff, percent=45, text="另一份")  # a different report goes through


def test_forms_disable_their_buttons_once_sent(client_for, people):
    assert "js/forms.js" in client_for(people.office).get("/office/supervision/board/").content.decode()


# --- dates in the reader's format ---------------------------------------------------------------------


def test_history_dates_in_the_readers_format():
    with translation.override("zh-hans"):
        assert reader_date("2026-12-01") == "2026年12月1日"
    with translation.override("en"):
        assert reader_date("2026-12-01") in ("Dec. 1, 2026", "December 1, 2026")
    assert reader_date("not a date") == "not a date"


def test_reform_history_page_shows_localized_dates(client_for, people, reform):
    new_due = days(250)
    update_reform(user=people.office, reform=reform, data={"due_date": new_due}, reason="区委改革办调整完成时限")
    page = client_for(people.office).get(reverse("reforms:detail", args=[reform.pk]))
    changes = {c["label"]: c for c in page.context["history"][0]["changes"]}
    with translation.override("en"):
        assert changes["Due date"]["after"] == formats.date_format(new_due, "DATE_FORMAT")
    assert new_due.isoformat() not in page.content.decode()


# --- work the office set ---------------------------------------------------------------------------------


def test_units_do_not_edit_or_remove_tasks_the_office_set(people, reform, task):
    assert task.set_by_office
    with pytest.raises(PermissionDenied):
        task_services.update_task(user=people.unit_staff, task=task, changes={"title": "改名"})
    with pytest.raises(PermissionDenied):
        task_services.delete_task(user=people.unit_staff, task=task)
    task_services.update_task(user=people.office, task=task, changes={"title": "改名"})


def test_units_keep_editing_their_own_sub_tasks(people, district, reform, task, add_task):
    own = add_task(reform, parent=task, user=people.unit_staff, title="自拆任务", unit=district.sub_a)
    assert not own.set_by_office
    task_services.update_task(user=people.unit_staff, task=own, changes={"title": "自拆任务（改）"})
    task_services.delete_task(user=people.unit_staff, task=own)


def test_task_page_hides_edit_for_units_on_office_work(client_for, people, task):
    edit = f"/office/supervision/tasks/{task.pk}/edit/"
    assert edit in client_for(people.office).get(f"/office/supervision/tasks/{task.pk}/").content.decode()
    assert edit not in client_for(people.unit_staff).get(f"/office/supervision/tasks/{task.pk}/").content.decode()
    assert client_for(people.unit_staff).get(edit).status_code == 403


# --- the warning column of the catalogue -------------------------------------------------------------


def test_catalogue_shows_each_reforms_warning_to_who_sees_warnings(client_for, people, reform, add_task, add_red):
    add_task(reform, title="正常")
    page = client_for(people.office).get("/office/reforms/").content.decode()
    assert "rl-level-green" in page
    add_red(reform, title="逾期")  # the level changes: the cached row is rendered again
    page = client_for(people.office).get("/office/reforms/").content.decode()
    assert "rl-level-red" in page and "rl-level-green" not in page
    assert "rl-level-" not in client_for(None).get("/reforms/").content.decode()  # not on the public pages


def test_catalogue_warning_column_takes_no_query_per_row(client_for, people, reform_factory, add_red):

    client = client_for(people.office)

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/office/reforms/").status_code == 200
        return len(captured)

    add_red(reform_factory(code="W-0", title="一", start_date=days(-200), due_date=days(200)), title="逾期")
    few = queries()
    for n in range(1, 8):
        add_red(reform_factory(code=f"W-{n}", title=f"改革{n}", start_date=days(-200), due_date=days(200)), title="逾期")
    assert queries() == few
