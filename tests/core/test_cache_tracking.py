"""Pages and fragments keep what they read (core.cache): a write elsewhere leaves them served as they
are; a write to anything they read shows at once. Reform facts and help requests have versions of
their own, so the day's progress reports leave the catalogue's counts and the help badge alone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reformledger.core.audit import log_action
from reformledger.core.cache import (
    depends_on,
    once_a_request,
    per_district,
    reform_fact_scopes,
    scope_versions,
    tracked,
    work_scopes,
    write_scopes,
)
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Status
from reformledger.supervision.models import HelpRequest
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import reports as report_services
from tests.factories import OrderFactory, ReformFactory, TaskFactory


def _counter():
    calls: list[int] = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def test_a_tracked_value_waits_for_what_it_read_and_nothing_else(people, district, other_district, reform_factory):
    here, there = district.district.pk, other_district.district.pk
    compute = _counter()

    def value():
        depends_on(work_scopes([here]))
        return compute()

    assert tracked("t", value) == 1
    log_action(people.office, "reform.update", ReformFactory(district=other_district.district, lead_unit=other_district.street), {})
    assert tracked("t", value) == 1  # a write in another district: still the stored value
    log_action(people.office, "reform.update", reform_factory(), {})
    assert tracked("t", value) == 2  # a write in the district it read: computed afresh
    assert there != here


def test_what_an_inner_value_read_is_read_by_the_outer_one_cached_or_not(people, district, reform_factory):
    inner, outer = _counter(), _counter()

    def inner_value():
        depends_on(work_scopes([district.district.pk]))
        return inner()

    def outer_value():
        tracked("inner", inner_value)
        return outer()

    tracked("inner", inner_value)  # the inner value is cached first, then read from the cache
    assert tracked("outer", outer_value) == 1
    log_action(people.office, "reform.update", reform_factory(), {})
    assert tracked("outer", outer_value) == 2  # the outer value depends on what the inner one read


def test_a_value_taken_from_the_request_memo_goes_stale_with_what_it_read(rf, people, district, reform_factory):
    """A count the page and its menu share is computed once a request; the second value that takes it
    from the memo depends on what the first read all the same (each late value is kept on its own)."""
    request, count, first, second = rf.get("/"), _counter(), _counter(), _counter()

    def shared():
        depends_on(work_scopes([district.district.pk]))
        return count()

    assert tracked("first", lambda: (once_a_request(request, "n", shared), first())[1]) == 1
    assert tracked("second", lambda: (once_a_request(request, "n", shared), second())[1]) == 1
    assert count() == 2  # computed once for both (and once here)
    log_action(people.office, "reform.update", reform_factory(), {})
    assert tracked("second", lambda: (once_a_request(request, "n", shared), second())[1]) == 2  # stale with it


def test_reform_facts_are_bumped_by_reform_writes_only(people, district, reform_factory):
    reform = reform_factory()
    task = TaskFactory(reform=reform)
    facts = f"reforms:d{district.district.pk}"
    assert facts in write_scopes(reform)
    assert facts not in write_scopes(task)  # a progress report is audited on its task: work only
    assert f"work:d{district.district.pk}" in write_scopes(task)
    assert f"help:d{district.district.pk}" in write_scopes(HelpRequest(district=district.district, reform=reform))


def test_per_district_reform_facts_survive_a_progress_report_but_not_a_reform_write(people, district, reform_factory):
    reform = reform_factory(status=Status.IN_PROGRESS)
    task = TaskFactory(reform=reform)
    asked: list[list[int]] = []

    def compute(missing):
        asked.append(list(missing))
        return dict.fromkeys(missing, len(asked))

    ids = [district.district.pk]
    assert per_district("facts", ids, compute, default=0, family="reforms") == {ids[0]: 1}
    report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="开始")
    assert per_district("facts", ids, compute, default=0, family="reforms") == {ids[0]: 1}
    reform_services.transition_reform(user=people.office, reform=reform, to_status=Status.SUSPENDED)
    assert per_district("facts", ids, compute, default=0, family="reforms") == {ids[0]: 2}
    assert scope_versions(reform_fact_scopes(ids))  # read in one query, like every version


@pytest.fixture
def two_districts(people, other_people, district, other_district):
    """Reforms under way in both districts, each with a task its unit reports on."""
    here = ReformFactory(district=district.district, lead_unit=district.sub_a, status=Status.IN_PROGRESS, year=2030)
    there = ReformFactory(district=other_district.district, lead_unit=other_district.street, status=Status.IN_PROGRESS, year=2020)
    return TaskFactory(reform=here), TaskFactory(reform=there)


HELP_BADGE = re.compile(r'Help needed</span>\s*<span class="rl-menu-badge">1<')
DECISIONS_BADGE = re.compile(r'Decisions</span>\s*<span class="rl-menu-badge">1<')


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def test_the_province_catalogue_stays_served_through_reports_in_districts_it_does_not_show(
    client_for, province_office, other_people, two_districts
):
    """The province's first page shows the newest reforms (district A's, 2030): a report in district
    B leaves the page as it was, served without rendering; a new reform in B changes its count."""
    _here, there = two_districts
    a = there.reform.district_id != _here.reform.district_id and _here.reform
    ReformFactory.create_batch(settings.CATALOGUE_PAGE_SIZE, district=a.district, lead_unit=a.lead_unit, year=2031)
    client = client_for(province_office)
    _, rendered = _queries(client, "/office/reforms/")  # rendered, and kept
    first, _ = _queries(client, "/office/reforms/")
    report_services.submit_report(user=other_people.unit_staff, task=there, percent=20, text="推进")
    again, served = _queries(client, "/office/reforms/")
    assert again.content == first.content
    assert served <= 5 < rendered  # session, person, versions, unread count: no rendering
    # A reform of district B changed through the service shows at once.
    reform_services.transition_reform(user=other_people.office, reform=there.reform, to_status=Status.SUSPENDED)
    after, _ = _queries(client, "/office/reforms/?status=suspended")
    assert there.reform.code in after.content.decode()


def test_a_report_in_the_district_a_page_shows_changes_the_page(client_for, people, province_office, two_districts):
    """The office's catalogue shows its own reforms: an accepted report moves a row's progress and
    the page shows it on the next request (its rows' district's work is what the page read)."""
    here, _there = two_districts
    client = client_for(people.office)
    client.get("/office/reforms/")
    _queries(client, "/office/reforms/")
    report = report_services.submit_report(user=people.unit_staff, task=here, percent=40, text="推进")
    report_services.review_report(user=people.office, report=report, accept=True)
    page, _ = _queries(client, "/office/reforms/")
    here.reform.refresh_from_db()
    assert here.reform.progress == 40
    assert "40%" in page.content.decode()


def test_the_help_badge_counts_a_new_request_at_once(client_for, people, two_districts):
    here, _there = two_districts
    client = client_for(people.office)
    client.get("/office/reforms/")
    before, _ = _queries(client, "/office/reforms/")
    assert not HELP_BADGE.search(before.content.decode())
    report_services.submit_report(user=people.unit_staff, task=here, percent=10, text="卡住了", help_needed="需要协调场地")
    assert HelpRequest.objects.filter(status=HelpRequest.HelpStatus.OPEN).count() == 1
    page, _ = _queries(client, "/office/reforms/")
    assert HELP_BADGE.search(page.content.decode())


def test_the_office_queues_have_families_of_their_own(district, reform_factory):
    """An extension request is audited on its task: its action bumps the decisions family, a report's
    does not; orders and change requests bump their own."""
    reform = reform_factory()
    task = TaskFactory(reform=reform)
    d = district.district.pk
    assert f"decisions:d{d}" in write_scopes(task, {}, action="task.request_extension")
    assert f"decisions:d{d}" in write_scopes(task, {}, action="task.decide_extension")
    assert f"decisions:d{d}" not in write_scopes(task, {}, action="task.report")
    assert f"orders:d{d}" in write_scopes(OrderFactory(district=district.district), {})
    assert write_scopes(task, {}, action="task.report") == {f"work:d{d}", "work:*"}


def test_the_decisions_badge_counts_an_extension_request_at_once(client_for, people, two_districts):
    here, _there = two_districts
    client = client_for(people.office)
    _queries(client, "/office/reforms/")
    before, _ = _queries(client, "/office/reforms/")
    assert not DECISIONS_BADGE.search(before.content.decode())
    extension_services.request_extension(
        user=people.unit_staff, task=here, new_due_date=max(here.due_date, timezone.localdate()) + dt.timedelta(days=30), reason="场地未落实"
    )
    page, _ = _queries(client, "/office/reforms/")
    assert DECISIONS_BADGE.search(page.content.decode())


def test_the_public_catalogue_waits_for_the_levels_of_the_districts_it_shows_and_nothing_else(
    client, people, other_people, two_districts
):
    """The public catalogue's newest reforms are district A's (2030): a report in district B leaves
    the page served as it was, so does a report in A that moves nothing a card shows; an accepted
    report in A moves a card's progress at once."""
    here, there = two_districts
    ReformFactory.create_batch(
        settings.CATALOGUE_PAGE_SIZE, district=here.reform.district, lead_unit=here.reform.lead_unit, year=2031,
        status=Status.IN_PROGRESS,
    )
    _, rendered = _queries(client, "/reforms/")
    _, kept = _queries(client, "/reforms/")
    report_services.submit_report(user=other_people.unit_staff, task=there, percent=20, text="推进")
    _, served = _queries(client, "/reforms/")
    assert served == kept < rendered  # nothing counted, queried or rendered again
    # A report on a green task of district A moves nothing a card shows (progress is what the office
    # accepts, ADR 0052): the page stays kept.
    today = timezone.localdate()
    fresh = ReformFactory(district=here.reform.district, lead_unit=here.reform.lead_unit, status=Status.IN_PROGRESS, year=2030,
                          start_date=today, due_date=today + dt.timedelta(days=365))
    green = TaskFactory(reform=fresh)
    report_services.submit_report(user=people.unit_staff, task=green, percent=5, text="起步")  # starts it: its warning is made
    _queries(client, "/reforms/?year=2030")
    _, kept_here = _queries(client, "/reforms/?year=2030")
    report_services.submit_report(user=people.unit_staff, task=green, percent=10, text="继续推进")
    green.refresh_from_db()
    assert green.level == "green"  # moved nothing the card shows
    assert _queries(client, "/reforms/?year=2030")[1] == kept_here
    # The task the fixture made is overdue (red): its first report of the day is listed, and moves
    # the levels; accepted, the card's progress moves.
    report = report_services.submit_report(user=people.unit_staff, task=here, percent=40, text="推进")
    report_services.review_report(user=people.office, report=report, accept=True)
    page, _ = _queries(client, "/reforms/?year=2030")
    assert here.reform.title in page.content.decode() and "40%" in page.content.decode()
