"""Take the screenshots of the supervision pages from a running demo (not a test).

    reformledger demo-data && reformledger serve --port 8104 &
    .venv/bin/python tests/e2e/screenshots_supervision.py http://127.0.0.1:8104 docs/screenshots

1280 pixels wide, Chinese UI: my tasks and the inbox as the demo unit's staff, the warning board, a
reform's task tree with its timeline, a task's page, the reform's page, the orders, an order, the
bulletin and a change request as the office. Log-ins are the demo accounts
(password ``demo12345``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "demo12345"  # the demo accounts' documented password


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def log_in(username: str):
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN", device_scale_factor=1)
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/accounts/login/'] button[type=submit]")
            page.wait_for_load_state("networkidle")
            return page

        def shoot(page, name: str, url: str, full_page: bool = False) -> None:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"supervision-{name}.png"), full_page=full_page)
            print("saved", name)

        unit = log_in("unit")
        shoot(unit, "my-tasks", "/office/supervision/?scope=unit", full_page=True)
        shoot(unit, "inbox", "/office/supervision/inbox/")

        office = log_in("office")
        shoot(office, "board", "/office/supervision/board/")
        # The tree of the reform with the most red tasks on the board's first page.
        office.goto(base + "/office/supervision/board/?level=red")
        tree = office.locator("#results tbody td a[href*='/reforms/']").first.get_attribute("href")
        shoot(office, "tree", tree, full_page=True)
        # A task with reports waiting for review (with their evidence), from the office's queue.
        office.goto(base + "/office/supervision/reports/")
        task = office.locator(".rl-sv-queue > li:has(a[href*='/evidence/']) h2 a").first.get_attribute("href").split("#")[0]
        shoot(office, "task", task, full_page=True)
        # The reform's own page with its supervision box and what the office may do about it.
        shoot(office, "reform", tree.replace("/office/supervision/reforms/", "/office/reforms/").replace("/tasks/", "/"))
        shoot(office, "orders", "/office/supervision/orders/")
        office.goto(base + "/office/supervision/orders/")
        order = office.locator("table tbody td a[href*='/orders/']").first.get_attribute("href")
        shoot(office, "order", order, full_page=True)
        shoot(office, "bulletin", "/office/supervision/bulletin/", full_page=True)
        office.goto(base + "/office/supervision/decisions/")
        change = office.locator("a[href*='/changes/']").first.get_attribute("href")
        shoot(office, "change", change, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
