"""The API: apply (JSON, or multipart with evidence), decide, the scoped paginated list and one case;
422 naming the field on bad input, nothing written."""

from __future__ import annotations

import json

import pytest

from reformledger.tolerance.models import CaseEvidence, CaseReview, ToleranceCase
from tests.clients import errors_by_field, multipart
from tests.tolerance.conftest import answers, pdf

pytestmark = pytest.mark.django_db


def body(reform, district_unit, **extra):
    given = answers(district_unit)
    return {
        "reform": reform.pk, "year": 2016, "what_happened": "居民意见不一，工程终止。",
        "answers": [{"code": code, "answer": a, "explanation": e} for code, (a, e) in given.items()], **extra,
    }


def test_apply_with_json(api, people, failed_reform, district):
    response = api.post("/tolerance-cases", people.unit_staff, body(failed_reform, district.district))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "submitted" and data["unit"] == district.sub_a.pk and len(data["answers"]) == 11


def test_apply_with_multipart_and_evidence(api, people, failed_reform, district):
    data = body(failed_reform, district.district)
    data["answers"] = json.dumps(data["answers"])
    response = multipart(api, "/tolerance-cases", people.unit_staff, {**data, "evidence": [pdf("a.pdf"), pdf("b.pdf")]})
    assert response.status_code == 201, response.json()
    assert [e["name"] for e in response.json()["evidence"]] == ["a.pdf", "b.pdf"]
    assert CaseEvidence.objects.count() == 2


def test_bad_input_is_422_naming_the_field(api, people, failed_reform, district):
    sent = body(failed_reform, district.district, year=1990)
    sent["answers"] = [a for a in sent["answers"] if a["code"] != "procedures"]
    sent["answers"].append(sent["answers"][0])
    response = api.post("/tolerance-cases", people.unit_staff, sent)
    assert response.status_code == 422
    assert "answers.within-law" in errors_by_field(response)
    sent["answers"].pop()
    response = api.post("/tolerance-cases", people.unit_staff, sent)
    assert {"answers.procedures", "year"} <= set(errors_by_field(response))
    response = api.post("/tolerance-cases", people.unit_staff, {"reform": failed_reform.pk})
    assert "what_happened" in errors_by_field(response)
    bad_file = body(failed_reform, district.district)
    bad_file["answers"] = json.dumps(bad_file["answers"])
    response = multipart(api, "/tolerance-cases", people.unit_staff, {**bad_file, "evidence": [pdf("a.exe")]})
    assert response.status_code == 422 and "evidence" in errors_by_field(response)
    assert not ToleranceCase.objects.exists() and not CaseEvidence.objects.exists()


def test_who_may_apply(api, people, other_people, failed_reform, district):
    assert api.post("/tolerance-cases", people.other_staff, body(failed_reform, district.district)).status_code == 403
    assert api.post("/tolerance-cases", people.office, body(failed_reform, district.district)).status_code == 403
    assert api.post("/tolerance-cases", other_people.office, body(failed_reform, district.district)).status_code == 404
    assert api.post("/tolerance-cases", None, body(failed_reform, district.district)).status_code == 401
    assert not ToleranceCase.objects.exists()


def test_decide_and_read(api, people, discipline, failed_reform, district, province_office):
    case = api.post("/tolerance-cases", people.unit_staff, body(failed_reform, district.district)).json()
    path = f"/tolerance-cases/{case['id']}/decide"
    assert api.post(path, people.unit_staff, {"outcome": "exempt", "reasons": "x"}).status_code == 403
    assert api.post(path, province_office, {"outcome": "exempt", "reasons": "x"}).status_code == 403
    assert api.post(path, people.committee, {"outcome": "exempt", "reasons": "x"}).status_code == 404
    bad = api.post(path, people.office, {"outcome": "partly", "reasons": "x"})
    assert bad.status_code == 422 and "waiver" in errors_by_field(bad)
    for nonsense in ("nan", "inf", "-1", "1"):
        bad = api.post(path, people.office, {"outcome": "partly", "waiver": nonsense, "reasons": "x"})
        assert bad.status_code == 422 and "waiver" in errors_by_field(bad), nonsense
    assert not CaseReview.objects.exists()
    first = api.post(path, people.office, {"outcome": "partly", "waiver": "0.6", "reasons": "部分免责"})
    assert first.status_code == 200 and first.json()["state"] == "submitted"
    second = api.post(path, discipline, {"outcome": "exempt", "reasons": "同意"})
    assert second.json()["state"] == "decided" and second.json()["outcome"] == "partly" and second.json()["waiver"] == "0.600"
    again = api.post(path, discipline, {"outcome": "rejected", "reasons": "改判"})
    assert again.status_code == 422 and "state" in errors_by_field(again)
    assert api.get(f"/tolerance-cases/{case['id']}", province_office).json()["outcome"] == "partly"


def test_the_list_is_scoped_and_paginated(api, people, discipline, failed_reform, reform_factory, apply_case, django_assert_max_num_queries):
    for n in range(4):
        reform = reform_factory(code=f"LH-L{n}", status="terminated", year=2016)
        apply_case(people.unit_staff, reform)
    api.token(people.office)
    with django_assert_max_num_queries(10):  # the token, versions, the actor (2), the count, the page, its opinions
        page = api.get("/tolerance-cases", people.office, page_size=3)
    assert page.status_code == 200 and page.json()["count"] == 4 and len(page.json()["items"]) == 3
    assert api.get("/tolerance-cases", discipline, page=2, page_size=3).json()["items"].__len__() == 1
    assert api.get("/tolerance-cases", people.unit_staff, state="submitted").json()["count"] == 4
    assert api.get("/tolerance-cases", people.unit_head).json()["count"] == 0
    assert api.get("/tolerance-cases", people.office, state="nonsense").status_code == 422
