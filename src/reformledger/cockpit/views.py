"""The workbench (工作台): the read-only top of the office pages, and where signing in leads.

The office, the committee and leaders land here; units land on their tasks, the public on the
public catalogue. Every figure is a count of the rows of the list page it links to, read through
:mod:`.selectors` (scoped to the person) and counted at most once a request, whoever asks: the
page, or the badges it registers in the navigation (``apps.py``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from reformledger.core.cache import LEVELS, ORGANISATION, Scopes, fact_scopes
from reformledger.core.compiled import compiled
from reformledger.core.fragments import cached_fragment, cached_rows, personal_page
from reformledger.core.late import late
from reformledger.core.rows import row_html
from reformledger.org.models import Role
from reformledger.org.selectors import actor_for, has_full_access
from reformledger.reforms.selectors import visibility_key
from reformledger.supervision.rollup import today
from reformledger.supervision.rows import warning_row_renderer
from reformledger.supervision.selectors import warnings as warning_selectors

from . import selectors
from .figures import QUEUE_FIGURES, queue_figure_marks, warning_figure_marks, warning_figures
from .queues import QUEUE_DISTRICT, QUEUE_FAMILY, QUEUES, queue_count, queue_key

#: How many rows of the warning board and of the other queue the workbench previews.
WARNING_ROWS = 8
QUEUE_ROWS = 5

# --- menu: the workbench's entry and the badges (registered in apps.py) ---------------------------


def sees_workbench(request: HttpRequest) -> bool:
    return selectors.has_workbench(actor_for(request.user))


def sees_reports(request: HttpRequest) -> bool:
    return selectors.sees_reports(request.user)


def sees_decisions(request: HttpRequest) -> bool:
    return selectors.sees_decisions(request.user)


def sees_help(request: HttpRequest) -> bool:
    return selectors.sees_help(request.user)


def reports_badge(request: HttpRequest) -> int:
    return queue_count(request, "reports")


def decisions_badge(request: HttpRequest) -> int:
    return queue_count(request, "decisions")


def help_badge(request: HttpRequest) -> int:
    return queue_count(request, "help")


# --- pages ---------------------------------------------------------------------------------------


@require_GET
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in leads (``LOGIN_REDIRECT_URL``, when no ``next`` is asked for) and the brand
    link points: the office, the committee and leaders to the workbench; people who carry reforms
    out to their tasks; discipline reviewers, who carry no reform, to the tolerance cases they
    review; experts and residents to the public catalogue."""
    actor = actor_for(request.user)
    if selectors.has_workbench(actor):
        return redirect("cockpit:workbench")
    if has_full_access(actor):
        return redirect("supervision:my-tasks")
    if Role.DISCIPLINE in actor.roles:
        return redirect("tolerance:queue")
    return redirect("portal:catalogue")


def _preview_kind(user) -> str | None:
    """The queue that most needs this person: the office's reports to review, a leader's help
    needed, the committee's proposals; None for nobody's."""
    if selectors.sees_reports(user):
        return "reports"
    if selectors.sees_help(user):
        return "help"
    if selectors.sees_proposals(user):
        return "proposals"
    return None


def _preview_scopes(kind: str, district_ids: set[int]) -> Scopes:
    """What the shown rows of a preview are made of, besides which rows they are (the preview's key
    names them): the records of the districts they are in (``district_ids``), not of every district
    the person reads. A report's task, reform and unit change with writes that move that district's
    levels (every write of the work but a quiet report, ADR 0052); help requests and proposals with
    their own records (core.cache families)."""
    levels = fact_scopes(LEVELS, district_ids)
    if kind == "reports":
        return levels
    return (*fact_scopes(QUEUE_FAMILY[kind], district_ids), *levels)


#: The preview's heading for each queue it may show (its rows, count and link are the queue's own).
PREVIEW_TITLES = {
    "reports": gettext_lazy("Reports waiting longest"),
    "help": gettext_lazy("Help needed, oldest first"),
    "proposals": gettext_lazy("Proposals to approve"),
}


@require_GET
@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not has_full_access(actor):
        return redirect("portal:home")
    if not selectors.has_workbench(actor):
        return redirect("supervision:my-tasks")
    return _workbench(request)


def fill_preview(request: HttpRequest, kind: str) -> str:
    """The late value ``workbench-preview`` (core.late): the first rows of the queue ``kind`` and
    its count. Which rows they are is asked every time it is filled (one small query: a new report
    joins the end of the queue, and the first rows seldom change); the rendered rows are kept on
    their ids and what they are made of (:func:`_preview_scopes`), and the head with the count is
    put around them, so a report renders no row again."""
    user = request.user
    if kind != _preview_kind(user):
        return ""
    # The first ids and their districts, compiled once per process for who may see what (core.compiled).
    first = compiled(
        ("preview", queue_key(user, kind)),
        lambda: QUEUES[kind](user).values_list("pk", QUEUE_DISTRICT[kind])[:QUEUE_ROWS],
    )
    shown = tuple(pk for pk, _district in first)
    count = queue_count(request, kind)

    def context() -> dict:
        listed = {
            row.pk: row
            for row in compiled(("preview-rows", queue_key(user, kind)), lambda pks: QUEUES[kind](user).filter(pk__in=pks), shown)
        }
        return {"preview": {"kind": kind, "rows": [listed[pk] for pk in shown if pk in listed]}}

    listed = cached_fragment(
        request, "cockpit/_workbench_preview.html", context,
        key_parts=(kind, shown), scopes=(*_preview_scopes(kind, {district for _pk, district in first}), *ORGANISATION),
    )
    return row_html(
        '<section class="rl-panel h-100" aria-labelledby="h-preview"><div class="rl-panel-head">'
        '<h2 id="h-preview">{title}</h2><a class="small" href="{url}">{all} <i class="bi bi-arrow-right" aria-hidden="true">'
        "</i></a></div>{rows}</section>",
        title=PREVIEW_TITLES[kind], url=QUEUE_FIGURES[kind].url(), all=ngettext("All %(counter)s", "All %(counter)s", count) % {"counter": count}, rows=listed,
    )


def fill_warning_rows(request: HttpRequest, _arg: str) -> str:
    """The late value ``workbench-warnings``: the first red and amber tasks, with the board's total,
    kept on the levels of the person's districts (ADR 0052). Each row is the board's row key and is
    rendered once per version of what it shows (``core.fragments.cached_rows``): a level moved
    anywhere asks which rows are first again and renders only a row that changed."""
    user = request.user
    on = today()
    warning_total = sum(figure.count for figure in warning_figures(request))

    def context() -> dict:
        tasks = selectors.top_warnings(user, WARNING_ROWS)
        rows = cached_rows(
            tasks, name="workbench-warning",
            version_of=lambda task: (warning_selectors.row_facts(task), on), render=warning_row_renderer(on=on, compact=True),
            load=lambda keys: warning_selectors.full_rows(user, keys),
        )
        return {"warning_rows": rows, "warning_tasks": tasks, "warning_total": warning_total}

    return cached_fragment(
        request, "cockpit/_workbench_warnings.html", context,
        key_parts=(visibility_key(user), on.isoformat(), warning_total),
        scopes=(*selectors.workbench_scopes(user), *ORGANISATION),
    )


def _page_scopes(request: HttpRequest) -> Scopes:
    """What the page reads itself: the tiers read their own (the reform rows); the rest is late values."""
    return ()


@personal_page(scopes=_page_scopes)
def _workbench(request: HttpRequest) -> HttpResponse:
    """The page, kept on what it reads itself (the tiers); everything the day's work changes is a
    late value, filled each time the page is served (core.late, ADR 0055): the red and amber figures
    and rows (which a level moved anywhere in the person's districts changes), the queues' figures,
    the preview and the menu's badges. So a level move recomputes those, not the page."""
    user = request.user
    on = today()
    kind = _preview_kind(user)
    tier_rows = selectors.tiers(user)
    total = sum(row["total"] for row in tier_rows)
    completed = sum(row["completed"] for row in tier_rows)
    return render(
        request,
        "cockpit/workbench.html",
        {
            "today": on,
            "figures": warning_figure_marks(request) + queue_figure_marks(request),
            "warning_rows": late(request, "workbench-warnings"),
            "preview": late(request, "workbench-preview", kind) if kind else "",
            "tiers": tier_rows,
            "total": total,
            "completed": completed,
            "rate": completed / total if total else 0,
            # Charts for leaders come with a later issue: each ``{"template": ..., ...}`` is
            # included in the page's ``charts`` block; none for now, and nothing renders.
            "charts": [],
        },
    )
