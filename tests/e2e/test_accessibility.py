"""axe-core (vendored) finds no serious or critical accessibility problem on the main pages."""

import pytest

from reformledger.reforms.models import Status, Tier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Loaded from the live server's own static files: the Content-Security-Policy (ADR 0029) refuses an
#: inline script, which is what add_script_tag(path=...) would add.
AXE = "/static/vendor/axe-core/axe.min.js"


def serious_violations(page) -> list[str]:
    page.add_script_tag(url=page.evaluate("location.origin") + AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_public_and_office_pages_pass_axe(live_server, new_page, people, reform_factory):
    reform = reform_factory(code="AX-1", title="“放管服”改革", tier=Tier.KEY, status=Status.IN_PROGRESS,
                            public_summary="一网通办。")
    page = new_page()
    for url in ["/", "/reforms/", f"/reforms/{reform.pk}/", "/accounts/login/"]:
        page.goto(live_server.url + url)
        assert serious_violations(page) == [], url
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    for url in ["/office/", "/office/reforms/", f"/office/reforms/{reform.pk}/", f"/office/reforms/{reform.pk}/edit/",
                "/office/org/units/", "/office/org/people/"]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], url
