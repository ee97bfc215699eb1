"""Issue 8, part 9 in a real browser: the unit's report button is whole and inside the screen, the
office's bar is one row (1024 and 1280 px, Chinese and English, and a phone), and a double click on
a form's button sends one progress report."""

import pytest

from reformledger.supervision.models import ProgressReport

from .test_supervision_browser import log_in, tree  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Whether every visible part of the header's bar sits on one row, and the bar's height.
ONE_ROW = """() => {
  const bar = document.querySelector('.rl-header .navbar > div');
  const parts = [...bar.querySelectorAll('.rl-brand, .navbar-toggler, .rl-inbox-compact, .navbar-nav > .nav-item, .rl-header-tools > *')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0);
  const middles = parts.map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; });
  return {spread: Math.max(...middles) - Math.min(...middles), height: bar.getBoundingClientRect().height, parts: parts.length};
}"""

#: Every report button on the page: inside the viewport, and what is drawn at its centre is the button.
BUTTONS_WHOLE = """() => [...document.querySelectorAll("a[href$='#report']")].map(b => {
  b.scrollIntoView({block: 'center', behavior: 'instant'});
  const r = b.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const right = document.elementFromPoint(r.right - 2, r.top + r.height / 2);
  return {inside: r.left >= 0 && r.right <= window.innerWidth, hit: b.contains(hit), right: b.contains(right), what: hit && (hit.tagName + "." + hit.className), top: r.top, h: window.innerHeight};
})"""


def in_language(page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1024, 1280, 390])
def test_report_button_is_whole_and_the_bar_is_one_row(live_server, new_page, people, tree, language, width):  # noqa: F811
    base = live_server.url
    unit = new_page({"width": width, "height": 844 if width == 390 else 800})
    log_in(unit, base, "unit_staff", "/office/supervision/")
    in_language(unit, base, language)
    unit.goto(f"{base}/office/supervision/")
    buttons = unit.evaluate(BUTTONS_WHOLE)
    assert buttons and all(b["inside"] and b["hit"] and b["right"] for b in buttons), buttons
    assert unit.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    office = new_page({"width": width, "height": 800})
    log_in(office, base, "office", "/office/supervision/board/")
    in_language(office, base, language)
    for page in (unit, office):
        page.goto(f"{base}/office/supervision/board/")
        row = page.evaluate(ONE_ROW)
        assert row["spread"] < 12 and row["height"] < 64, (language, width, row)


def test_a_double_click_sends_one_report(live_server, new_page, people, tree):  # noqa: F811
    _reform, task = tree
    base = live_server.url
    unit = new_page()
    log_in(unit, base, "unit_staff", f"/office/supervision/tasks/{task.pk}/")
    unit.fill("#id_percent", "40")
    unit.fill("#id_text", "完成需求调研。")
    unit.locator("#report button[type=submit]").dblclick()
    unit.wait_for_url(f"{base}/office/supervision/tasks/{task.pk}/#reports")
    unit.wait_for_load_state("networkidle")
    assert ProgressReport.objects.filter(task=task).count() == 1
