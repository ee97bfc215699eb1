"""The warning board: red and amber tasks, filtered, cached per who may see what; above them, the
supervision orders overdue (units late to acknowledge or to reply, tasks past an order's deadline).
With a month (``period``), the tasks that were overdue at some time in it instead (lateness is
history: done or extended since, they are still listed)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from reformledger.core.cache import ORGANISATION, once_a_request
from reformledger.core.cache import CachedCountPaginator as Paginator
from reformledger.core.exporters import response
from reformledger.core.fragments import cached_fragment, cached_rows, personal_page
from reformledger.core.late import late
from reformledger.core.pagination import KeysetPaginator, list_query
from reformledger.core.views import is_htmx
from reformledger.org.decorators import office_member_required
from reformledger.org.selectors import actor_for
from reformledger.reforms.selectors import (
    districts_of,
    filter_districts,
    filter_domains,
    filter_units_for,
    visibility_key,
)

from ..documents import BoardWorkbook
from ..forms.board import BoardFilterForm
from ..lateness import days_within, month_bounds
from ..models import Level
from ..rollup import today
from ..rows import warning_row_renderer
from ..selectors import orders as order_selectors
from ..selectors import warnings as warning_selectors
from ..selectors.tasks import visible_tasks
from ..services import reports as report_services
from .common import safe_next


def _period_context(request: HttpRequest, filters, on) -> dict:
    """"Was overdue in the period": the spells overlapping the month, with since-when and days."""
    first, last = month_bounds(filters.period) or (on, on)
    spells = warning_selectors.overdue_in_period(request.user, filters)
    page = Paginator(spells, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"spell": spell, "task": spell.task, "days": spell.days(on),
         "in_period": days_within(spell.started_on, spell.ended_on, first=first, last=last, made_on=on)}
        for spell in page.object_list
    ]
    return {"page": page, "rows": rows, "today": on, "first": first, "tasks": warning_selectors.period_task_count(spells)}


def _board_form(request: HttpRequest) -> BoardFilterForm:
    """The filter form of the request's query string: made once a request (the page's filter bar and
    its results, a late value, both read it; each depends on the choices it was made of)."""
    return once_a_request(request, "board-form", lambda: BoardFilterForm(
        request.GET or None, domains=filter_domains(),
        units=filter_units_for(request.user, request.GET.get("district")), districts=filter_districts(request.user),
    ))


def _board_filters(request: HttpRequest) -> warning_selectors.TaskFilters:
    """The filters the query string asks for: none without a filter field (the board as it opens,
    the one most served), without making the form and its lists of choices."""
    if not any(name in request.GET for name in BoardFilterForm.base_fields):
        return warning_selectors.TaskFilters()
    return _board_form(request).filters()


def fill_results(request: HttpRequest, _arg: str) -> str:
    """The late value ``board-results`` (kept per query string): the counts, the rows and the
    pagination of the board the request's query string asks for, kept on the levels of the
    districts it reads (ADR 0052) and computed again when a level moves there, while the page
    around them stays kept, once for every page of the list (ADR 0055)."""
    if not request.user.has_perm("supervision.view_board"):
        return ""  # the page checked before it marked the place; a filler checks again
    filters = _board_filters(request)
    on = today()
    # The office picks tasks on the board to urge their units: its rows carry a box each.
    may_urge = request.user.has_perm("supervision.urge")

    def results_context() -> dict:
        by_level = warning_selectors.level_counts(request.user, filters)
        # The page's keys (the columns a row shows, nothing joined); each row rendered once per
        # version of what it shows and day, and loaded in full only when its rendering is not kept.
        paginator = KeysetPaginator(
            lambda: warning_selectors.warning_keys(request.user, filters), settings.CATALOGUE_PAGE_SIZE,
            fields=warning_selectors.BOARD_ORDER, sort="board",
            count=warning_selectors.board_count(request.user, filters, counts=by_level),
            key=("board-keys", visibility_key(request.user), repr(filters)),
        )
        page = paginator.page_for(request.GET)
        rows = cached_rows(
            list(page.object_list), name="board-office" if may_urge else "board",
            version_of=lambda task: (warning_selectors.row_facts(task), on),
            render=warning_row_renderer(on=on, may_urge=may_urge),
            load=lambda keys: warning_selectors.full_rows(request.user, keys),
        )
        return {
            "page": page,
            "rows": rows,
            "today": on,
            "red": by_level.get(Level.RED, 0),
            "amber": by_level.get(Level.AMBER, 0),
            "level": filters.level,
            "may_urge": may_urge,
            "export_query": urlencode({k: v for k, v in vars(filters).items() if v}),
            "here": request.get_full_path(),
        }

    # Rows, counts and pagination, rendered once per (who may see what, filters, query string, day,
    # language), kept while the levels of the districts it reads stand (a report that moves nothing
    # the board shows leaves them, ADR 0052): exact, and shared by everyone who sees the same rows.
    # The day is in the key because "overdue by n days" moves at midnight without any write.
    key_parts = (visibility_key(request.user), repr(filters), on.isoformat(), may_urge)
    if filters.period and month_bounds(filters.period):
        return cached_fragment(
            request, "supervision/_board_period.html", lambda: _period_context(request, filters, on),
            key_parts=(*key_parts, request.GET.get("page", "")), scopes=warning_selectors.board_scopes(request.user, period=filters.period),
        )
    return cached_fragment(
        request, "supervision/_board_results.html", results_context, key_parts=key_parts,
        scopes=warning_selectors.board_scopes(request.user),
    )


def fill_late_orders(request: HttpRequest, _arg: str) -> str:
    """The late value ``board-orders``: the supervision orders overdue above the board (units late
    to acknowledge or to reply, tasks past an order's deadline)."""
    late_orders = order_selectors.late_counts(request.user, today())
    if not late_orders:
        return ""
    # Made of the three counts alone: rendered when they change, not with every other late value.
    return cached_fragment(
        request, "supervision/_board_orders.html", {"late": late_orders},
        key_parts=(sorted(late_orders.items()),), scopes=ORGANISATION, query="",
    )


@require_GET
@office_member_required()
@personal_page(scopes=lambda request: ORGANISATION, query=list_query)
def board(request: HttpRequest) -> HttpResponse:
    """The page, kept on what it reads itself (its filter bar: the organisation) once for every page
    of its list; the results and the orders overdue are late values, filled as it is served, so a
    level moved anywhere in the person's districts, or another page of the list, computes them and
    not the page (ADR 0055)."""
    warning_selectors.require_board(request.user)
    actor = actor_for(request.user)
    form = _board_form(request)
    results = late(request, "board-results")
    if is_htmx(request):
        response = HttpResponse(results)
    else:
        # The filter bar is made of its filters (not the page) and the options (units, domains): it
        # changes with the organisation only.
        filters_html = cached_fragment(
            request, "supervision/_board_filters.html", {"form": form},
            key_parts=(sorted(districts_of(actor) or ()),), scopes=ORGANISATION, query=list_query(request.GET),
        )
        context = {"form": form, "filters": filters_html, "results": results, "late_orders": late(request, "board-orders")}
        response = render(request, "supervision/board.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@office_member_required()
def board_export(request: HttpRequest) -> HttpResponseBase:
    """The board with its current filters (the query string), every page of it, as Excel."""
    warning_selectors.require_board(request.user)
    tasks = warning_selectors.warning_list(request.user, _board_form(request).filters())
    return response(BoardWorkbook(tasks.iterator(chunk_size=2000), on=today()), stream=True)


@require_POST
@office_member_required()
def board_urge(request: HttpRequest) -> HttpResponse:
    """The office urges the units of the tasks ticked on the board: one message per unit."""
    back = safe_next(request, reverse("supervision:board"))
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()]
    tasks = list(visible_tasks(request.user).filter(pk__in=ids))
    try:
        sent = report_services.urge_tasks(user=request.user, tasks=tasks, message=request.POST.get("message", ""))
    except ValidationError as exc:
        messages.error(request, _("Nobody was urged:") + " " + " ".join(exc.messages))
    else:
        messages.success(request, ngettext("Message sent to %(count)s unit.", "Message sent to %(count)s units.", len(sent)) % {"count": len(sent)})
    return redirect(back)
