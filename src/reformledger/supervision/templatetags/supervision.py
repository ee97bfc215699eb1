"""Template helpers of supervision: warning levels (colour + icon + text), the warning in words,
days late or left, review states, and the inbox's unread count in the navigation bar.

``{% load supervision %}`` then ``{% level_badge task.level %}``, ``{% warning_text task today %}``,
``{% due_in_words task.due_date today %}``, ``{% inbox_unread as unread %}``,
``{% get_reform_warning reform as warning %}``.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reformledger.core.late import late
from reformledger.core.registry import audit_label
from reformledger.core.rows import per_language, row_html
from reformledger.reforms.models import LOCKED_STATUSES, Status

from .. import levels
from ..models import Completion, CompletionStatus, Decision, Level, TaskStatus
from ..rollup import today as local_today
from ..rules import sees_reported
from ..selectors.inbox import request_unread

register = template.Library()

#: level -> Bootstrap icon. The text label always goes with the colour (and the icon).
LEVEL_ICONS: dict[str, str] = {
    Level.RED: "bi-exclamation-octagon-fill",
    Level.AMBER: "bi-exclamation-triangle-fill",
    Level.GREEN: "bi-check-circle",
    Level.PAUSED: "bi-pause-circle",
    Level.DONE: "bi-check2-all",
    TaskStatus.CLOSED: "bi-archive",  # closed at completion: a row of the bulletin, not a level
}
#: review state -> (tone of the reforms' status badges, icon)
DECISION_LOOK: dict[str, tuple[str, str]] = {
    Decision.PENDING: ("proposed", "bi-hourglass-split"),
    Decision.ACCEPTED: ("completed", "bi-check-circle-fill"),
    Decision.RETURNED: ("terminated", "bi-arrow-return-left"),
    CompletionStatus.REOPENED: ("suspended", "bi-arrow-counterclockwise"),
}


def level_label(level: str) -> str:
    """A level's name; ``closed`` (tasks closed at completion, counted apart from the done) too."""
    if level == TaskStatus.CLOSED:
        return str(TaskStatus.CLOSED.label)
    return str(Level(level).label) if level in Level.values else level


@register.simple_tag
@per_language
def level_badge(level: str, title: str = "") -> str:
    """A warning level as a badge: colour, icon and the level's name (红色预警 / Red)."""
    return format_html(
        '<span class="rl-badge rl-level rl-level-{}"{}><i class="bi {}" aria-hidden="true"></i> {}</span>',
        level,
        format_html(' title="{}"', title) if title else "",
        LEVEL_ICONS.get(level, "bi-circle"),
        level_label(level),
    )


@register.simple_tag
def decision_badge(status: str) -> str:
    """A report's review state (awaiting review / accepted / returned) as a badge with icon and text."""
    tone, icon = DECISION_LOOK.get(status, ("draft", "bi-circle"))
    label = CompletionStatus(status).label if status in CompletionStatus.values else status
    return format_html(
        '<span class="rl-badge rl-status rl-status-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>', tone, icon, label
    )


#: an order's state (selectors.orders.order_state) -> (tone of the status badges, icon)
ORDER_STATE_LOOK: dict[str, tuple[str, str]] = {
    "issued": ("in-progress", "bi-send"),
    "partly_replied": ("proposed", "bi-reply"),
    "overdue": ("terminated", "bi-alarm"),
    "closed": ("completed", "bi-check2-all"),
}


def order_state_label(state: str) -> str:
    labels = {
        "issued": _("Issued"),
        "partly_replied": _("Partly replied"),
        "overdue": _("Overdue"),
        "closed": _("Closed"),
    }
    return str(labels.get(state, state))


@register.simple_tag
def order_state_badge(state: str) -> str:
    """An order's state (issued / partly replied / overdue / closed) as a badge with icon and text."""
    tone, icon = ORDER_STATE_LOOK.get(state, ("draft", "bi-circle"))
    return format_html(
        '<span class="rl-badge rl-status rl-status-{} rl-order-state-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        tone, state, icon, order_state_label(state),
    )


@register.simple_tag(takes_context=True)
def reported_claim(context, task, reform=None) -> str:
    """"Reported 80%, awaiting review" beside the accepted figure, for those who see it; for
    anyone else who sees the task, only that a report awaits review."""
    if task.reported_percent is None:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and sees_reported(user, task, reform):
        text = _("reported %(percent)s%%, awaiting review") % {"percent": task.reported_percent}
    else:
        text = _("a report awaits review")
    return format_html('<span class="rl-claim"><i class="bi bi-hourglass-split" aria-hidden="true"></i> {}</span>', text)


@register.simple_tag
def task_status_badge(task) -> str:
    """A task's status with its own look: closed at completion is neither done nor open."""
    look = {
        TaskStatus.DONE: ("completed", "bi-check-circle-fill"),
        TaskStatus.CLOSED: ("suspended", "bi-archive"),
        TaskStatus.IN_PROGRESS: ("in-progress", "bi-arrow-repeat"),
    }
    tone, icon = look.get(task.status, ("draft", "bi-circle"))
    return format_html(
        '<span class="rl-badge rl-status rl-status-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        tone, icon, task.get_status_display(),
    )


@register.simple_tag
def days_late(days: int) -> str:
    """"Overdue by 3 days" (empty for 0)."""
    if not days:
        return ""
    return ngettext("overdue by %(days)d day", "overdue by %(days)d days", days) % {"days": days}


@register.simple_tag
def audit_action(action: str) -> str:
    """An audit entry's action in words (the labels registered with core.registry)."""
    return str(audit_label(action))


@register.simple_tag
def warning_text(task, today: dt.date | None = None) -> str:
    """Why a task is at its level, in words and with today's numbers ("Overdue by 3 days")."""
    return levels.describe_task(task, today or local_today())


@register.simple_tag
def reform_warning_text(warning, reform, today: dt.date | None = None) -> str:
    """Why a reform is at its level ("2 red and 1 amber tasks")."""
    if warning is None:
        return ""
    return levels.describe(
        warning.reason,
        start=reform.start_date,
        due=reform.due_date,
        progress=reform.progress,
        today=today or local_today(),
        red=warning.red_tasks,
        amber=warning.amber_tasks,
    )


@register.simple_tag
def due_in_words(due: dt.date | None, today: dt.date | None = None) -> str:
    """"3 days late", "due today" or "5 days left"."""
    if due is None:
        return ""
    days = (due - (today or local_today())).days
    if days < 0:
        return ngettext("%(days)d day late", "%(days)d days late", -days) % {"days": -days}
    if days == 0:
        return _("Due today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}


@register.simple_tag
def get_reform_warning(reform):
    """The reform's computed warning (``ReformWarning``), or None before its first computation."""
    return getattr(reform, "warning", None)


@register.simple_tag(takes_context=True)
def inbox_unread(context) -> int:
    """The signed-in person's unread inbox messages: one query per request, whatever asks."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return 0
    return request_unread(request)


@register.simple_tag(takes_context=True)
def inbox_link(context, form: str) -> str:
    """The bar's link to the inbox with its unread count (``form``: "full", or "compact" for the
    narrow bar), a late value (core.late): reading lowers the count, which no audited write
    records, so a kept page gets it anew each time it is served."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return ""
    return late(request, "inbox-link", form)


def fill_inbox_link(request, form: str) -> str:
    unread = request_unread(request)
    url = reverse("supervision:inbox")
    if form == "compact":
        label = f"{_('Inbox')} ({unread} {_('unread')})" if unread else _("Inbox")
        return row_html(
            '<a class="rl-inbox-link rl-inbox-compact d-xl-none ms-auto me-2" href="{url}" aria-label="{label}">'
            '<i class="bi bi-bell{fill}" aria-hidden="true"></i>{badge}</a>',
            url=url, label=label, fill="-fill" if unread else "",
            badge=row_html(' <span class="rl-inbox-badge" aria-hidden="true">{n}</span>', n=unread) if unread else "",
        )
    here = request.path == url
    return row_html(
        '<a class="rl-inbox-link{active}" href="{url}"{current}><i class="bi bi-bell{fill}" aria-hidden="true"></i> '
        "{label}{badge}</a>",
        active=" active" if here else "", url=url, current=SafeString(' aria-current="page"') if here else "",
        fill="-fill" if unread else "", label=_("Inbox"),
        badge=row_html(' <span class="rl-inbox-badge">{n}<span class="rl-visually-hidden"> {word}</span></span>',
                       n=unread, word=_("unread")) if unread else "",
    )


@register.inclusion_tag("supervision/_reform_actions.html", takes_context=True)
def reform_actions(context, reform) -> dict:
    """What the person may do about a reform's supervision, as links: issue an order about it,
    apply for completion (with a pending application: see it), request a change."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actions": []}
    open_reform = reform.status not in LOCKED_STATUSES
    pending = (
        Completion.objects.filter(reform=reform, status=Decision.PENDING).exists()
        if open_reform and user.has_perm("supervision.apply_completion", reform)
        else None
    )
    actions: list[tuple[str | None, str, str]] = []
    if reform.status == Status.COMPLETED and user.has_perm("supervision.reopen_completion", reform):
        actions.append((reverse("supervision:completion-reopen", args=[reform.pk]), "bi-arrow-counterclockwise", _("Reopen the completion")))
    if open_reform and user.has_perm("supervision.correct_progress", reform) and not reform.tasks.exists():
        actions.append((reverse("supervision:reform-correct-progress", args=[reform.pk]), "bi-sliders", _("Correct the progress (with a reason)")))
    if reform.status in (Status.APPROVED, Status.IN_PROGRESS) and user.has_perm("supervision.issue_order"):
        actions.append((reverse("supervision:order-new") + f"?reform={reform.pk}", "bi-megaphone", _("Issue a supervision order")))
    if pending is False and reform.status == Status.IN_PROGRESS:
        actions.append((reverse("supervision:completion-apply", args=[reform.pk]), "bi-flag", _("Apply for completion")))
    elif pending:
        actions.append((None, "bi-hourglass-split", _("The application for completion awaits the office")))
    if user.has_perm("supervision.request_change", reform):
        actions.append((reverse("supervision:change-new", args=[reform.pk]), "bi-pencil-square", _("Request a change")))
    return {"actions": actions}


@register.filter
def spell_days(spell, today: dt.date) -> int:
    """Days an overdue spell lasted (or has lasted, while open), both ends counted."""
    return spell.days(today)
