"""The catalogue: the reforms the person may see, filtered, sorted and paged (cached fragments)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.cache import cached_fragment, personal_page
from reformledger.core.views import is_htmx
from reformledger.org.selectors import actor_for

from ..forms import CatalogueFilterForm
from ..selectors import districts_of, filter_domains, filter_units, list_key, reform_list, year_choices
from . import office_member_required


@require_GET
@office_member_required("portal:catalogue")
@personal_page
def catalogue(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    years, district_ids = year_choices(request.user), districts_of(actor)
    form = CatalogueFilterForm(
        request.GET or None, years=years, domains=filter_domains(), units=filter_units(district_ids)
    )
    filters, sort = form.filters(), form.sort_key()
    rows = reform_list(request.user, filters, sort)

    def results_context() -> dict:
        page = Paginator(rows, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page, "sort": sort, "query": request.GET.urlencode()}

    # The rows, count, sort headers and pagination, rendered once per (who may see what, filters,
    # sort, query string, language, data version): exact, and shared by everyone who sees the same rows.
    results = cached_fragment(
        request, "reforms/_catalogue_results.html", results_context, key_parts=(list_key(request.user, filters, sort),)
    )
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        # The filter bar is made of the query string and the options (years, districts' units,
        # domains: fixed by the data version); cached like the results.
        filters_html = cached_fragment(
            request,
            "reforms/_catalogue_filters.html",
            {"form": form},
            key_parts=(years, sorted(district_ids) if district_ids is not None else "*"),
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
