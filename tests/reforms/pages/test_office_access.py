"""Who may open which office page: every page for each role, refused for those who may not."""

import pytest
from django.urls import reverse

from reformledger.reforms.models import Status

OFFICE_MEMBERS = ["office", "committee", "leader_main", "leader_domain", "unit_head", "unit_staff", "other_staff"]
OUTSIDERS = ["expert", "resident"]


@pytest.fixture
def reform(reform_factory, district):
    return reform_factory(code="LH-1", status=Status.IN_PROGRESS, lead_unit=district.sub_a)


def office_urls(reform) -> list[str]:
    return [
        reverse("reforms:catalogue"),
        reverse("org:units"),
        reverse("org:people"),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_office_page(client_for, reform):
    client = client_for()
    for url in office_urls(reform) + [
        reverse("reforms:detail", args=[reform.pk]),
        reverse("reforms:edit", args=[reform.pk]),
        reverse("reforms:create"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.parametrize("role", OFFICE_MEMBERS)
def test_office_members_see_catalogue_units_and_people(client_for, people, reform, role):
    client = client_for(getattr(people, role))
    for url in office_urls(reform):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'href="#main"' in response.content  # the skip link of the layout


@pytest.mark.parametrize("role", OUTSIDERS)
def test_experts_and_residents_are_sent_to_the_public_pages(client_for, people, reform, role):
    client = client_for(getattr(people, role))
    assert client.get(reverse("cockpit:workbench"))["Location"] == reverse("portal:home")
    assert client.get(reverse("reforms:catalogue"))["Location"] == reverse("portal:catalogue")
    assert client.get(reverse("reforms:detail", args=[reform.pk]))["Location"] == reverse(
        "portal:detail", args=[reform.pk]
    )
    for url in [reverse("org:units"), reverse("org:people"), reverse("reforms:create"),
                reverse("reforms:edit", args=[reform.pk])]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("office", 200),
        ("committee", 200),
        ("leader_main", 404),  # a micro-reform outside the leader's tiers and domains
        ("unit_head", 200),
        ("unit_staff", 200),
        ("other_staff", 404),
    ],
)
def test_reform_detail_is_shown_only_to_those_who_may_see_it(client_for, people, reform, role, status):
    assert client_for(getattr(people, role)).get(reverse("reforms:detail", args=[reform.pk])).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("office", 200), ("committee", 403), ("unit_staff", 200), ("other_staff", 404), ("leader_main", 404)],
)
def test_edit_page_for_each_role(client_for, people, reform, role, status):
    assert client_for(getattr(people, role)).get(reverse("reforms:edit", args=[reform.pk])).status_code == status


def test_co_unit_staff_read_but_do_not_get_edit_controls(client_for, people, reform, district):
    reform.co_units.add(district.sub_b)
    client = client_for(people.other_staff)
    response = client.get(reverse("reforms:detail", args=[reform.pk]))
    assert response.status_code == 200
    assert reverse("reforms:edit", args=[reform.pk]).encode() not in response.content
    assert reverse("reforms:attach", args=[reform.pk]).encode() not in response.content
    assert client.get(reverse("reforms:edit", args=[reform.pk])).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("unit_staff", 200), ("committee", 403),
                                              ("leader_main", 403)])
def test_new_reform_page_for_each_role(client_for, people, role, status):
    assert client_for(getattr(people, role)).get(reverse("reforms:create")).status_code == status


def test_office_navigation_follows_the_role(client_for, people, reform):
    office_page = client_for(people.office).get(reverse("reforms:catalogue")).content.decode()
    assert reverse("admin:index") not in office_page  # /admin/ is the operator's (ADR 0026)
    assert reverse("password_change") in office_page
    unit_page = client_for(people.unit_staff).get(reverse("reforms:catalogue")).content.decode()
    assert reverse("admin:index") not in unit_page
    assert reverse("org:units") in unit_page
    assert reverse("reforms:create") in unit_page
    committee_page = client_for(people.committee).get(reverse("reforms:catalogue")).content.decode()
    assert reverse("reforms:create") not in committee_page
