"""The workbench (工作台): the read-only top of the office pages, and where signing in leads.

The office, the committee and leaders land here; units land on their tasks, the public on the
public catalogue. Every figure is a count of the rows of the list page it links to, read through
:mod:`.selectors` (scoped to the person) and counted at most once a request, whoever asks: the
page, or the badges it registers in the navigation (``apps.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reformledger.core.cache import ORGANISATION, Scopes, district_count, fact_scopes
from reformledger.core.fragments import cached_fragment, personal_page
from reformledger.org.models import Role
from reformledger.org.selectors import actor_for, has_full_access
from reformledger.reforms.selectors import districts_of, reading_districts, reading_scopes, visibility_key
from reformledger.supervision.models import Level
from reformledger.supervision.rollup import today

from . import selectors

#: How many rows of the warning board and of the other queue the workbench previews.
WARNING_ROWS = 8
QUEUE_ROWS = 5

#: The queues whose rows the workbench and the menu badges count.
QUEUES: dict[str, Callable[..., QuerySet]] = {
    "reports": selectors.reports_waiting,
    "completions": selectors.completions_waiting,
    "changes": selectors.changes_waiting,
    "extensions": selectors.extensions_waiting,
    "decisions": selectors.decisions_waiting,
    "help": selectors.help_waiting,
    "orders": selectors.orders_unacknowledged,
    "proposals": selectors.proposals_waiting,
}


#: What a queue's count waits for besides the organisation and the reforms (core.cache): a write to
#: its own records, or (reports) any of its district's work.
QUEUE_FAMILY = {
    "help": "help", "proposals": "reforms", "completions": "decisions", "changes": "decisions",
    "extensions": "decisions", "orders": "orders",
}

#: Where each queue's rows find their district (counted district by district, core.cache).
QUEUE_DISTRICT = {
    "reports": "task__district_id",
    "completions": "reform__district_id",
    "changes": "reform__district_id",
    "extensions": "district_id",
    "help": "district_id",
    "orders": "district_id",
    "proposals": "district_id",
}


def queue_count(request: HttpRequest, name: str) -> int:
    """How many rows the queue ``name`` holds for this person: counted once a request (the page
    and the menu share it), district by district, each district's part cached on its own version
    (every queue changes only through an audited write, so a cached page shows the right badges,
    and a write in one district recounts that district only)."""
    memo = request.__dict__.setdefault("_rl_cockpit_counts", {})
    if name not in memo:
        if name == "decisions":
            memo[name] = sum(queue_count(request, part) for part in ("completions", "changes", "extensions"))
        else:
            user = request.user
            memo[name] = district_count(
                partial(QUEUES[name], user), reading_districts(user), district_field=QUEUE_DISTRICT[name],
                # Each queue is built from who may see what (help: also to whom it was escalated).
                key=f"queue:{name}:{visibility_key(user)}:{user.pk if name == 'help' else ''}",
                family=QUEUE_FAMILY.get(name, "work"),
            )
    return memo[name]


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


@dataclass(frozen=True)
class Figure:
    """One number on the workbench, and the list page it counts."""

    key: str
    label: str
    hint: str
    count: int
    url: str
    icon: str
    tone: str = "queue"


def _figures(request: HttpRequest) -> list[Figure]:
    user = request.user
    board = reverse("supervision:board")
    counts = selectors.warning_counts(user)
    figures = [
        Figure("red", _("Red"), _("leaf tasks overdue, or silent too long"), counts[Level.RED], f"{board}?level=red",
               "bi-exclamation-octagon-fill", "red"),
        Figure("amber", _("Amber"), _("leaf tasks due soon and behind the trajectory"), counts[Level.AMBER],
               f"{board}?level=amber", "bi-exclamation-triangle-fill", "amber"),
    ]
    if selectors.sees_reports(user):
        figures.append(Figure("reports", _("Reports to review"), _("progress reports awaiting the office"),
                              queue_count(request, "reports"), reverse("supervision:reports"), "bi-clipboard-check"))
    if selectors.sees_decisions(user):
        decisions = reverse("supervision:decisions")
        figures += [
            Figure("completions", _("Applications for completion"), _("accept or return"),
                   queue_count(request, "completions"), f"{decisions}#h-completions", "bi-flag"),
            Figure("changes", _("Change requests"), _("approve or reject"),
                   queue_count(request, "changes"), f"{decisions}#h-changes", "bi-arrow-left-right"),
            Figure("extensions", _("Extension requests waiting"), _("approve with a date, or refuse"),
                   queue_count(request, "extensions"), f"{decisions}#extensions", "bi-calendar-plus"),
        ]
    if selectors.sees_proposals(user):
        figures.append(Figure("proposals", _("Proposals to approve"), _("reforms proposed, awaiting approval"),
                              queue_count(request, "proposals"), f"{reverse('reforms:catalogue')}?status=proposed",
                              "bi-send"))
    if selectors.sees_help(user):
        hint = _("open matters units raised") if actor_for(user).is_office else _("open matters escalated to you")
        figures.append(Figure("help", _("Help needed"), hint, queue_count(request, "help"),
                              reverse("supervision:help"), "bi-life-preserver"))
    if selectors.sees_order_queue(user):
        figures.append(Figure("orders", _("Orders not yet acknowledged"), _("some unit has not signed for them"),
                              queue_count(request, "orders"), f"{reverse('supervision:orders')}?state=pending",
                              "bi-envelope-exclamation"))
    return figures


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


def _preview_scopes(user, kind: str) -> Scopes:
    """What a preview's rows depend on: the reports to review change with every report of the
    districts (their work); help requests and proposals with their own records (core.cache families)."""
    if kind == "reports":
        return reading_scopes(user)
    return fact_scopes(QUEUE_FAMILY[kind], districts_of(actor_for(user)))


def _queue_preview(request: HttpRequest, kind: str) -> dict:
    """The first rows of the queue ``kind`` and its count."""
    user = request.user
    rows: QuerySet
    if kind == "reports":
        rows, title, url = selectors.reports_waiting(user), _("Reports waiting longest"), reverse("supervision:reports")
    elif kind == "help":
        rows, title, url = selectors.help_waiting(user), _("Help needed, oldest first"), reverse("supervision:help")
    else:
        rows, title = selectors.proposals_waiting(user), _("Proposals to approve")
        url = f"{reverse('reforms:catalogue')}?status=proposed"
    return {"kind": kind, "title": title, "url": url, "rows": list(rows[:QUEUE_ROWS]),
            "count": queue_count(request, kind)}


@require_GET
@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not has_full_access(actor):
        return redirect("portal:home")
    if not selectors.has_workbench(actor):
        return redirect("supervision:my-tasks")
    return _workbench(request)


def _workbench_scopes(request: HttpRequest) -> Scopes:
    return selectors.workbench_scopes(request.user)


@personal_page(scopes=_workbench_scopes)
def _workbench(request: HttpRequest) -> HttpResponse:
    """The page, assembled from parts each kept on what it reads (core.fragments): after a progress
    report that moved no level, the figures are summed from their districts' kept parts and only
    the reports preview is rendered again; the red and amber rows wait for a level to move."""
    user = request.user
    on = today()
    levels = (*selectors.workbench_scopes(user), *ORGANISATION)
    figures = _figures(request)
    warnings = {figure.key: figure.count for figure in figures if figure.tone != "queue"}
    warning_total = warnings[Level.RED] + warnings[Level.AMBER]
    warning_rows = cached_fragment(
        request, "cockpit/_workbench_warnings.html",
        lambda: {"warning_rows": selectors.top_warnings(user, WARNING_ROWS), "warning_total": warning_total, "today": on},
        key_parts=(visibility_key(user), on.isoformat(), warning_total), scopes=levels,
    )
    kind = _preview_kind(user)
    preview = cached_fragment(
        request, "cockpit/_workbench_preview.html", lambda: {"preview": _queue_preview(request, kind)},
        # Its own records, and what the whole page read before it was in parts (the levels: every
        # write of the work but a quiet report), so a task renamed shows in the preview at once.
        key_parts=(user.pk, kind), scopes=(*_preview_scopes(user, kind), *levels),
    ) if kind else ""
    tier_rows = selectors.tiers(user)
    total = sum(row["total"] for row in tier_rows)
    completed = sum(row["completed"] for row in tier_rows)
    return render(
        request,
        "cockpit/workbench.html",
        {
            "today": on,
            "figures": figures,
            "warning_rows": warning_rows,
            "preview": preview,
            "tiers": tier_rows,
            "total": total,
            "completed": completed,
            "rate": completed / total if total else 0,
            # Charts for leaders come with a later issue: each ``{"template": ..., ...}`` is
            # included in the page's ``charts`` block; none for now, and nothing renders.
            "charts": [],
        },
    )
