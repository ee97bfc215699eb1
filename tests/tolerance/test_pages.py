"""The pages: the applicant's (my cases, choosing a reform, the form), the case page with the opinion
form, the reviewers' queue, the office's checklist editor; bad input back on the form with 400 and
nothing written; query counts on every list."""

from __future__ import annotations

import pytest

from reformledger.tolerance.models import CaseState, ChecklistItem, ItemKind, ToleranceCase
from reformledger.tolerance.registrations import pending_count
from tests.tolerance.conftest import answers, pdf

pytestmark = pytest.mark.django_db


def form_data(district_unit, **extra):
    data = {"what_happened": "居民意见不一，工程终止。", "year": "2016"}
    for code, (answer, explanation) in answers(district_unit).items():
        data[f"answer_{code}"] = "yes" if answer else "no"
        data[f"explain_{code}"] = explanation
    return {**data, **extra}


def test_apply_through_the_form(people, failed_reform, district, client_for):
    client = client_for(people.unit_staff)
    chooser = client.get("/tolerance/apply/")
    assert chooser.status_code == 200 and failed_reform.code.encode() in chooser.content
    assert client.get(f"/tolerance/reforms/{failed_reform.pk}/apply/").status_code == 200
    response = client.post(f"/tolerance/reforms/{failed_reform.pk}/apply/", {**form_data(district.district), "evidence": [pdf()]})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = ToleranceCase.objects.get()
    assert response["Location"] == f"/tolerance/cases/{case.pk}/" and case.evidence.count() == 1


def test_bad_input_goes_back_on_the_form(people, failed_reform, district, client_for):
    data = form_data(district.district, what_happened="")
    data["explain_procedures"] = ""
    response = client_for(people.unit_staff).post(f"/tolerance/reforms/{failed_reform.pk}/apply/", data)
    assert response.status_code == 400
    assert b"Nothing was saved" in response.content and b"Explain your answer" in response.content
    assert not ToleranceCase.objects.exists()


def test_the_form_refuses_people_not_responsible(people, failed_reform, other_people, client_for):
    assert client_for(people.other_staff).get(f"/tolerance/reforms/{failed_reform.pk}/apply/").status_code == 403
    assert client_for(people.office).get("/tolerance/apply/").status_code == 403
    assert client_for(other_people.office).get(f"/tolerance/reforms/{failed_reform.pk}/apply/").status_code == 404


def test_opinions_through_the_case_page(people, discipline, failed_reform, apply_case, client_for):
    case = apply_case(people.unit_staff, failed_reform)
    office = client_for(people.office)
    page = office.get(f"/tolerance/cases/{case.pk}/")
    assert b"Your opinion" in page.content
    bad = office.post(f"/tolerance/cases/{case.pk}/opinion/", {"outcome": "partly", "reasons": "x"})
    assert bad.status_code == 400 and b"share waived" in bad.content
    assert office.post(f"/tolerance/cases/{case.pk}/opinion/", {"outcome": "exempt", "reasons": "同意"}).status_code == 302
    assert client_for(discipline).post(
        f"/tolerance/cases/{case.pk}/opinion/", {"outcome": "rejected", "reasons": "不同意"}
    ).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.outcome == "rejected"
    frozen = office.get(f"/tolerance/cases/{case.pk}/")
    assert f"/tolerance/cases/{case.pk}/opinion/".encode() not in frozen.content and b"frozen" in frozen.content
    assert client_for(people.unit_staff).post(f"/tolerance/cases/{case.pk}/opinion/", {"outcome": "exempt", "reasons": "x"}).status_code == 403


def test_withdraw_through_the_case_page(people, failed_reform, apply_case, client_for):
    case = apply_case(people.unit_staff, failed_reform)
    assert client_for(people.office).post(f"/tolerance/cases/{case.pk}/withdraw/", {"reason": "x"}).status_code == 403
    client = client_for(people.unit_staff)
    assert client.post(f"/tolerance/cases/{case.pk}/withdraw/", {"reason": ""}).status_code == 400
    assert client.post(f"/tolerance/cases/{case.pk}/withdraw/", {"reason": "已整改完成"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN


def test_lists_keep_their_query_counts(people, discipline, reform_factory, apply_case, client_for, django_assert_max_num_queries):
    for n in range(6):
        apply_case(people.unit_staff, reform_factory(code=f"LH-Q{n}", status="terminated", year=2016))
    for user, path in ((people.unit_staff, "/tolerance/"), (people.office, "/tolerance/queue/"), (discipline, "/tolerance/queue/"),
                       (people.office, "/tolerance/queue/?state=decided"), (people.unit_staff, "/tolerance/apply/"),
                       (people.office, "/tolerance/checklist/")):
        client = client_for(user)
        client.get(path)  # warm the navigation's cache
        with django_assert_max_num_queries(8):  # session, user, versions, the list's count and page (with opinions), the badge
            assert client.get(path).status_code == 200


def test_the_checklist_editor(people, discipline, district, other_people, client_for):
    office = client_for(people.office)
    page = office.get("/tolerance/checklist/")
    assert page.status_code == 200 and "出于公心".encode() in page.content
    response = office.post("/tolerance/checklist/items/", {"district": district.district.pk, "kind": "negative", "text": "违规举债", "sort_order": 9})
    assert response.status_code == 302
    item = ChecklistItem.objects.get(text="违规举债")
    assert item.kind == ItemKind.NEGATIVE
    bad = office.post(f"/tolerance/checklist/items/{item.pk}/", {"district": district.district.pk, f"i{item.pk}-text": "", f"i{item.pk}-sort_order": 9})
    assert bad.status_code == 400
    ok = office.post(f"/tolerance/checklist/items/{item.pk}/", {f"i{item.pk}-text": "违规举债融资", f"i{item.pk}-sort_order": 9})
    assert ok.status_code == 302
    item.refresh_from_db()
    assert item.text == "违规举债融资" and not item.is_active
    reader = client_for(discipline)
    assert reader.get("/tolerance/checklist/").status_code == 200
    assert reader.post(f"/tolerance/checklist/items/{item.pk}/", {f"i{item.pk}-text": "改", f"i{item.pk}-sort_order": 1}).status_code == 403
    assert client_for(other_people.office).post(f"/tolerance/checklist/items/{item.pk}/", {}).status_code == 404
    assert client_for(people.committee).get("/tolerance/checklist/").status_code == 403


def test_the_reform_page_offers_its_responsible_people_to_apply(people, failed_reform, client_for):
    apply_url = f"/tolerance/reforms/{failed_reform.pk}/apply/".encode()
    assert apply_url in client_for(people.unit_staff).get(f"/office/reforms/{failed_reform.pk}/").content
    assert apply_url not in client_for(people.office).get(f"/office/reforms/{failed_reform.pk}/").content
    assert apply_url not in client_for(people.other_staff).get(f"/office/reforms/{failed_reform.pk}/").content


def test_the_case_page_keeps_its_query_count(people, discipline, failed_reform, apply_case, client_for, django_assert_max_num_queries):
    case = apply_case(people.unit_staff, failed_reform, evidence=[pdf()])
    for user in (people.unit_staff, people.office, discipline):
        client = client_for(user)
        client.get(f"/tolerance/cases/{case.pk}/")
        with django_assert_max_num_queries(10):  # the case and its answers, files, opinions; similar cases for reviewers
            assert client.get(f"/tolerance/cases/{case.pk}/").status_code == 200


def test_the_menu_badge_counts_pending_cases_and_follows_new_ones(people, discipline, failed_reform, reform_factory, apply_case, rf):
    request = rf.get("/")
    request.user = people.office
    assert pending_count(request) == 0
    apply_case(people.unit_staff, failed_reform)
    assert pending_count(request) == 1  # the application's audited write bumped the district's tolerance scope
    request.user = discipline
    assert pending_count(request) == 1


def test_the_province_office_reads_each_districts_checklist(province_office, district, other_district, client_for):
    client = client_for(province_office)
    page = client.get("/tolerance/checklist/")
    assert page.status_code == 200 and b'name="district"' in page.content
    other = client.get("/tolerance/checklist/", {"district": other_district.district.pk})
    assert other.status_code == 200 and other_district.district.name.encode() in other.content
    assert b"checklist/items/" not in other.content  # reads, changes nothing
