"""What every report changes is filled in as a kept page is served (core.late, ADR 0055): the
menu's badges, the workbench's queue figures and its reports preview follow each report at once,
while the pages themselves stay kept (nothing is rendered again)."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from reformledger.core.late import LateValuesMiddleware, fill, late
from reformledger.supervision.services import reports as report_services
from tests.cockpit.conftest import _task
from tests.cockpit.test_menu import badges
from tests.cockpit.test_workbench import figures

CATALOGUE = reverse("reforms:catalogue")
BOARD = reverse("supervision:board")
WORKBENCH = reverse("cockpit:workbench")
REPORTS = reverse("supervision:reports")


def nav(html: str) -> str:
    return html.split('id="rl-nav"')[1].split("</nav>")[0]


@pytest.fixture
def quiet_task(people, district, work):
    """A task on track: a report on it moves no level (after its first of the day)."""
    task = _task(district, work.micro, "按计划推进的任务", "green")
    report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="今日首次报送")
    return task


def test_a_report_leaves_the_kept_pages_kept_and_their_counts_follow(client_for, people, work, quiet_task):
    client = client_for(people.office)
    before = {}
    for url in (CATALOGUE, BOARD, WORKBENCH):
        client.get(url)  # the CSRF cookie
        client.get(url)  # rendered, kept
        before[url] = client.get(url)
        assert not before[url].templates  # the second visit was served as kept
        assert badges(nav(before[url].content.decode()))[REPORTS] == 5
    assert figures(before[WORKBENCH])["reports"].count == 5

    report_services.submit_report(user=people.unit_staff, task=quiet_task, percent=20, text="第二次报送：按计划推进")

    for url in (CATALOGUE, BOARD, WORKBENCH):
        response = client.get(url)
        # Still kept: the report changed only its late values. Not even the workbench's preview of
        # the reports waiting longest is rendered again: the new report is sixth, the first five stand.
        assert not response.templates, url
        html = response.content.decode()
        assert badges(nav(html))[REPORTS] == 6, url
        assert badges(nav(html))[reverse("supervision:my-tasks")] == badges(nav(before[url].content.decode()))[
            reverse("supervision:my-tasks")] + 1
    workbench = client.get(WORKBENCH)
    assert figures(workbench)["reports"].count == 6
    preview = workbench.content.decode().split('aria-labelledby="h-preview"')[1]
    assert "All 6" in preview


def test_every_person_gets_their_own_values(client_for, people, work):
    office = client_for(people.office).get(WORKBENCH).content.decode()
    leader = client_for(people.leader_main).get(WORKBENCH).content.decode()
    assert badges(nav(office))[reverse("supervision:help")] == 2
    assert badges(nav(leader))[reverse("supervision:help")] == 1  # only what was escalated to them
    assert "<!--rl-late:" not in office and "<!--rl-late:" not in leader


def test_text_that_looks_like_a_mark_is_only_text(client_for, people, reform_factory, work):
    forged = "<!--rl-late:0123456789abcdef:menu-badge:cockpit.reports-->"
    reform = reform_factory(title=f"改革{forged}")
    html = client_for(people.office).get(reverse("reforms:detail", args=[reform.pk])).content.decode()
    assert "&lt;!--rl-late:0123456789abcdef:menu-badge:cockpit.reports--&gt;" in html
    # A mark with another nonce (another installation's, or text that got through unescaped) stays as it is.
    request = RequestFactory().get("/")
    request.user = people.office
    assert fill(request, forged.encode()) == forged.encode()


def test_outside_a_request_a_late_value_is_the_value_itself(rf, people, work):
    request = rf.get(WORKBENCH)
    request.user = people.office
    value = late(request, "menu-badge", "cockpit.reports")
    assert re.fullmatch(r' <span class="rl-menu-badge">4<span class="rl-visually-hidden">[^<]+</span></span>', value)
    with pytest.raises(KeyError):
        late(request, "no-such-value")
    with pytest.raises(ValueError):
        late(request, "menu-badge", "--><script>")


def test_only_html_responses_are_filled(rf, people):
    from django.http import HttpResponse, JsonResponse

    marked = {}

    def view(request):
        marked["mark"] = late(request, "menu-badge", "cockpit.reports")
        return JsonResponse({"mark": marked["mark"]}) if request.GET.get("json") else HttpResponse(marked["mark"])

    request = rf.get("/", {"json": "1"})
    request.user = people.office
    assert b"<!--rl-late:" in LateValuesMiddleware(view)(request).content  # JSON is data, never filled
    request = rf.get("/")
    request.user = people.office
    assert LateValuesMiddleware(view)(request).content == b""  # nothing waiting in an empty district


def test_a_role_given_shows_its_badges_on_the_next_page(client_for, people, district, work):
    from reformledger.org.models import Role
    from reformledger.org.services.people import add_membership

    client = client_for(people.leader_main)
    for _ in range(3):
        html = client.get(CATALOGUE).content.decode()
    assert REPORTS not in badges(nav(html))  # a leader reviews no reports
    add_membership(user=people.office, person=people.leader_main, role=Role.OFFICE, unit=district.office_unit)
    html = client.get(CATALOGUE).content.decode()
    assert badges(nav(html))[REPORTS] == 4  # now of the office: the district's reports to review


def test_another_district_s_office_never_gets_these_values(client_for, people, other_people, work, quiet_task):
    """Late values are kept per person and counted on what the person may see: 福田区's office,
    served its kept pages after 罗湖区's reports, counts none of them and lists none."""
    theirs = client_for(other_people.office)
    for _ in range(3):
        theirs.get(WORKBENCH)
    report_services.submit_report(user=people.unit_staff, task=quiet_task, percent=30, text="罗湖区的进展")
    html = theirs.get(WORKBENCH).content.decode()
    assert REPORTS not in badges(nav(html))  # no reports waiting for them: no badge at all
    assert figures(theirs.get(WORKBENCH))["reports"].count == 0
    assert "按计划推进的任务" not in html and "罗湖区的进展" not in html


def test_a_level_moved_refills_the_workbench_s_red_and_amber_parts_not_the_page(client_for, people, district, work):
    """The red and amber figures and rows are late values (they change whenever a level moves
    anywhere in the person's districts): the page stays kept, and they show what a fresh render shows."""
    from reformledger.core.store import store
    from reformledger.supervision.models import Task
    from reformledger.supervision.services.tasks import update_task
    from tests.cockpit.conftest import days

    client = client_for(people.office)
    client.get(WORKBENCH)  # the CSRF cookie
    client.get(WORKBENCH)  # rendered, kept
    assert not client.get(WORKBENCH).templates
    amber = Task.objects.get(title="微改革任务黄0")
    update_task(user=people.office, task=amber, changes={"due_date": days(-1)}, reason="按督查要求提前")
    assert Task.objects.get(pk=amber.pk).level == "red"

    response = client.get(WORKBENCH)
    rendered = [t.name for t in response.templates]
    assert "cockpit/workbench.html" not in rendered  # the page was kept
    assert "cockpit/_workbench_warnings.html" in rendered  # its red and amber rows were (and the
    # preview of reports: the task's write is work of the district, which the reports' rows show)
    kept = response.content.decode()
    store.clear()
    fresh = client.get(WORKBENCH)
    assert "cockpit/workbench.html" in [t.name for t in fresh.templates]
    assert figures(response) == figures(fresh)
    red = Task.objects.filter(reform__district=district.district, level="red", children__isnull=True).count()
    assert figures(response)["red"].count == red
    assert kept.split('aria-labelledby="h-warnings"')[1].split("</section>")[0] == (
        fresh.content.decode().split('aria-labelledby="h-warnings"')[1].split("</section>")[0]
    )
    assert "微改革任务黄0" in kept.split('aria-labelledby="h-warnings"')[1]


def test_a_level_moved_refills_the_board_s_results_not_the_page(client_for, people, district, work):
    """The board's results (counts, rows, pagination) and its orders overdue are late values, one
    per query string: the page stays kept, and they show what a fresh render shows."""
    from reformledger.core.store import store
    from reformledger.supervision.models import Task
    from reformledger.supervision.services.tasks import update_task
    from tests.cockpit.conftest import days

    client = client_for(people.office)
    pages = (BOARD, f"{BOARD}?level=amber")
    for url in pages:
        client.get(url)  # the CSRF cookie
        client.get(url)  # rendered, kept
        assert not client.get(url).templates
    amber = Task.objects.get(title="微改革任务黄0")
    update_task(user=people.office, task=amber, changes={"due_date": days(-1)}, reason="按督查要求提前")

    kept = {}
    for url in pages:
        response = client.get(url)
        rendered = [t.name for t in response.templates]
        assert "supervision/board.html" not in rendered, url  # the page was kept
        assert "supervision/_board_results.html" in rendered, url  # its results were not
        kept[url] = response.content.decode()
    store.clear()
    without_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # masked anew on every page
    for url in pages:
        fresh = client.get(url).content.decode()
        assert without_token.sub("", kept[url].split('id="results"')[1]) == without_token.sub("", fresh.split('id="results"')[1]), url
    assert "微改革任务黄0" in client.get(BOARD).content.decode()
    assert "微改革任务黄0" not in client.get(f"{BOARD}?level=amber").content.decode().split('id="results"')[1]


def test_the_preview_is_rendered_again_only_for_a_level_moved_in_its_rows_districts(
    client_for, province_office, people, other_people, district, other_district, work, reform_factory,
):
    """The province office's preview shows 罗湖区's reports waiting longest: a level moved in 福田区
    leaves its rows as they were (not rendered again); one moved in 罗湖区 renders them again, and
    either way the page shows what a fresh render shows."""
    from reformledger.core.store import store
    from reformledger.supervision.models import Task
    from reformledger.supervision.services.tasks import update_task
    from tests.cockpit.conftest import _task, days

    futian = reform_factory(code="FT-M-01", title="福田微改革", district=other_district.district, lead_unit=other_district.street,
                            status="in_progress", start_date=days(-100), due_date=days(200))
    theirs = _task(other_district, futian, "福田任务黄", "amber", unit=other_district.street)
    client = client_for(province_office)

    def preview(response) -> str:
        return response.content.decode().split('aria-labelledby="h-preview"')[1].split("</section>")[0]

    client.get(WORKBENCH)
    client.get(WORKBENCH)
    update_task(user=other_people.office, task=theirs, changes={"due_date": days(-1)}, reason="按督查要求提前")
    response = client.get(WORKBENCH)
    assert "cockpit/_workbench_warnings.html" in [t.name for t in response.templates]  # the red rows moved
    assert "cockpit/_workbench_preview.html" not in [t.name for t in response.templates]  # its rows did not
    kept = preview(response)
    store.clear()
    assert kept == preview(client.get(WORKBENCH))

    amber = Task.objects.get(title="微改革任务黄0")
    update_task(user=people.office, task=amber, changes={"due_date": days(-1)}, reason="按督查要求提前")
    response = client.get(WORKBENCH)
    assert "cockpit/_workbench_preview.html" in [t.name for t in response.templates]
    kept = preview(response)
    store.clear()
    assert kept == preview(client.get(WORKBENCH))
