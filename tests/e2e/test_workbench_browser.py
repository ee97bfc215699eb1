"""The workbench in a real browser: signing in lands on it, a figure opens its list, the menu counts."""

import pytest

from tests.cockpit.conftest import make_work

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_office_lands_on_the_workbench_and_opens_a_queue_from_it(live_server, new_page, people, district,
                                                                      reform_factory):
    make_work(people, district, reform_factory)
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/office/")
    assert page.locator("h1").inner_text() == "工作台"
    assert page.locator("#figure-reports .rl-wb-figure-value").inner_text() == "4"
    # The Supervision menu carries the counts of what waits, in words for screen readers too.
    page.locator("#rl-nav-supervision").click()
    reports = page.locator(".dropdown-menu a[href='/office/supervision/reports/']")
    assert reports.locator(".rl-menu-badge").inner_text().startswith("4")
    page.locator("#figure-red").click()
    page.wait_for_url(f"{live_server.url}/office/supervision/board/?level=red")
    assert page.locator("#results tbody tr").count() == 2
