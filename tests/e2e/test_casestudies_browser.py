"""Case studies in a real browser (issue 11 part 6): axe-core finds no serious or critical problem on
the public list and page (with a picture) nor on the office's pages, and the public filters update
the list in place (htmx)."""

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.casestudies.services import materials as material_services
from tests.casestudies.helpers import png_upload, published_case, reform_with_evidence
from tests.e2e.test_accessibility import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_case_study_pages_pass_axe_and_filter_in_place(live_server, new_page, people, district, reform_factory):
    reform = reform_with_evidence(reform_factory, district, people, title="罗湖医改")[0]
    day = timezone.localdate() - dt.timedelta(days=3)
    case = published_case(people.office, reform, adoptions=[("nation", "国家卫生健康委员会", day)])
    material_services.add_material(user=people.office, case=case, upload=png_upload(width=40, height=30), caption="集团揭牌")
    other = published_case(people.office, reform_factory(status="in_progress", title="物业管理改革", tier="micro"))
    page = new_page()
    for url in ["/case-studies/", f"/case-studies/{case.pk}/"]:
        page.goto(live_server.url + url)
        assert serious_violations(page) == [], url
    page.goto(live_server.url + "/case-studies/")
    page.select_option("#id_level", "nation")
    page.wait_for_url("**level=nation**")
    page.wait_for_load_state("networkidle")
    results = page.inner_text("#results")
    assert case.title in results and other.title not in results
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "pw")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    for url in ["/office/case-studies/", f"/office/case-studies/{case.pk}/", f"/office/case-studies/{case.pk}/edit/",
                f"/office/case-studies/{case.pk}/adoptions/new/"]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == [], url
