"""The office catalogue: scope, filters, sorting, pagination, htmx fragments, constant queries."""

import datetime as dt
import re

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from reformledger.org.models import Domain
from reformledger.reforms.models import Status, Tier

URL = "/office/reforms/"


def codes(response) -> list[str]:
    return [reform.code for reform in response.context["page"].object_list]


@pytest.fixture
def catalogue(reform_factory, district):
    health = Domain.objects.get(code="public-services")
    made = {
        "A-KEY": reform_factory(code="A-KEY", title="棚改安置", tier=Tier.KEY, year=2017, progress=30),
        "A-MICRO": reform_factory(code="A-MICRO", title="物业管理改革", year=2018, status=Status.COMPLETED,
                                  progress=100, due_date=dt.date(2018, 6, 30)),
        "B-MICRO": reform_factory(code="B-MICRO", title="医改试点", lead_unit=district.sub_b, domain=health,
                                  year=2016, status=Status.DRAFT, progress=0),
        "H-UPPER": reform_factory(code="H-UPPER", title="放管服", tier=Tier.UPPER, source_level="municipal",
                                  lead_unit=district.department, year=2015, progress=80),
    }
    made["B-MICRO"].co_units.add(district.sub_a)
    return made


def test_unit_staff_see_what_their_unit_leads_or_co_runs(client_for, people, catalogue):
    assert sorted(codes(client_for(people.unit_staff).get(URL))) == ["A-KEY", "A-MICRO", "B-MICRO"]
    assert sorted(codes(client_for(people.other_staff).get(URL))) == ["B-MICRO"]
    assert len(codes(client_for(people.office).get(URL))) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2017", ["A-KEY"]),
        ("tier=upper", ["H-UPPER"]),
        ("domain=public-services", ["B-MICRO"]),
        ("unit=lh-guiyuan", ["A-KEY", "A-MICRO", "B-MICRO"]),  # leads two, co-runs one
        ("unit=lh-huangbei", ["B-MICRO"]),
        ("status=completed", ["A-MICRO"]),
        ("q=物业", ["A-MICRO"]),
        ("q=h-upp", ["H-UPPER"]),
        ("tier=micro&year=2018", ["A-MICRO"]),
        ("year=1999", ["A-KEY", "A-MICRO", "B-MICRO", "H-UPPER"]),  # not a choice: ignored
        ("status=bogus&tier=bogus", ["A-KEY", "A-MICRO", "B-MICRO", "H-UPPER"]),
    ],
)
def test_filters(client_for, people, catalogue, query, expected):
    response = client_for(people.office).get(f"{URL}?{query}")
    assert response.status_code == 200
    assert sorted(codes(response)) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("code", ["A-KEY", "A-MICRO", "B-MICRO", "H-UPPER"]),
        ("-code", ["H-UPPER", "B-MICRO", "A-MICRO", "A-KEY"]),
        ("year", ["H-UPPER", "B-MICRO", "A-KEY", "A-MICRO"]),
        ("-progress", ["A-MICRO", "H-UPPER", "A-KEY", "B-MICRO"]),
        ("nonsense", ["A-MICRO", "A-KEY", "B-MICRO", "H-UPPER"]),  # falls back to newest year first
    ],
)
def test_sorting(client_for, people, catalogue, sort, expected):
    assert codes(client_for(people.office).get(f"{URL}?sort={sort}")) == expected


def test_column_headers_link_to_sorting_keeping_filters_and_reversing(client_for, people, catalogue):
    html = client_for(people.office).get(f"{URL}?tier=micro&sort=code&page=1").content.decode()
    assert 'href="/office/reforms/?tier=micro&amp;sort=-code"' in html  # clicking again reverses
    assert 'href="/office/reforms/?tier=micro&amp;sort=progress"' in html
    assert 'aria-sort="ascending"' in html


@override_settings(CATALOGUE_PAGE_SIZE=3)
def test_pagination(client_for, people, catalogue, reform_factory):
    client = client_for(people.office)
    first = client.get(f"{URL}?sort=code")
    assert first.context["page"].paginator.num_pages == 2
    assert codes(first) == ["A-KEY", "A-MICRO", "B-MICRO"]
    # "Next" carries the keyset cursor of the page's last row (core.pagination); the number alone works too.
    next_link = re.search(r'href="(/office/reforms/\?sort=code&amp;page=2&amp;after=[^"]+)"', first.content.decode())
    assert next_link, first.content.decode()
    assert codes(client.get(next_link.group(1).replace("&amp;", "&"))) == ["H-UPPER"]
    assert codes(client.get(f"{URL}?sort=code&page=2")) == ["H-UPPER"]
    assert codes(client.get(f"{URL}?sort=code&page=99")) == ["H-UPPER"]  # past the end: the last page
    assert codes(client.get(f"{URL}?sort=code&page=x")) == ["A-KEY", "A-MICRO", "B-MICRO"]


def test_result_count_export_and_import_links(client_for, people, catalogue):
    html = client_for(people.office).get(f"{URL}?tier=micro").content.decode()
    assert "2 reforms" in html
    assert f'href="{reverse("reforms:ledger-export")}?tier=micro"' in html
    assert reverse("reforms:ledger-import") in html
    unit_html = client_for(people.unit_staff).get(URL).content.decode()
    assert reverse("reforms:ledger-import") not in unit_html


def test_htmx_request_gets_only_the_results_fragment(client_for, people, catalogue):
    client = client_for(people.office)
    fragment = client.get(f"{URL}?tier=key", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith("<section id=\"results\"")
    assert "<html" not in html
    assert "HX-Request" in fragment["Vary"]
    full = client.get(f"{URL}?tier=key", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in full.content.decode()  # history restore needs the whole page


def test_status_badges_carry_text_and_an_icon(client_for, people, catalogue):
    html = client_for(people.office).get(f"{URL}?status=completed").content.decode()
    assert 'class="rl-badge rl-status rl-status-completed"><i class="bi bi-check-circle-fill" aria-hidden="true"></i> Completed' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="100"' in html


@pytest.mark.parametrize("count", [5, 40])
def test_catalogue_runs_a_constant_number_of_queries(client_for, people, reform_factory, district,
                                                     django_assert_num_queries, count):
    for i in range(count):
        reform = reform_factory(code=f"Q-{i:03d}", responsible_leader=people.leader_main)
        reform.co_units.add(district.sub_b)
    client = client_for(people.unit_staff)
    client.get(URL)  # warm up the session
    # session, user, data version, page, the inbox's unread count (navigation bar); the actor, its
    # districts, the units offered, years, domains and the count are cached by the warm-up request
    # until the next audited write (core.cache), and permissions come from the rules alone (core.backends)
    with django_assert_num_queries(5):
        response = client.get(f"{URL}?sort=-progress")
    assert len(response.context["page"].object_list) == count


def test_unit_lists_show_sub_districts_then_departments_then_communities(district):
    from reformledger.reforms.selectors import reform_units

    kinds = list(reform_units({district.district.pk}).values_list("kind", flat=True))
    order = ["sub_district", "department", "community"]
    ranks = [order.index(kind) if kind in order else len(order) for kind in kinds]
    assert ranks == sorted(ranks)
    assert kinds[0] == "sub_district"
