"""The office's and the units' pages: who sees which case (404 for other units and districts),
who may use which form (403), bad input back on the form with nothing written, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.casestudies.models import Adoption, CaseStudy, CaseStudyState
from tests.casestudies.helpers import SECTIONS, published_case, reform_with_evidence, written_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform(reform_factory, district, people):
    return reform_with_evidence(reform_factory, district, people, title="罗湖医改")[0]


@pytest.fixture
def case(people, reform):
    return written_case(people.unit_staff, reform)


READERS = ("office", "committee", "leader_main", "unit_staff", "unit_head")


@pytest.mark.parametrize("who", READERS)
def test_the_case_page_for_its_readers(client_for, people, case, who):
    response = client_for(getattr(people, who)).get(f"/office/case-studies/{case.pk}/")
    assert response.status_code == 200
    assert case.title in response.content.decode()


def test_others_get_404_or_403(client_for, people, other_people, province_office, case):
    url = f"/office/case-studies/{case.pk}/"
    assert client_for(people.other_staff).get(url).status_code == 404
    assert client_for(other_people.office).get(url).status_code == 404
    assert client_for(people.resident).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(province_office).get(url).status_code == 200
    assert client_for(province_office).post(f"/office/case-studies/{case.pk}/publish/").status_code == 403
    assert client_for(other_people.office).post(f"/office/case-studies/{case.pk}/publish/").status_code == 404
    assert CaseStudy.objects.get().state == CaseStudyState.DRAFT


def test_list_shows_each_their_own(client_for, people, other_people, province_office, case, reform_factory):
    other = reform_factory(lead_unit=people.other_staff.memberships.get().unit, status="in_progress", title="物业管理改革")
    written_case(people.office, other)
    def titles(user):
        return client_for(user).get("/office/case-studies/").content.decode()
    assert case.title in titles(people.unit_staff) and "物业管理改革的经验" not in titles(people.unit_staff)
    assert "物业管理改革的经验" in titles(people.other_staff) and case.title not in titles(people.other_staff)
    assert case.title in titles(people.office) and "物业管理改革的经验" in titles(people.office)
    assert case.title not in titles(other_people.office)
    assert case.title in titles(province_office)


def test_list_query_count(client_for, people, reform_factory, django_assert_max_num_queries):
    for n in range(12):
        r = reform_factory(status="in_progress", title=f"改革{n}")
        written_case(people.office, r)
    client = client_for(people.office)
    client.get("/office/case-studies/")
    with django_assert_max_num_queries(14):
        response = client.get("/office/case-studies/")
    assert response.status_code == 200 and response.content.decode().count("改革11的经验") == 1


def test_the_unit_edits_its_draft_and_bad_input_comes_back(client_for, people, case):
    client = client_for(people.unit_staff)
    url = f"/office/case-studies/{case.pk}/edit/"
    assert client.get(url).status_code == 200
    data = {
        "title": "", **SECTIONS, "outcomes-TOTAL_FORMS": "1", "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-indicator": "社康诊疗量占比", "outcomes-0-after": "abc",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.title != ""
    data.update({"title": "医改经验", "outcomes-0-after": "61.5"})
    response = client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "医改经验" and case.outcome_rows.get().indicator == "社康诊疗量占比"


def test_submit_return_publish_adopt_unpublish_through_the_pages(client_for, people, case):
    unit, office = client_for(people.unit_head), client_for(people.office)
    assert unit.post(f"/office/case-studies/{case.pk}/submit/").status_code == 302
    assert unit.get(f"/office/case-studies/{case.pk}/edit/").status_code == 403
    assert office.post(f"/office/case-studies/{case.pk}/return/", {"reason": ""}).status_code == 400
    assert office.post(f"/office/case-studies/{case.pk}/return/", {"reason": "补充数据"}).status_code == 302
    assert CaseStudy.objects.get().state == CaseStudyState.DRAFT
    assert unit.post(f"/office/case-studies/{case.pk}/submit/").status_code == 302
    assert office.post(f"/office/case-studies/{case.pk}/publish/").status_code == 302
    assert CaseStudy.objects.get().state == CaseStudyState.PUBLISHED
    url = f"/office/case-studies/{case.pk}/adoptions/new/"
    assert unit.get(url).status_code == 403
    day = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    bad = office.post(url, {"level": "nation", "place": "", "adopted_on": day})
    assert bad.status_code == 400 and not Adoption.objects.exists()
    ok = office.post(url, {"level": "nation", "place": "国家卫生健康委", "adopted_on": day, "document_number": "国卫〔2017〕1号"})
    assert ok.status_code == 302 and Adoption.objects.get().level == "nation"
    assert office.post(f"/office/case-studies/{case.pk}/unpublish/", {"reason": "数据更正"}).status_code == 302
    assert CaseStudy.objects.get().state == CaseStudyState.SUBMITTED


def test_new_case_from_the_reform(client_for, people, reform, reform_factory):
    client = client_for(people.unit_staff)
    page = client.get(f"/office/case-studies/new/?reform={reform.pk}")
    assert page.status_code == 200 and reform.title in page.content.decode()
    response = client.post("/office/case-studies/new/", {"reform": reform.pk, "title": "医改经验"})
    assert response.status_code == 302 and CaseStudy.objects.get().drafted_by == people.unit_staff
    # a reform of another unit is not among the choices
    other = reform_factory(lead_unit=people.other_staff.memberships.get().unit, status="in_progress")
    assert client.post("/office/case-studies/new/", {"reform": other.pk, "title": "x"}).status_code == 400
    assert client_for(people.committee).get("/office/case-studies/new/").status_code == 403
    assert client_for(people.other_staff).get(f"/office/case-studies/new/?reform={reform.pk}").status_code == 404


def test_the_reform_page_panel(client_for, people, reform, other_people):
    office = client_for(people.office)
    page = office.get(f"/office/reforms/{reform.pk}/").content.decode()
    assert "/office/case-studies/new/?reform=" in page
    case = published_case(people.office, reform)
    page = office.get(f"/office/reforms/{reform.pk}/").content.decode()
    assert f"/office/case-studies/{case.pk}/" in page and f"/case-studies/{case.pk}/" in page
    page = client_for(people.committee).get(f"/office/reforms/{reform.pk}/").content.decode()
    assert f"/office/case-studies/{case.pk}/" in page


def test_menu_entry_and_badge(client_for, people, case):
    client = client_for(people.unit_staff)
    client.post(f"/office/case-studies/{case.pk}/submit/")
    page = client_for(people.office).get("/office/case-studies/").content.decode()
    assert 'href="/office/case-studies/"' in page


def test_withdrawing_an_adoption_through_its_page(client_for, people, other_people, reform):
    day = timezone.localdate() - dt.timedelta(days=2)
    case = published_case(people.office, reform, adoptions=[("nation", "国家卫生健康委", day)])
    adoption = case.adoptions.get()
    url = f"/office/case-studies/{case.pk}/adoptions/{adoption.pk}/withdraw/"
    assert client_for(people.unit_head).get(url).status_code == 403
    assert client_for(other_people.office).get(url).status_code == 404
    office = client_for(people.office)
    assert "Withdraw (recorded by mistake)" in office.get(f"/office/case-studies/{case.pk}/").content.decode()
    assert office.post(url, {"reason": ""}).status_code == 400
    assert office.post(url, {"reason": "误登"}).status_code == 302
    page = client_for(None).get(f"/case-studies/{case.pk}/").content.decode()
    assert "国家卫生健康委" not in page
    assert "误登" in office.get(f"/office/case-studies/{case.pk}/").content.decode()
