"""The organisation directory: the unit tree and the people list."""

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from reformledger.org.models import Role, UnitKind
from tests.factories import MembershipFactory, UnitFactory, UserFactory


def test_unit_tree_shows_units_with_kind_and_member_counts(client_for, people, district):
    response = client_for(people.unit_staff).get(reverse("org:units"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["unit_count"] == 7
    for text in ["罗湖区", "桂园街道", "松园社区", "Sub-district", "Community", "2 members"]:
        assert text in html
    root = response.context["tree"][0]
    assert root["unit"].code == "lh"
    guiyuan = next(n for n in root["children"] if n["unit"].code == "lh-guiyuan")
    assert [n["unit"].code for n in guiyuan["children"]] == ["lh-guiyuan-c1"]
    assert "<details" in html  # collapsible


def make_units(district, count: int) -> None:
    for i in range(count):
        community = UnitFactory(code=f"c-{i:03d}", name=f"社区{i}", kind=UnitKind.COMMUNITY, parent=district.sub_a)
        UnitFactory(code=f"e-{i:03d}", name=f"小区{i}", kind=UnitKind.ESTATE, parent=community)


@pytest.mark.parametrize("count", [5, 40])
def test_unit_tree_runs_a_constant_number_of_queries(client_for, people, district, django_assert_num_queries, count):
    make_units(district, count)
    client = client_for(people.office)
    client.get(reverse("org:units"))
    with django_assert_num_queries(5):  # session, user, actor, the tree, the inbox's unread count
        response = client.get(reverse("org:units"))
    assert response.context["unit_count"] == 7 + 2 * count


def make_people(district, count: int) -> None:
    for i in range(count):
        user = UserFactory(username=f"p{i:03d}", full_name=f"人员{i}")
        MembershipFactory(user=user, unit=district.sub_b, role=Role.UNIT_STAFF)
        MembershipFactory(user=user, unit=district.department, role=Role.UNIT_HEAD)


@pytest.mark.parametrize("count", [5, 40])
def test_people_list_runs_a_constant_number_of_queries(client_for, people, district, django_assert_num_queries,
                                                       count):
    make_people(district, count)
    client = client_for(people.office)
    client.get(reverse("org:people"))
    # session, user, units for the filter, data version + count, page, memberships with their units,
    # the inbox's unread count (the actor is cached by the first request until the next audited write)
    with django_assert_num_queries(8):
        response = client.get(reverse("org:people") + "?role=unit_staff")
    assert response.context["page"].paginator.count == count + 2  # + unit_staff, other_staff


def test_people_show_roles_and_units(client_for, people):
    html = client_for(people.leader_main).get(reverse("org:people")).content.decode()
    assert "leader_domain" in html
    assert "Responsible leader · Leader in charge of domains" in html
    assert "Unit staff" in html and "桂园街道" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=leader", ["leader_domain", "leader_main"]),
        ("q=staff", ["other_staff", "unit_staff"]),
        ("role=unit_head", ["unit_head"]),
    ],
)
def test_people_filters(client_for, people, query, expected):
    response = client_for(people.office).get(reverse("org:people") + "?" + query)
    assert [p.username for p in response.context["page"].object_list] == expected


def test_people_filter_by_unit(client_for, people, district):
    response = client_for(people.office).get(reverse("org:people") + f"?unit={district.sub_a.pk}")
    assert [p.username for p in response.context["page"].object_list] == ["unit_head", "unit_staff"]


@override_settings(CATALOGUE_PAGE_SIZE=4)
def test_people_pagination(client_for, people):
    client = client_for(people.office)
    first = client.get(reverse("org:people"))
    # the district's seven people (the expert and the resident belong to no district's directory)
    assert first.context["page"].paginator.num_pages == 2
    assert "?page=2" in first.content.decode()
    assert len(client.get(reverse("org:people") + "?page=2").context["page"].object_list) == 3


def test_the_directory_shows_the_reader_s_district_only(client_for, people, other_people, district, other_district):
    """Issue 9, finding 1: another district's people and units are out of sight in the directory."""
    for reader in (people.office, people.committee, people.unit_staff):
        client = client_for(reader)
        names = {p.username for p in client.get(reverse("org:people")).context["page"].object_list}
        assert "leader_main" in names and not names & {"ft_office", "ft_leader_main", "ft_unit_staff"}
        assert "园岭街道" not in client.get(reverse("org:units")).content.decode()
    names = {p.username for p in client_for(other_people.office).get(reverse("org:people")).context["page"].object_list}
    assert names == {"ft_office", "ft_committee", "ft_leader_main", "ft_unit_staff"}
