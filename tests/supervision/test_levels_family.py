"""The levels family (ADR 0052): what the warning board, the workbench and the API lists read of the
work. Every write of the work bumps it, a progress report only when it moved something they show;
so a report that moves nothing leaves the province's board, workbench and lists served as they
were, and a write that moves a level, a progress or a listed task's last report shows at once."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reformledger.core.audit import log_action, record_moved
from reformledger.core.cache import moved_scopes, scope_versions, write_scopes
from reformledger.core.models import AuditEntry
from reformledger.org.models import User
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status
from reformledger.supervision.models import Level, Task
from reformledger.supervision.services import reports as report_services
from tests.concurrency import at_once
from tests.factories import ReformFactory, TaskFactory

from .conftest import TODAY, days

BOARD, WORKBENCH = "/office/supervision/board/", "/office/"


def _levels(district_id: int) -> tuple[int, ...]:
    return scope_versions((f"levels:d{district_id}", "levels:*"))


def _get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def work(reform, add_task, add_red):
    """In the fixture district: a green task, a red (overdue) task never reported on, and a task
    silent for 40 days (red, silent); the reform is under way."""
    reform.status = Status.IN_PROGRESS
    reform.save(update_fields=["status"])
    green = add_task(reform, title="绿色任务")
    overdue = add_red(reform, title="逾期任务")
    silent = add_task(reform, title="沉默任务", start_date=days(-40), due_date=days(90))
    for task in (green, overdue, silent):
        task.refresh_from_db()
    assert (green.level, overdue.level, silent.level) == (Level.GREEN, Level.RED, Level.RED)
    return green, overdue, silent


def test_only_a_report_is_quiet_on_the_levels(district, reform, task):
    d = district.district.pk
    assert f"levels:d{d}" not in write_scopes(task, {}, action="task.report")
    assert f"levels:d{d}" in write_scopes(task, {}, action="task.review")
    assert f"levels:d{d}" in write_scopes(reform, {}, action="reform.update")
    assert f"levels:d{d}" in write_scopes(district.sub_a, {})  # unit names show on the board


def test_a_report_moves_the_levels_only_when_it_moves_what_the_board_shows(people, district, work):
    green, overdue, silent = work
    d = district.district.pk
    before = _levels(d)
    report_services.submit_report(user=people.unit_staff, task=green, percent=10, text="推进")
    assert _levels(d) == before  # green, and stays green: nothing the board shows moved
    report_services.submit_report(user=people.unit_staff, task=overdue, percent=10, text="推进")
    moved = _levels(d)
    assert moved > before  # on the board: the task's last report shows (the API lists it)
    report_services.submit_report(user=people.unit_staff, task=overdue, percent=20, text="再推进")
    assert _levels(d) == moved  # reported today already: nothing moved
    report_services.submit_report(user=people.unit_staff, task=silent, percent=10, text="恢复报告")
    silent.refresh_from_db()
    assert silent.level != Level.RED and _levels(d) > moved  # no longer silent: its level moved


def test_the_province_board_stays_served_through_a_quiet_report_and_shows_a_moved_level_at_once(
    client_for, people, province_office, work
):
    green, _overdue, silent = work
    client = client_for(province_office)
    rendered, _ = _get(client, BOARD)
    first, rendered_queries = _get(client, BOARD)
    assert silent.title in first and green.title not in first
    report_services.submit_report(user=people.unit_staff, task=green, percent=10, text="推进")
    served, served_queries = _get(client, BOARD)
    assert served == first
    assert served_queries <= 5  # session, person, versions, unread count: nothing recomputed
    # A report that ends the silence moves the level: the page shows it on the next request.
    report_services.submit_report(user=people.unit_staff, task=silent, percent=10, text="恢复报告")
    after, _ = _get(client, BOARD)
    assert silent.title not in after
    assert rendered_queries >= served_queries


def test_an_accepted_report_shows_on_the_province_board_at_once(client_for, people, province_office, work):
    _green, overdue, _silent = work
    client = client_for(province_office)
    _get(client, BOARD)
    report = report_services.submit_report(user=people.unit_staff, task=overdue, percent=45, text="推进")
    _get(client, BOARD)
    report_services.review_report(user=people.office, report=report, accept=True)
    page, _ = _get(client, BOARD)
    row = page[page.index(overdue.title):]
    assert re.search(r"45\s*%", row[: row.index("</tr>")])


def test_the_province_workbench_counts_a_moved_level_at_once_and_no_quiet_report(
    client_for, people, province_office, work
):
    green, _overdue, silent = work
    client = client_for(province_office)
    _get(client, WORKBENCH)
    first, _ = _get(client, WORKBENCH)
    red = re.compile(r'id="figure-red">.*?rl-wb-figure-value">(\d+)<', re.S)
    assert red.search(first).group(1) == "2"
    report_services.submit_report(user=people.unit_staff, task=green, percent=10, text="推进")
    served, queries = _get(client, WORKBENCH)
    assert served == first and queries <= 5
    report_services.submit_report(user=people.unit_staff, task=silent, percent=10, text="恢复报告")
    after, _ = _get(client, WORKBENCH)
    assert red.search(after).group(1) == "1"


def test_the_province_warnings_api_shows_a_listed_tasks_report_at_once(api, people, province_office, work):
    _green, overdue, _silent = work
    assert Task.objects.get(pk=overdue.pk).last_report_on is None
    first = api.get("/warnings", province_office).json()
    assert {item["id"]: item["last_report_on"] for item in first["items"]}[overdue.pk] is None
    report_services.submit_report(user=people.unit_staff, task=overdue, percent=10, text="推进")
    after = api.get("/warnings", province_office).json()
    assert {item["id"]: item["last_report_on"] for item in after["items"]}[overdue.pk] == TODAY.isoformat()


def test_the_warnings_api_s_kept_items_are_what_a_fresh_encoding_gives(api, people, province_office, work):
    """Each item of ``GET /warnings`` is kept encoded on its row's version (its task's columns, the
    reform rows' and organisation's versions, the day, the language): after a report that moved the
    list and after a reform renamed, the body is the one a cold cache gives."""
    from reformledger.core.store import store

    _green, overdue, _silent = work
    api.get("/warnings", province_office)
    report_services.submit_report(user=people.unit_staff, task=overdue, percent=10, text="推进")
    reform_services.update_reform(user=people.office, reform=overdue.reform, data={"title": "改名后的改革"})
    for language in ("zh-hans", "en"):
        kept = api.get("/warnings", province_office, HTTP_ACCEPT_LANGUAGE=language).content
        store.clear()
        assert api.get("/warnings", province_office, HTTP_ACCEPT_LANGUAGE=language).content == kept
    item = {item["id"]: item for item in api.get("/warnings", province_office).json()["items"]}[overdue.pk]
    assert item["reform"]["title"] == "改名后的改革" and item["last_report_on"] == TODAY.isoformat()


def test_the_province_reforms_api_shows_an_accepted_progress_at_once(api, people, province_office, work):
    _green, overdue, _silent = work

    def progress() -> int:
        items = api.get("/reforms", province_office, page_size=50).json()["items"]
        return {item["id"]: item["progress"] for item in items}[overdue.reform_id]

    before = progress()
    report = report_services.submit_report(user=people.unit_staff, task=overdue, percent=90, text="推进")
    assert progress() == before  # awaiting review: the accepted figure stands
    report_services.review_report(user=people.office, report=report, accept=True)
    overdue.reform.refresh_from_db()
    assert overdue.reform.progress != before
    assert progress() == overdue.reform.progress


def test_the_province_reforms_api_stays_served_through_reports_in_districts_it_does_not_show(
    api, people, province_office, other_district, other_people, work
):
    there = ReformFactory(district=other_district.district, lead_unit=other_district.street, status=Status.IN_PROGRESS)
    task_there = TaskFactory(reform=there)
    path = f"/reforms?district={work[0].district_id}"
    api.get(path, province_office)
    report_services.submit_report(user=other_people.unit_staff, task=task_there, percent=10, text="推进")
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, province_office)
    assert response.status_code == 200
    assert len(queries) <= 4  # token, person, versions: the page as it was kept


def test_a_district_office_never_sees_another_districts_rows_kept_for_the_province(
    client_for, people, other_people, province_office, work
):
    _green, overdue, _silent = work
    _get(client_for(province_office), BOARD)
    page, _ = _get(client_for(other_people.office), BOARD)
    assert overdue.title not in page
    mine, _ = _get(client_for(people.office), BOARD)
    assert overdue.title in mine


@pytest.mark.django_db(transaction=True)
def test_moved_levels_are_recorded_only_in_the_appending_transaction(people, reform_factory, district):
    reform = reform_factory()
    entry = log_action(people.office, "reform.update", reform, {})
    with pytest.raises(RuntimeError):
        record_moved(entry, moved_scopes("levels", [district.district.pk]))  # not in a transaction
    later = log_action(people.office, "reform.update", reform, {})
    with transaction.atomic(), pytest.raises(RuntimeError):
        record_moved(entry, moved_scopes("levels", [district.district.pk]))  # not the last append
    with transaction.atomic():
        record_moved(later, moved_scopes("levels", [district.district.pk]))
    assert _levels(district.district.pk) == (later.seq, later.seq)


def test_a_board_row_kept_rendered_shows_its_reforms_new_title_at_once(client_for, people, province_office, work):
    """The board reads its rows' keys and loads in full only the rows not kept: a row is kept on its
    task's columns and on the versions of its district's reform rows and organisation, so a reform
    renamed through its service shows on the next request."""
    _green, overdue, _silent = work
    client = client_for(province_office)
    first, _ = _get(client, BOARD)
    assert overdue.reform.title in first
    reform_services.update_reform(user=people.office, reform=overdue.reform, data={"title": "改名后的改革"})
    after, _ = _get(client, BOARD)
    assert "改名后的改革" in after and overdue.title in after


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter")
def test_reports_that_move_the_levels_and_a_review_at_once_all_commit_in_the_audit_order(
    people, reform_factory, add_task, add_red
):
    """Reports on red tasks of two reforms (each bumps the levels after its append) and the review
    of a third's report, released together: no deadlock (the chain's head is always locked before
    the versions), and the levels carry the number of the last write that moved them."""
    reforms = [reform_factory(code=f"LV-{n}", status=Status.IN_PROGRESS, start_date=days(-200), due_date=days(200)) for n in range(3)]
    red = [add_red(r, title=f"红{n}") for n, r in enumerate(reforms)]
    pending = report_services.submit_report(user=people.unit_staff, task=red[2], percent=30, text="待复核")
    d = reforms[0].district_id
    results = at_once(
        lambda: report_services.submit_report(user=User.objects.get(pk=people.unit_staff.pk), task=red[0], percent=10, text="甲"),
        lambda: report_services.submit_report(user=User.objects.get(pk=people.unit_head.pk), task=red[1], percent=10, text="乙"),
        lambda: report_services.review_report(user=User.objects.get(pk=people.office.pk), report=pending, accept=True),
    )
    assert not [r for r in results if isinstance(r, BaseException)]
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    assert _levels(d) == (last, last)


def test_a_board_row_escapes_what_people_typed(client_for, people, reform, add_red):
    """Rows are rendered without the template engine (format_html): titles are escaped all the same."""
    reform.status = Status.IN_PROGRESS
    reform.save(update_fields=["status"])
    add_red(reform, title="<script>alert(1)</script>")
    page, _ = _get(client_for(people.office), BOARD)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'aria-label="Select “&lt;script&gt;alert(1)&lt;/script&gt;”"' in page


def test_the_orders_tasks_past_deadline_are_kept_through_a_report_that_moves_a_level(people, district, work):
    """The board's "tasks past their order's deadline" reads whether tasks are settled (the
    ``settled`` family): a report that moved a level leaves the count kept (no query), and the
    review that settles the task counts it again."""
    from django.core.cache import cache

    from reformledger.supervision.selectors.orders import late_counts
    from tests.factories import OrderFactory, OrderItemFactory

    _green, overdue, _silent = work
    order = OrderFactory(district=district.district, issued_by=people.office, status="issued")
    OrderItemFactory(order=order, task=overdue, deadline=days(-1))
    cache.clear()
    assert late_counts(people.office, TODAY)["items"] == 1
    d = district.district.pk
    before = _levels(d)
    report = report_services.submit_report(user=people.unit_staff, task=overdue, percent=100, text="全部完成")
    assert _levels(d) > before  # the report moved what the board shows
    with CaptureQueriesContext(connection) as queries:
        assert late_counts(people.office, TODAY)["items"] == 1
    assert not [q for q in queries.captured_queries if "orderitem" in q["sql"]]  # kept
    report_services.review_report(user=people.office, report=report, accept=True)
    assert Task.objects.get(pk=overdue.pk).status in ("done", "closed")
    assert late_counts(people.office, TODAY)["items"] == 0


def test_a_row_whose_task_went_since_its_key_was_read_is_made_of_its_key(people, work):
    from reformledger.supervision.selectors.warnings import full_rows, warning_keys

    keys = list(warning_keys(people.office))
    gone = keys[0]
    Task.objects.filter(pk=gone.id).delete()
    rows = full_rows(people.office, keys)
    assert [row.pk for row in rows] == [key.id for key in keys]
    assert rows[0].title == gone.title and rows[0].reform_id == gone.reform_id and rows[0].level == gone.level
