"""Keyset pagination gives exactly the pages offset pagination gives, NULLs and ties included."""

import datetime as dt

import pytest
from django.http import QueryDict

from reformledger.core.pagination import KeysetPaginator, encode_cursor
from reformledger.reforms.models import Reform


@pytest.fixture
def reforms(reform_factory):
    out = []
    for i in range(23):
        due = None if i % 5 == 0 else dt.date(2018, 1 + i % 3, 1)  # NULLs and ties on the sort key
        out.append(reform_factory(code=f"K-{i:03d}", due_date=due, year=2016 + i % 2))
    return out


@pytest.mark.parametrize("fields", [["-year", "code"], ["due_date", "code"], ["-due_date", "code"], ["code"]])
def test_walking_next_and_previous_gives_the_offset_pages(reforms, fields):
    qs = Reform.objects.all()
    paginator = KeysetPaginator(qs, 5, fields=fields, sort="s")
    expected = [[r.pk for r in paginator._page_by_offset(n).object_list] for n in paginator.page_range]
    assert sorted(pk for page in expected for pk in page) == sorted(r.pk for r in reforms)
    page = paginator.page_for(QueryDict(""))
    seen = [[r.pk for r in page.object_list]]
    while page.has_next():
        params = QueryDict(mutable=True)
        params.update({"page": page.next_page_number(), **page.cursor_params(page.next_page_number())})
        page = paginator.page_for(params)
        seen.append([r.pk for r in page.object_list])
    assert seen == expected
    while page.has_previous():  # and back again
        params = QueryDict(mutable=True)
        params.update({"page": page.previous_page_number(), **page.cursor_params(page.previous_page_number())})
        page = paginator.page_for(params)
        assert [r.pk for r in page.object_list] == expected[page.number - 1]


def test_a_page_number_alone_is_fetched_from_the_nearer_end(reforms):
    paginator = KeysetPaginator(Reform.objects.all(), 5, fields=["code"], sort="code")
    assert [r.code for r in paginator.page_for(QueryDict("page=5")).object_list] == ["K-020", "K-021", "K-022"]
    assert [r.code for r in paginator.page_for(QueryDict("page=4")).object_list][0] == "K-015"


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", encode_cursor("other-sort", ["x"]), encode_cursor("code", [1, 2])])
def test_a_bad_cursor_is_ignored_not_an_error(reforms, cursor):
    paginator = KeysetPaginator(Reform.objects.all(), 5, fields=["code"], sort="code")
    page = paginator.page_for(QueryDict(mutable=True) | {"page": "2", "after": cursor})
    assert [r.code for r in page.object_list][0] == "K-005"


def test_a_page_after_a_cursor_is_one_range_an_index_can_seek_to(reforms, django_assert_num_queries):
    """Not ``year < y OR (year = y AND code > c)``, which PostgreSQL answers by reading the list
    from its start and filtering (page 300 of the province's catalogue read 5,500 rows for 50)."""
    paginator = KeysetPaginator(Reform.objects.all(), 5, fields=["-year", "code"], sort="s", count=len(reforms))
    after = {"page": "2", "after": encode_cursor("s", [2017, "K-003"])}
    with django_assert_num_queries(1) as captured:
        page = paginator.page_for(QueryDict(mutable=True) | after)
    assert [r.code for r in page.object_list] == ["K-005", "K-007", "K-009", "K-011", "K-013"]
    sql = captured.captured_queries[0]["sql"]
    assert " OR " not in sql and "IS NULL" not in sql  # code and year are never NULL
    # A page that crosses to the next year: one more query, for the rows of the years after.
    with django_assert_num_queries(2):
        page = paginator.page_for(QueryDict(mutable=True) | {"page": "3", "after": encode_cursor("s", [2017, "K-017"])})
    assert [r.code for r in page.object_list] == ["K-019", "K-021", "K-000", "K-002", "K-004"]


def test_the_bar_links_every_page_with_the_filters_kept_and_a_cursor_for_the_neighbours(reforms, rf):
    from django.template.loader import render_to_string

    paginator = KeysetPaginator(Reform.objects.all(), 5, fields=["code"], sort="code", count=len(reforms))
    request = rf.get("/office/reforms/", {"q": "改<b>", "page": "3", "sort": "code", "after": "stale"})
    page = paginator.page_for(request.GET)
    html = render_to_string("includes/pagination.html", {"page": page, "hx_target": "#results"}, request)
    after = page.cursor_params(4)["after"]
    before = page.cursor_params(2)["before"]
    q = "q=%E6%94%B9%3Cb%3E"
    assert f'href="/office/reforms/?{q}&amp;page=4&amp;sort=code&amp;after={after}"' in html
    assert f'href="/office/reforms/?{q}&amp;page=2&amp;sort=code&amp;before={before}"' in html
    assert f'href="/office/reforms/?{q}&amp;page=1&amp;sort=code"' in html  # not a neighbour: no cursor
    assert 'aria-current="page"><span class="page-link">3</span>' in html
    assert 'hx-target="#results"' in html and 'rel="next"' in html and 'rel="prev"' in html
    assert "stale" not in html and "<b>" not in html


def test_the_bar_is_absent_for_one_page_and_names_its_own_parameter(reforms, rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/office/decisions/", {"cpage": "2", "page": "5"})
    one = Paginator(list(range(3)), 5).page(1)
    assert render_to_string("includes/pagination.html", {"page": one}, request).strip() == ""
    page = Paginator(list(range(30)), 5).page(2)
    html = render_to_string("includes/pagination.html", {"page": page, "page_param": "cpage"}, request)
    assert 'href="/office/decisions/?cpage=3&amp;page=5"' in html and "hx-get" not in html
