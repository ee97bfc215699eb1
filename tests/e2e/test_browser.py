"""The main paths in a real browser: log in, filter, open a reform, switch language, phone layout."""

import re

import pytest
from django.test.utils import override_settings

from reformledger.core.audit import history_of
from reformledger.reforms import services
from reformledger.reforms.models import Status, Tier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(people, reform_factory, district):
    key = reform_factory(code="LH-KEY-01", title="棚改安置“阳光征收”改革", tier=Tier.KEY, status=Status.DRAFT,
                         public_summary="群众全程参与，阳光征收。")
    for i in range(8):
        reform_factory(code=f"LH-WG-{i:02d}", title=f"社区“微改革”第{i}号，物业管理与民生服务一体化推进",
                       status=Status.IN_PROGRESS, public_summary="小区居民议事会每月开放，问题清单公开。")
    services.update_reform(user=people.office, reform=key, data={"goals": "阳光征收全覆盖", "co_units": [district.sub_b]})
    return key


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/?next=/office/reforms/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/office/reforms/")


def test_office_filters_the_catalogue_opens_a_reform_and_sees_its_history(live_server, new_page, catalogue):
    page = new_page()
    log_in(page, live_server.url, "office")
    assert page.locator("#results tbody tr").count() == 9
    page.select_option("#filter-tier", "key")  # htmx refreshes the table in place and pushes the URL
    page.wait_for_url(re.compile(r"tier=key"))
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    page.get_by_role("link", name="棚改安置“阳光征收”改革").click()
    page.wait_for_url(f"{live_server.url}/office/reforms/{catalogue.pk}/")
    history = page.locator("#history")
    assert "黄贝街道" in history.inner_text()  # the co-unit id resolved to its name
    assert "阳光征收全覆盖" in history.inner_text()
    # Move it along the lifecycle from the page, with a note; the history grows.
    page.fill("#transition-note", "提交审议")
    page.locator("button[name=to][value=proposed]").click()
    page.wait_for_load_state()
    assert "提交审议" in page.locator("#history").inner_text()
    assert [e.action for e in history_of(catalogue)][0] == "reform.transition"


def test_switching_to_english_shows_english(live_server, new_page, catalogue):
    page = new_page()
    page.goto(f"{live_server.url}/reforms/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("h1").inner_text() == "Reforms"
    assert page.get_by_role("button", name="简体中文").is_visible()


@override_settings(CATALOGUE_PAGE_SIZE=4)
def test_switching_language_on_a_page_reached_in_place_comes_back_to_that_page(live_server, new_page, catalogue):
    """The catalogue's page is kept for every page of its list and its next page comes in place
    (htmx): the language form goes back to the page shown, not to the first one."""
    page = new_page()
    log_in(page, live_server.url, "office")
    page.locator("a[rel=next]").first.click()
    page.wait_for_url(re.compile(r"page=2"))
    page.locator("button[name=language][value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "page=2" in page.url
    assert "page 2 of 3" in page.locator("#results-count").inner_text()


def test_public_catalogue_fits_a_phone_and_renders_chinese(live_server, new_page, catalogue):
    page = new_page({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/reforms/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    title = page.locator(".rl-card h3").first
    assert re.search(r"[\u4e00-\u9fff]", title.inner_text())
    family = title.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Noto Sans CJK SC" in family
    # A CJK face is really available to draw the text (not boxes of a missing glyph).
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '改革')")
    width = page.evaluate(
        """() => { const c = document.createElement('canvas').getContext('2d');
                   c.font = '32px ' + getComputedStyle(document.body).fontFamily;
                   return [c.measureText('改').width, c.measureText('革').width, c.measureText('i').width]; }"""
    )
    assert width[0] == pytest.approx(32, abs=2) and width[1] == pytest.approx(32, abs=2) and width[2] < 16


def test_office_catalogue_fits_a_phone(live_server, new_page, catalogue):
    page = new_page({"width": 390, "height": 844})
    log_in(page, live_server.url, "office")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    nav_link = page.locator("#rl-nav a[href='/office/org/units/']")
    assert not nav_link.is_visible()  # folded behind the menu button on a phone
    page.locator("button.navbar-toggler").click()
    nav_link.wait_for(state="visible")
