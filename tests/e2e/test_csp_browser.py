"""The Content-Security-Policy in a real browser (issue 9, finding 6; ADR 0029): the main pages,
their scripts, htmx and the charts run under it without a single violation, and the policy does
block what it should (an injected inline script does not run)."""

import pytest

from tests.factories import UserFactory

from .test_supervision_browser import log_in, tree  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def watch(page) -> list[str]:
    """Console messages and page errors that name the Content-Security-Policy."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    # Also the DOM's own report of each violation (the console may word it differently one day).
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"
    )
    return seen


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_the_main_pages_run_without_a_policy_violation(live_server, new_page, people, tree):  # noqa: F811
    reform, task = tree
    base = live_server.url
    page = new_page({"width": 1280, "height": 900})
    seen = watch(page)
    for url in ["/", "/reforms/", f"/reforms/{reform.pk}/", "/accounts/login/"]:
        visit(page, base + url)
    log_in(page, base, "office", "/office/")
    for url in [
        "/office/",  # the workbench, with its charts
        "/office/reforms/",
        f"/office/reforms/{reform.pk}/",
        f"/office/reforms/{reform.pk}/edit/",
        "/office/reforms/new/",
        f"/office/supervision/reforms/{reform.pk}/tasks/",  # the tree with its bars
        f"/office/supervision/tasks/{task.pk}/",
        "/office/supervision/board/",
        "/office/supervision/orders/new/",
        "/office/supervision/bulletin/",
        "/office/org/units/",
        "/office/org/people/",
        "/api/v1/docs",
    ]:
        visit(page, base + url)
        assert seen == [], (url, seen)
    # The filter box of the form's co-units (js/checklists.js) and the bars (js/layout.js) work.
    page.goto(f"{base}/office/reforms/{reform.pk}/edit/")
    assert page.locator(".rl-checklist-filter").first.is_visible()
    page.goto(f"{base}/office/supervision/reforms/{reform.pk}/tasks/")
    widths = page.locator(".rl-gantt-bar").evaluate_all("bars => bars.map(b => b.style.width)")
    assert widths and all(w.endswith("%") for w in widths), widths
    assert seen == [], seen


def test_the_admin_runs_under_the_policy(live_server, new_page, people):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    base = live_server.url
    page = new_page()
    seen = watch(page)
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    for url in ["/admin/", "/admin/org/user/", f"/admin/org/user/{people.office.pk}/change/", "/admin/reforms/reform/add/"]:
        visit(page, base + url)
    assert seen == [], seen


def test_an_injected_inline_script_is_blocked(live_server, new_page, people):
    page = new_page()
    seen = watch(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s); }"
    )
    assert page.evaluate("window.injected") is None
    assert any("script-src" in text for text in seen), seen
