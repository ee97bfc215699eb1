"""The catalogue: the reforms the person may see, filtered, sorted and paged (cached fragments)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from reformledger.core.cache import ORGANISATION, district_count, once_a_request
from reformledger.core.fragments import cached_fragment, cached_rows, personal_page
from reformledger.core.late import late
from reformledger.core.pagination import KeysetPaginator, list_query
from reformledger.core.registry import catalogue_columns
from reformledger.core.views import is_htmx
from reformledger.org.decorators import office_member_required
from reformledger.org.selectors import actor_for, has_full_access

from ..forms import CatalogueFilterForm
from ..rows import CATALOGUE_FIELDS, catalogue_row_renderer
from ..selectors import (
    SORTS,
    depend_on_rows,
    districts_of,
    filter_districts,
    filter_domains,
    filter_units_for,
    list_districts,
    list_key,
    list_scopes,
    reform_list,
    year_choices,
)


def _catalogue_form(request: HttpRequest) -> CatalogueFilterForm:
    """The filter form of the request's query string: made once a request (the page's filter bar
    and its results, a late value, both read it; each depends on the choices it was made of)."""
    return once_a_request(request, "catalogue-form", lambda: CatalogueFilterForm(
        request.GET or None, years=year_choices(request.user), domains=filter_domains(),
        units=filter_units_for(request.user, request.GET.get("district")), districts=filter_districts(request.user),
    ))


def fill_results(request: HttpRequest, _arg: str) -> str:
    """The late value ``catalogue-results`` (kept per query string): the count, the rows, the sort
    headers and the pagination the query string asks for. The page around them is kept once for
    every page of the list (ADR 0055), so a page nobody opened yet costs its results only."""
    if not has_full_access(actor_for(request.user)):
        return ""  # the page checked before it marked the place; a filler checks again
    form = _catalogue_form(request)
    filters, sort = form.filters(), form.sort_key()
    listed = reform_list(request.user, filters, sort)
    # Columns higher apps add (core.registry): loaded in the page's query, their values key the rows.
    # Counted without them: a column's join (the warning's) would make every count join too.
    columns = catalogue_columns(request)
    rows = listed
    for column in columns:
        rows = column.prepare(rows)
    # The page's rows as tuples of what they show (a model instance each, with its domain and unit,
    # cost about as much as rendering them).
    rows = rows.values_list(*CATALOGUE_FIELDS, *(name for column in columns for name in column.loads), named=True)

    def results_context() -> dict:
        # Counted district by district (each part cached on its own district's version), paged by
        # keyset, each row rendered once per version of the reform: after a write elsewhere in the
        # province this is one grouped count of one district, the page's query, and no rendering.
        paginator = KeysetPaginator(
            rows, settings.CATALOGUE_PAGE_SIZE, fields=SORTS[sort], sort=sort,
            key=("catalogue-rows", list_key(request.user, filters, sort), tuple(c.key for c in columns)),
            count=district_count(
                listed, list_districts(request.user, filters), key=f"catalogue:{list_key(request.user, filters, '')}",
                family="reforms",
            ),
        )
        page = paginator.page_for(request.GET)
        depend_on_rows(page.object_list)
        html = cached_rows(
            list(page.object_list), name=":".join(["catalogue", *(c.key for c in columns)]),
            version_of=tuple,  # every column the row shows, its cells' included
            render=catalogue_row_renderer(columns),  # a row is the same for everyone who sees it
        )
        return {"page": page, "rows": html, "sort": sort, "query": request.GET.urlencode(), "columns": columns}

    # The rows, count, sort headers and pagination, rendered once per (who may see what, filters,
    # sort, query string, language) and kept while the reforms of the districts read and the levels of
    # the districts whose rows it shows (ADR 0052) stand: exact, and shared by everyone who sees the same rows.
    return cached_fragment(
        request, "reforms/_catalogue_results.html", results_context,
        key_parts=(list_key(request.user, filters, sort), [c.key for c in columns]),
        scopes=list_scopes(request.user, districts_of(actor_for(request.user)), sort),
    )


@require_GET
@office_member_required("portal:catalogue")
@personal_page(scopes=lambda request: ORGANISATION, query=list_query)
def catalogue(request: HttpRequest) -> HttpResponse:
    """The page, kept on what it reads itself (its filter bar) once for every page of its list; the
    results are a late value, filled as it is served (ADR 0055)."""
    district_ids = districts_of(actor_for(request.user))
    form = _catalogue_form(request)
    results = late(request, "catalogue-results")
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        # The filter bar is made of the query string and the options (years, districts' units,
        # domains): the years are in the key, the rest changes with the organisation only.
        filters_html = cached_fragment(
            request,
            "reforms/_catalogue_filters.html",
            {"form": form},
            key_parts=(year_choices(request.user), sorted(district_ids) if district_ids is not None else "*", "unit" in form.fields),
            scopes=ORGANISATION, query=list_query(request.GET),  # the same bar on every page of the list
        )
        context = {
            "form": form,
            "filters": filters_html,
            "results": results,
            "can_add": request.user.has_perm("reforms.add_reform"),
            "can_import": request.user.has_perm("reforms.import_ledger"),
        }
        response = render(request, "reforms/catalogue.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response
