"""The navigation: the workbench's entry and the count badges the cockpit registers (core.registry)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformledger.core.registry import menu_entries
from reformledger.supervision.models import ProgressReport
from reformledger.supervision.services import reports as report_services

CATALOGUE = reverse("reforms:catalogue")
UNITS = reverse("org:units")


def badges(html: str) -> dict[str, int]:
    """The count beside each menu link: ``{href: count}``."""
    found = re.findall(r'href="([^"]+)"[^>]*>(?:(?!</a>).)*?<span class="rl-menu-badge">(\d+)<', html, re.S)
    return {href: int(count) for href, count in found}


def test_the_office_s_menu_leads_with_the_workbench_and_counts_what_waits(client_for, people, work):
    html = client_for(people.office).get(CATALOGUE).content.decode()
    nav = html.split('id="rl-nav"')[1].split("</nav>")[0]
    assert nav.index(f'href="{reverse("cockpit:workbench")}"') < nav.index(f'href="{CATALOGUE}"')
    assert badges(nav) == {
        reverse("supervision:my-tasks"): 2 + 2 + 4,  # the Supervision menu: the sum of its entries
        reverse("supervision:reports"): 4,
        reverse("supervision:decisions"): 2,  # one completion and one change request
        reverse("supervision:help"): 2,
    }
    assert '<span class="rl-menu-badge">4<span class="rl-visually-hidden"> waiting</span></span>' in nav


def test_the_workbench_entry_is_current_on_the_workbench(client_for, people):
    html = client_for(people.office).get(reverse("cockpit:workbench")).content.decode()
    assert f'class="nav-link active" aria-current="page" href="{reverse("cockpit:workbench")}"' in html


def test_a_leader_s_menu_counts_the_help_escalated_to_them(client_for, people, work):
    html = client_for(people.leader_main).get(CATALOGUE).content.decode()
    assert badges(html) == {reverse("supervision:my-tasks"): 1, reverse("supervision:help"): 1}
    for name in ("reports", "decisions", "bulletin"):
        assert f'href="{reverse(f"supervision:{name}")}"' not in html, name


@pytest.mark.parametrize("role", ["committee", "unit_staff"])
def test_the_committee_and_units_get_no_badges(client_for, people, work, role):
    html = client_for(getattr(people, role)).get(CATALOGUE).content.decode()
    assert "rl-menu-badge" not in html
    has_workbench = role == "committee"
    assert (f'href="{reverse("cockpit:workbench")}"' in html) is has_workbench


def test_entries_are_registered_for_the_roles_that_may_open_them(people):
    def keys(user):
        request = RequestFactory().get("/")
        request.user = user
        return tuple([entry.key for entry in menu_entries(request, section=section)]
                     for section in ("", "supervision", "evaluation", "assessment"))

    # The evaluation's section (issue 10): rating rounds, expert panels, look-back reviews; and the
    # case studies (issue 11 part 6), which every one who carries or watches reforms reads. Issue 11:
    # the tolerance queue for the office (and its discipline reviewers), "my tolerance cases" for the
    # people responsible for reforms; the assessment's section for the office and the units.
    assert keys(people.office) == (
        ["cockpit.workbench", "tolerance.queue"],
        ["cockpit.reports", "cockpit.decisions", "cockpit.help"],
        ["evaluation.rounds", "evaluation.panels", "evaluation.lookback", "casestudies.list"],
        ["assessment.schemes", "assessment.versions", "assessment.appeals", "assessment.commendations"],
    )
    assert keys(people.leader_main) == (["cockpit.workbench", "tolerance.mine"], ["cockpit.help"], ["casestudies.list"], [])
    assert keys(people.committee) == (["cockpit.workbench"], [], ["evaluation.lookback", "casestudies.list"], [])
    assert keys(people.unit_staff) == (
        ["tolerance.mine"], [], ["casestudies.list"], ["assessment.my_score", "assessment.my_appeals"],
    )


def _badge_queries(queries) -> list[str]:
    tables = ("supervision_progressreport", "supervision_completion", "supervision_changerequest", "supervision_helprequest")
    return [q["sql"] for q in queries if "COUNT(" in q["sql"] and any(f'FROM "{t}"' in q["sql"] for t in tables)]


def test_each_badge_costs_one_count_by_district_and_none_once_cached(client_for, people, work):
    client = client_for(people.office)
    client.get(UNITS)
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(UNITS)
    counted = _badge_queries(cold.captured_queries)
    # Reports, completions, change requests, help: each one count grouped by district, so that a
    # write in one district recounts that district only (core.cache.district_count).
    assert len(counted) == 4
    assert all("GROUP BY" in sql for sql in counted)
    # Cached until the next audited write: the next page counts nothing.
    with CaptureQueriesContext(connection) as warm:
        client.get(CATALOGUE)
    assert _badge_queries(warm.captured_queries) == []


def test_a_badge_follows_the_next_write_even_on_a_kept_page(client_for, people, work):
    client = client_for(people.office)
    client.get(CATALOGUE)
    before = client.get(CATALOGUE).content.decode()  # rendered and kept
    assert badges(before)[reverse("supervision:reports")] == 4
    report = ProgressReport.objects.filter(status="pending").order_by("pk").first()
    report_services.review_report(user=people.office, report=report, accept=True)
    after = client.get(CATALOGUE).content.decode()
    assert badges(after)[reverse("supervision:reports")] == 3
