"""The workbench's figures: one card a number, each linking to the list it counts.

The red and amber figures are the page's own (they change with the levels the page is kept on);
the queues' figures change with every report or decision, so they are late values (``core.late``,
ADR 0055), filled each time the page is served, and the page stays kept while they move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reformledger.core.cache import once_a_request
from reformledger.core.late import late
from reformledger.core.rows import row_html
from reformledger.org.selectors import actor_for
from reformledger.supervision.models import Level

from . import selectors
from .queues import queue_count


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

    @property
    def html(self) -> SafeString:
        return row_html(
            '<a class="rl-wb-figure rl-wb-figure-{tone}{zero}" href="{url}" id="figure-{key}">'
            '<i class="bi {icon}" aria-hidden="true"></i> '
            '<span class="rl-wb-figure-value">{count}</span> '
            '<span class="rl-wb-figure-label">{label}<span class="rl-wb-figure-hint">{hint}</span></span></a>',
            tone=self.tone, zero="" if self.count else " is-zero", url=self.url, key=self.key, icon=self.icon,
            count=self.count, label=self.label, hint=self.hint,
        )


@dataclass(frozen=True)
class QueueFigure:
    """A queue's figure, shown to the people ``shown(user)`` is true for; ``hint`` may depend on who."""

    key: str
    label: Callable[[], str]
    hint: Callable[[Any], str]
    url: Callable[[], str]
    icon: str
    shown: Callable[[Any], bool]

    def figure(self, request: HttpRequest) -> Figure:
        return Figure(self.key, self.label(), self.hint(request.user), queue_count(request, self.key), self.url(),
                      self.icon)


def _decisions(anchor: str) -> Callable[[], str]:
    return lambda: f"{reverse('supervision:decisions')}#{anchor}"


QUEUE_FIGURES: dict[str, QueueFigure] = {f.key: f for f in (
    QueueFigure("reports", lambda: _("Reports to review"), lambda user: _("progress reports awaiting the office"),
                lambda: reverse("supervision:reports"), "bi-clipboard-check", selectors.sees_reports),
    QueueFigure("completions", lambda: _("Applications for completion"), lambda user: _("accept or return"),
                _decisions("h-completions"), "bi-flag", selectors.sees_decisions),
    QueueFigure("changes", lambda: _("Change requests"), lambda user: _("approve or reject"),
                _decisions("h-changes"), "bi-arrow-left-right", selectors.sees_decisions),
    QueueFigure("extensions", lambda: _("Extension requests waiting"), lambda user: _("approve with a date, or refuse"),
                _decisions("extensions"), "bi-calendar-plus", selectors.sees_decisions),
    QueueFigure("proposals", lambda: _("Proposals to approve"), lambda user: _("reforms proposed, awaiting approval"),
                lambda: f"{reverse('reforms:catalogue')}?status=proposed", "bi-send", selectors.sees_proposals),
    QueueFigure("help", lambda: _("Help needed"),
                lambda user: _("open matters units raised") if actor_for(user).is_office else _("open matters escalated to you"),
                lambda: reverse("supervision:help"), "bi-life-preserver", selectors.sees_help),
    QueueFigure("orders", lambda: _("Orders not yet acknowledged"), lambda user: _("some unit has not signed for them"),
                lambda: f"{reverse('supervision:orders')}?state=pending", "bi-envelope-exclamation",
                selectors.sees_order_queue),
)}


def warning_figures(request: HttpRequest) -> list[Figure]:
    """The red and amber figures (the board's counts)."""
    board = reverse("supervision:board")
    # Counted once a request: the red figure, the amber figure and the rows' total each ask (as
    # queue_count shares its counts between the page and the menu).
    counts = once_a_request(request, "warnings", lambda: selectors.warning_counts(request.user))
    return [
        Figure("red", _("Red"), _("leaf tasks overdue, or silent too long"), counts[Level.RED], f"{board}?level=red",
               "bi-exclamation-octagon-fill", "red"),
        Figure("amber", _("Amber"), _("leaf tasks due soon and behind the trajectory"), counts[Level.AMBER],
               f"{board}?level=amber", "bi-exclamation-triangle-fill", "amber"),
    ]


def warning_figure_marks(request: HttpRequest) -> list[SafeString]:
    """The red and amber figures, as late values (a level moved anywhere changes them)."""
    return [late(request, "workbench-warning", level) for level in (Level.RED, Level.AMBER)]


def fill_warning_figure(request: HttpRequest, level: str) -> str:
    """The late value ``workbench-warning``: the card of the red or the amber figure, counted now."""
    return next((figure.html for figure in warning_figures(request) if figure.key == level), "")


def queue_figure_marks(request: HttpRequest) -> list[SafeString]:
    """The queues' figures this person sees, as late values."""
    return [late(request, "workbench-figure", key) for key, f in QUEUE_FIGURES.items() if f.shown(request.user)]


def fill_figure(request: HttpRequest, key: str) -> str:
    """The late value ``workbench-figure``: the card of the queue ``key``, counted now."""
    definition = QUEUE_FIGURES.get(key)
    if definition is None or not definition.shown(request.user):
        return ""
    return definition.figure(request).html
