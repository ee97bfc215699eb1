"""Screenshots of the annual assessment, fault tolerance and case studies (issue 11) from a running
demo (not a test): ``python tests/e2e/screenshots_issue11.py http://127.0.0.1:8104 docs/screenshots``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.screenshots import CHROMIUM_ARGS, PASSWORD


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def new_page(username: str | None = None):
            page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
            page.goto(base + "/")
            if username:
                page.goto(base + "/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.click("form[action='/accounts/login/'] button[type=submit]")
                page.wait_for_load_state("networkidle")
            return page

        def shoot(page, name: str, url: str, full_page: bool = False) -> None:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
            print("saved", name, url)

        def first_link(page, url: str, pattern: str) -> str:
            page.goto(base + url)
            links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            return next(h for h in links if re.fullmatch(pattern, h))

        office = new_page("office")
        shoot(office, "assessment-schemes", "/assessment/office/schemes/")
        scheme = first_link(office, "/assessment/office/schemes/", r"/assessment/office/schemes/\d+/")
        shoot(office, "assessment-scheme", scheme, full_page=True)
        office.goto(base + scheme + "what-if/")
        office.select_option("select[name=clause]", "3.3")  # the commendation bonus, left out
        office.check("input[name=remove]")
        office.click("form button[type=submit]:has-text('预览')")
        office.wait_for_load_state("networkidle")
        office.screenshot(path=str(out / "assessment-what-if.png"))
        print("saved assessment-what-if")
        version = first_link(office, "/assessment/office/versions/", r"/assessment/office/versions/\d+/")
        shoot(office, "assessment-ranking", version)
        unit = first_link(office, version, r"/assessment/office/versions/\d+/units/\d+/")
        shoot(office, "assessment-unit-breakdown", unit, full_page=True)
        shoot(office, "assessment-appeal-queue", "/assessment/office/appeals/")
        shoot(office, "assessment-commendations", "/assessment/office/commendations/")
        shoot(office, "tolerance-queue", "/tolerance/queue/")
        case = first_link(office, "/tolerance/queue/", r"/tolerance/cases/\d+/")
        shoot(office, "tolerance-case", case, full_page=True)
        shoot(office, "tolerance-precedents", "/tolerance/precedents/")

        discipline = new_page("discipline")
        shoot(discipline, "tolerance-discipline-queue", "/tolerance/queue/")

        unit_page = new_page("unit")
        shoot(unit_page, "assessment-my-score", "/assessment/my-score/", full_page=True)

        public = new_page()
        shoot(public, "public-rankings", "/assessment/rankings/")
        ranking = first_link(public, "/assessment/rankings/", r"/assessment/rankings/\d+/")
        shoot(public, "public-ranking", ranking)
        browser.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
