"""Take the README's screenshots of every page from a running demo (not a test).

    reformledger demo-data && reformledger serve --port 8104 &
    .venv/bin/python tests/e2e/screenshots.py http://127.0.0.1:8104 docs/screenshots

Desktop 1440x900 for every page, plus a phone (390x844) for the public catalogue and the
office catalogue. Log-ins are the demo accounts (password ``demo12345``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo12345"  # the demo accounts' documented password


def main(base: str, out: Path, lang: str = "zh-hans") -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def shoot(page, name: str, url: str, full_page: bool = True) -> None:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
            print("saved", name)

        def new_page(viewport: dict, username: str | None = None):
            context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
            page = context.new_page()
            page.goto(base + "/")
            if lang != "zh-hans":
                page.locator(f"button[name=language][value={lang}]").first.click()
            if username:
                page.goto(base + "/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.click("form[action='/accounts/login/'] button[type=submit]")
                page.wait_for_load_state("networkidle")
            return page

        desktop = {"width": 1440, "height": 900}
        phone = {"width": 390, "height": 844}

        public = new_page(desktop)
        shoot(public, "public-home", "/")
        shoot(public, "public-catalogue", "/reforms/", full_page=False)
        first = public.locator(".rl-card h3 a").first.get_attribute("href")
        shoot(public, "public-detail", first)
        shoot(public, "login", "/accounts/login/", full_page=False)

        office = new_page(desktop, "office")
        shoot(office, "office-workbench", "/office/")
        shoot(office, "office-catalogue", "/office/reforms/?tier=key", full_page=False)
        office.goto(base + "/office/reforms/?q=%E6%A3%9A%E6%94%B9")
        href = office.locator("#results tbody a").first.get_attribute("href")
        reform_id = re.search(r"/(\d+)/", href).group(1)
        shoot(office, "office-detail", f"/office/reforms/{reform_id}/")
        shoot(office, "office-edit", f"/office/reforms/{reform_id}/edit/")
        shoot(office, "office-units", "/office/org/units/", full_page=False)
        shoot(office, "office-people", "/office/org/people/", full_page=False)
        office.goto(base + "/office/org/people/")
        people = office.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        person = next(h for h in people if re.fullmatch(r"/office/org/people/\d+/", h))
        shoot(office, "office-person", person)
        office.goto(base + "/office/org/units/")
        units = office.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        shoot(office, "office-unit", next(h for h in units if re.fullmatch(r"/office/org/units/\d+/", h)))
        shoot(office, "password-change", "/accounts/password/change/", full_page=False)
        shoot(office, "office-ledger-import", "/office/ledger/import/", full_page=False)
        shoot(office, "not-found", "/office/reforms/999999/", full_page=False)

        english = new_page(desktop, "office")
        english.goto(base + "/office/")
        english.locator("button[name=language][value=en]").first.click()
        english.wait_for_load_state("networkidle")
        shoot(english, "office-workbench-en", "/office/", full_page=False)

        province = new_page(desktop, "province")
        shoot(province, "province-workbench", "/office/", full_page=False)
        shoot(province, "province-catalogue", "/office/reforms/", full_page=False)

        unit = new_page(desktop, "unit")
        shoot(unit, "unit-catalogue", "/office/reforms/", full_page=False)

        mobile = new_page(phone)
        shoot(mobile, "phone-public-catalogue", "/reforms/", full_page=False)
        shoot(mobile, "phone-public-home", "/", full_page=False)
        mobile_office = new_page(phone, "office")
        shoot(mobile_office, "phone-office-catalogue", "/office/reforms/", full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]), *(sys.argv[3:4]))
