"""The warning board: red and amber tasks, filtered, cached per who may see what."""

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
from reformledger.reforms.selectors import districts_of, filter_domains, filter_units, visibility_key
from reformledger.reforms.views import office_member_required

from ..forms.board import BoardFilterForm
from ..models import Level
from ..rollup import today
from ..selectors import warnings as warning_selectors


@require_GET
@office_member_required()
@personal_page
def board(request: HttpRequest) -> HttpResponse:
    warning_selectors.require_board(request.user)
    actor = actor_for(request.user)
    form = BoardFilterForm(request.GET or None, domains=filter_domains(), units=filter_units(districts_of(actor)))
    filters = form.filters()
    on = today()

    def results_context() -> dict:
        rows = warning_selectors.warning_list(request.user, filters)
        page = Paginator(rows, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
        by_level = warning_selectors.level_counts(request.user, filters)
        return {
            "page": page,
            "today": on,
            "red": by_level.get(Level.RED, 0),
            "amber": by_level.get(Level.AMBER, 0),
            "level": filters.level,
        }

    # Rows, counts and pagination, rendered once per (who may see what, filters, query string, day,
    # language, data version): exact, and shared by everyone who sees the same rows. The day is in
    # the key because "overdue by n days" moves at midnight without any write.
    results = cached_fragment(
        request,
        "supervision/_board_results.html",
        results_context,
        key_parts=(visibility_key(request.user), repr(filters), on.isoformat()),
    )
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        response = render(request, "supervision/board.html", {"form": form, "results": results})
    patch_vary_headers(response, ("HX-Request",))
    return response
