"""A case is seen by its applicant, its district's office and discipline reviewers, and the province
office (reads, ADR 0047); 404 for everyone else: other staff of the same unit, leaders, the
committee, another district. A discipline reviewer carries no reform: the office pages are not theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reformledger.org.selectors import actor_for, has_full_access
from reformledger.tolerance.rules import discipline_district_ids
from tests.tolerance.conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(people, failed_reform, apply_case):
    return apply_case(people.unit_staff, failed_reform, evidence=[pdf()])


def test_who_sees_a_case(people, other_people, discipline, other_discipline, province_office, case, client_for, api):
    seeing = {"applicant": people.unit_staff, "office": people.office, "discipline": discipline, "province": province_office}
    hidden = {
        "unit_head": people.unit_head, "other_staff": people.other_staff, "leader_main": people.leader_main,
        "leader_domain": people.leader_domain, "committee": people.committee, "expert": people.expert,
        "other_office": other_people.office, "other_discipline": other_discipline, "other_staff_b": other_people.unit_staff,
    }
    evidence = case.evidence.get()
    for name, user in seeing.items():
        client = client_for(user)
        assert client.get(f"/tolerance/cases/{case.pk}/").status_code == 200, name
        assert client.get(f"/tolerance/cases/{case.pk}/files/{evidence.pk}/").status_code == 200, name
        assert api.get(f"/tolerance-cases/{case.pk}", user).status_code == 200, name
    for name, user in hidden.items():
        client = client_for(user)
        assert client.get(f"/tolerance/cases/{case.pk}/").status_code == 404, name
        assert client.get(f"/tolerance/cases/{case.pk}/files/{evidence.pk}/").status_code == 404, name
        assert api.get(f"/tolerance-cases/{case.pk}", user).status_code == 404, name
        assert api.get("/tolerance-cases", user).json()["count"] == 0, name
    assert client_for(None).get(f"/tolerance/cases/{case.pk}/").status_code == 302


def test_the_discipline_reviewer_in_org(discipline, district):
    actor = actor_for(discipline)
    assert not actor.unit_ids and not actor.district_ids and not actor.is_office
    assert not has_full_access(actor)
    assert discipline_district_ids(actor) == {district.district.pk}


def test_the_discipline_reviewer_uses_the_tolerance_pages_not_the_office_pages(discipline, client_for, failed_reform):
    client = client_for(discipline)
    assert client.get("/office/reforms/").status_code in (302, 403)
    assert client.get(f"/office/reforms/{failed_reform.pk}/").status_code in (302, 403, 404)
    page = client.get("/tolerance/queue/")
    assert page.status_code == 200
    assert b"/tolerance/precedents/" in page.content
    assert b"/office/reforms/" not in page.content  # the bar shows the tolerance pages alone
    assert client.get("/tolerance/").status_code == 403  # carries no reform: applies for nothing
    assert client.get("/").status_code == 200


def test_the_queue_lists_the_reviewers_districts_only(people, other_people, discipline, case, client_for):
    assert case.reform.code.encode() in client_for(people.office).get("/tolerance/queue/").content
    assert case.reform.code.encode() in client_for(discipline).get("/tolerance/queue/").content
    assert case.reform.code.encode() not in client_for(other_people.office).get("/tolerance/queue/").content
    assert client_for(people.committee).get("/tolerance/queue/").status_code == 403
    assert client_for(people.unit_head).get("/tolerance/queue/").status_code == 403


def test_the_office_does_not_manage_its_discipline_reviewers(people, discipline, client_for):
    """The supervised cannot change what supervises them: no reset, no deactivation, no edit."""
    assert not people.office.has_perm("org.manage_person", discipline)
    assert not people.office.has_perm("org.reset_password", discipline)
    assert not people.office.has_perm("org.deactivate_person", discipline)
    assert people.office.has_perm("org.manage_person", people.unit_staff)


def test_signing_in_takes_the_discipline_reviewer_to_the_queue(discipline, client_for):
    response = client_for(discipline).get(reverse("cockpit:start"))
    assert response.status_code == 302 and response["Location"] == reverse("tolerance:queue")
