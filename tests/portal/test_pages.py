"""Public pages: no login, public reforms only, public fields only."""

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from reformledger.reforms.models import Status, Tier

SECRETS = ["机密目标", "内部措施", "保密成果"]


@pytest.fixture
def reforms(reform_factory, district, people):
    made = {}
    for status in Status.values:
        reform = reform_factory(
            code=f"P-{status}",
            title=f"改革-{status}",
            status=status,
            goals=SECRETS[0],
            measures=SECRETS[1],
            deliverables=SECRETS[2],
            public_summary=f"公开摘要-{status}",
            responsible_leader=people.leader_main,
        )
        reform.co_units.add(district.department)
        made[status] = reform
    return made


def test_home_shows_the_public_completion_by_tier(client_for, reforms):
    response = client_for().get(reverse("portal:home"))
    assert response.status_code == 200
    micro = next(t for t in response.context["tiers"] if t["tier"] == Tier.MICRO)
    assert (micro["total"], micro["completed"]) == (3, 1)  # approved, in progress, completed
    html = response.content.decode()
    assert reverse("portal:catalogue") in html
    assert "改革-completed" in html and "改革-draft" not in html


def test_catalogue_lists_only_approved_in_progress_and_completed(client_for, reforms):
    response = client_for().get(reverse("portal:catalogue"))
    assert sorted(r.code for r in response.context["page"].object_list) == [
        "P-approved", "P-completed", "P-in_progress"
    ]
    html = response.content.decode()
    for secret in SECRETS:
        assert secret not in html


@pytest.mark.parametrize("status", ["approved", "in_progress", "completed"])
def test_public_detail_shows_public_fields_only(client_for, reforms, status):
    html = client_for().get(reverse("portal:detail", args=[reforms[status].pk])).content.decode()
    assert f"公开摘要-{status}" in html
    assert "桂园街道" in html  # the lead unit is public
    for hidden in [*SECRETS, "区卫生健康局", "leader_main"]:  # co-unit and leader are not
        assert hidden not in html


@pytest.mark.parametrize("status", ["draft", "proposed", "suspended", "terminated"])
def test_non_public_reforms_do_not_exist_for_the_public(client_for, reforms, people, status):
    url = reverse("portal:detail", args=[reforms[status].pk])
    assert client_for().get(url).status_code == 404
    assert client_for(people.office).get(url).status_code == 404  # the public page is the public view


@pytest.mark.parametrize(("query", "expected"), [
    ("tier=micro&year=2018", 3), ("year=2017", 3), ("q=改革-comp", 1), ("domain=industry", 0), ("status=draft", 3),
])
def test_public_filters(client_for, reforms, query, expected):
    response = client_for().get(f"{reverse('portal:catalogue')}?{query}")
    assert response.context["page"].paginator.count == expected
    assert "status" not in response.context["form"].fields  # the public cannot filter to hidden statuses


@override_settings(CATALOGUE_PAGE_SIZE=2)
def test_public_pagination(client_for, reforms):
    client = client_for()
    assert len(client.get(reverse("portal:catalogue")).context["page"].object_list) == 2
    assert len(client.get(reverse("portal:catalogue") + "?page=2").context["page"].object_list) == 1


@pytest.mark.parametrize("count", [5, 40])
def test_public_catalogue_runs_a_constant_number_of_queries(client_for, reform_factory, district,
                                                            django_assert_num_queries, count):
    for i in range(count):
        reform_factory(code=f"PQ-{i:03d}", status=Status.COMPLETED).co_units.add(district.sub_b)
    client = client_for()
    # The versions, the district list, the years and the count by district, the page, the domains
    # (a cold cache: nothing requested before)
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:catalogue") + "?tier=micro")
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [5, 40])
def test_public_home_runs_a_constant_number_of_queries(client_for, reform_factory, django_assert_num_queries, count):
    for i in range(count):
        reform_factory(code=f"PH-{i:03d}", status=Status.IN_PROGRESS)
    with django_assert_num_queries(4):  # versions, districts, tier totals by district, latest reforms
        client_for().get(reverse("portal:home"))
