"""Browser tests: a real headless Chromium against pytest-django's live server."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run under one
# unless told it is safe (it is: the loop is Playwright's, not an async view).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make system-deps)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """``new_page(viewport=None)``: a fresh browser context (own cookies) and page; closed afterwards."""
    contexts = []

    def make(viewport: dict | None = None):
        # A browser set to Chinese, as on the district's intranet (Accept-Language: zh-CN).
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
