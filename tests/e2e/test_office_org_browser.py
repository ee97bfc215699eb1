"""The office's pages for units and people, in a browser: no serious accessibility problem (axe),
and a one-time password issued behind its confirmation (confirm.js, no inline script)."""

import pytest

from reformledger.org.models import User
from tests.e2e.test_accessibility import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_the_office_s_org_pages_pass_axe_and_confirm_before_a_one_time_password(live_server, new_page, people, district):
    page = new_page()
    sign_in(page, live_server.url, "office", "pw")
    for url in ["/office/org/units/new/", f"/office/org/units/{district.sub_a.pk}/", "/office/org/people/new/",
                f"/office/org/people/{people.unit_staff.pk}/", "/accounts/password/change/"]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], url
    page.goto(live_server.url + f"/office/org/people/{people.unit_staff.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"form[action=\"/office/org/people/{people.unit_staff.pk}/password/\"] button")
    assert not User.objects.get(pk=people.unit_staff.pk).must_change_password  # cancelled: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"form[action=\"/office/org/people/{people.unit_staff.pk}/password/\"] button")
    page.wait_for_selector("#one-time-password")
    password = page.inner_text("#one-time-password").strip()
    assert serious_violations(page) == []
    # The person signs in with it and is sent to choose their own.
    other = new_page()
    sign_in(other, live_server.url, "unit_staff", password)
    assert "/accounts/password/change/" in other.url
    assert serious_violations(other) == []
