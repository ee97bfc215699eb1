"""Lateness is history on the board, in the API and in the bulletin (issue 8 part 1): a task
overdue at some time in a month is listed and counted for that month, even if it was done or its
due date was moved since; overdue days count the days of the month, both ends included."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.lateness import days_within, month_bounds
from reformledger.supervision.models import OverdueSpell
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import reports as report_services
from tests.supervision.conftest import TODAY, days

pytestmark = pytest.mark.django_db

MONTH = Period.of(TODAY)


def test_days_within_a_month():
    first, last = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    made = dt.date(2026, 12, 3)
    assert days_within(dt.date(2026, 10, 20), dt.date(2026, 11, 5), first=first, last=last, made_on=made) == 5
    assert days_within(dt.date(2026, 11, 10), None, first=first, last=last, made_on=made) == 21
    assert days_within(dt.date(2026, 11, 10), None, first=first, last=last, made_on=dt.date(2026, 11, 12)) == 3
    assert days_within(dt.date(2026, 12, 2), None, first=first, last=last, made_on=made) == 0
    assert month_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert month_bounds("2026-13") is None and month_bounds("") is None and month_bounds(None) is None


@pytest.fixture
def history(people, district, reform, add_task):
    """Three tasks of sub-district A: one overdue since the 1st of this month (or before), done
    today; one overdue, extended today; one on time. Made through the daily scan, as in life."""
    start = MONTH.first - dt.timedelta(days=30)
    done = add_task(reform, title="曾逾期已完成", start_date=start, due_date=MONTH.first - dt.timedelta(days=1))
    extended = add_task(reform, title="曾逾期已延期", start_date=start, due_date=MONTH.first - dt.timedelta(days=1))
    on_time = add_task(reform, title="按时", due_date=days(30))
    scan_deadlines(on=TODAY)
    progress = report_services.submit_report(user=people.unit_staff, task=extended, percent=40, text="推进中")
    report_services.review_report(user=people.office, report=progress, accept=True)
    report = report_services.submit_report(user=people.unit_staff, task=done, percent=100, text="完成")
    report_services.review_report(user=people.office, report=report, accept=True)
    request = extension_services.request_extension(user=people.unit_staff, task=extended, new_due_date=days(30), reason="协调")
    extension_services.decide_extension(user=people.office, request=request, approve=True)
    return done, extended, on_time


def test_the_spells_are_closed_but_on_record(history):
    done, extended, on_time = history
    assert OverdueSpell.objects.filter(ended_on__isnull=True).count() == 0
    assert set(OverdueSpell.objects.values_list("task_id", "ended_by")) == {(done.pk, "completed"), (extended.pk, "extended")}
    assert not OverdueSpell.objects.filter(task=on_time).exists()


def test_the_board_lists_tasks_overdue_in_the_month_even_now_green_or_done(client_for, people, history):
    done, extended, on_time = history
    client = client_for(people.office)
    page = client.get(reverse("supervision:board"), {"period": MONTH.code})
    html = page.content.decode()
    assert done.title in html and extended.title in html and on_time.title not in html
    days_so_far = (TODAY - MONTH.first).days + 1
    assert f"({days_so_far})" in html
    earlier = client.get(reverse("supervision:board"), {"period": MONTH.previous().previous().code}).content.decode()
    assert done.title not in earlier
    # A bad month is ignored: today's warnings.
    assert client.get(reverse("supervision:board"), {"period": "2026-13"}).status_code == 200


def test_the_api_lists_them_with_since_when_and_days(api, people, history):
    done, extended, _on_time = history
    body = api.get(f"/warnings?period={MONTH.code}", people.office).json()
    assert body["count"] == 2
    by_task = {item["id"]: item["overdue"] for item in body["items"]}
    assert by_task[done.pk]["started_on"] == MONTH.first.isoformat() and by_task[done.pk]["ended_by"] == "completed"
    assert by_task[extended.pk]["days_in_period"] == (TODAY - MONTH.first).days + 1
    assert api.get("/warnings", people.office).json()["count"] == 0
    assert api.get("/warnings?period=2026-1", people.office).status_code == 422
    assert api.get(f"/warnings?period={MONTH.code}", people.other_staff).json()["count"] == 0


def test_the_bulletin_counts_them_per_unit(district, history):
    b = make_bulletin(period=MONTH, district=district.district)
    days_so_far = (TODAY - MONTH.first).days + 1
    assert (b.lateness.tasks, b.lateness.days, b.lateness.still_overdue) == (2, 2 * days_so_far, 0)
    [unit] = b.lateness.units
    assert (unit.name, unit.tasks, unit.days) == (district.sub_a.name, 2, 2 * days_so_far)
    later = make_bulletin(period=Period.of(TODAY + dt.timedelta(days=40)), district=district.district, on=TODAY + dt.timedelta(days=40))
    assert later.lateness.tasks == 0


def test_the_bulletin_page_and_files_show_the_figure(client_for, people, district, history):
    page = client_for(people.office).get(reverse("supervision:bulletin"), {"period": MONTH.code}).content.decode()
    assert 'id="h-lateness"' in page and district.sub_a.name in page


def test_the_period_list_takes_the_same_queries_for_few_and_many(client_for, people, reform, add_task, django_assert_num_queries):
    def add(n):
        for i in range(n):
            add_task(reform, title=f"逾期{OverdueSpell.objects.count()}-{i}", start_date=days(-40), due_date=days(-2 - i % 5))

    client = client_for(people.office)
    url = reverse("supervision:board") + f"?period={MONTH.code}"
    add(2)
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(12)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("逾期") >= 14
