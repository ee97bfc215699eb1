"""Public pages: no login, public fields of approved, in-progress and completed reforms only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from reformledger.casestudies.selectors.public import published_case_of
from reformledger.core.cache import ORGANISATION, district_count
from reformledger.core.fragments import cached_fragment, cached_rows
from reformledger.core.pagination import KeysetPaginator, list_query
from reformledger.core.views import is_htmx
from reformledger.reforms.forms import CatalogueFilterForm
from reformledger.reforms.selectors import (
    SORTS,
    ReformFilters,
    depend_on_rows,
    filter_domains,
    get_public_reform,
    list_districts,
    list_scopes,
    public_reform_list,
    tier_rows,
    year_choices,
)

from .cards import card_renderer

#: The only reform fields a public list reads (no goals, measures, co-units or leader): its rows are
#: tuples of these.
PUBLIC_FIELDS = (
    "id",
    "code",
    "title",
    "tier",
    "year",
    "district_id",  # whose work a card shows (its progress): the page depends on it
    "status",
    "progress",
    "start_date",
    "due_date",
    "public_summary",
    "domain__name",
    "domain__code",
    "lead_unit__name",
)
LATEST_COUNT = 8


def _public_years() -> list[int]:
    return year_choices(AnonymousUser())


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    tiers = tier_rows(AnonymousUser())
    latest = public_reform_list(ReformFilters(), "-year").values_list(*PUBLIC_FIELDS, named=True)[:LATEST_COUNT]
    card = card_renderer()
    return render(
        request,
        "portal/home.html",
        {"tiers": tiers, "latest": [card(reform) for reform in latest], "total": sum(t["total"] for t in tiers)},
    )


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    years = _public_years()
    form = CatalogueFilterForm(request.GET or None, years=years, domains=filter_domains(), units=None, with_status=False)
    rows = public_reform_list(form.filters(), form.sort_key()).values_list(*PUBLIC_FIELDS, named=True)

    def results_context() -> dict:
        # Counted per district, paged by keyset, each card rendered once per version (core.cache).
        sort = form.sort_key()
        paginator = KeysetPaginator(
            rows, settings.CATALOGUE_PAGE_SIZE, fields=SORTS[sort], sort=sort,
            key=("public-catalogue-rows", repr(form.filters()), sort),
            count=district_count(rows, list_districts(AnonymousUser(), form.filters()), family="reforms",
                                 key=f"public-catalogue:{form.filters()!r}"),
        )
        page = paginator.page_for(request.GET)
        depend_on_rows(page.object_list)
        cards = cached_rows(list(page.object_list), name="portal-card", version_of=tuple, render=card_renderer())
        return {"page": page, "cards": cards}

    # Rendered once per (filters, sort, query string, language) and kept while the reform rows of the
    # province and the levels (ADR 0052) of the districts whose cards it shows stand, as the office's catalogue.
    results = cached_fragment(
        request, "portal/_catalogue_results.html", results_context,
        key_parts=("public", repr(form.filters()), form.sort_key()),
        scopes=list_scopes(AnonymousUser(), None, form.sort_key()),
    )
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        # The filter bar is made of its filters, the years (in the key) and the domains (organisation).
        filters_html = cached_fragment(request, "portal/_catalogue_filters.html", {"form": form}, key_parts=(years,),
                                       scopes=ORGANISATION, query=list_query(request.GET))
        response = render(request, "portal/catalogue.html", {"form": form, "filters": filters_html, "results": results})
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    reform = get_public_reform(pk)
    return render(request, "portal/detail.html", {"reform": reform, "case_study": published_case_of(reform.pk)})


@require_GET
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    reform = get_public_reform(pk)  # prefetches public attachments only
    item = next((a for a in reform.attachments.all() if a.pk == attachment_id), None)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.name)
