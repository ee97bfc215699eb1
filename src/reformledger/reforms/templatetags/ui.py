"""Template helpers shared by every page: who is looking, and how a status or tier is shown.

``{% load ui %}`` then ``{% get_actor as actor %}``, ``{% status_badge reform.status %}``,
``{% tier_badge reform.tier %}``, ``{% progress_bar reform.progress %}``.
"""

from __future__ import annotations

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignObjectRel
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from reformledger.core.rows import per_language
from reformledger.org.selectors import ANONYMOUS, Actor, actor_for, has_full_access
from reformledger.reforms.models import Reform, Status, Tier

register = template.Library()

#: status -> (Bootstrap-style tone, Bootstrap icon). The text label always goes with the colour.
STATUS_LOOK: dict[str, tuple[str, str]] = {
    Status.DRAFT: ("draft", "bi-pencil"),
    Status.PROPOSED: ("proposed", "bi-send"),
    Status.APPROVED: ("approved", "bi-check2-circle"),
    Status.IN_PROGRESS: ("in-progress", "bi-arrow-repeat"),
    Status.COMPLETED: ("completed", "bi-check-circle-fill"),
    Status.SUSPENDED: ("suspended", "bi-pause-circle"),
    Status.TERMINATED: ("terminated", "bi-x-octagon"),
}
TIER_LOOK: dict[str, str] = {
    Tier.UPPER: "bi-bank",
    Tier.KEY: "bi-star",
    Tier.MICRO: "bi-lightbulb",
}


@register.simple_tag(takes_context=True)
def get_actor(context) -> Actor:
    """Who the signed-in person is in the programme (cached on the user: queried once a request)."""
    request = context.get("request")
    if request is None:
        return ANONYMOUS
    return actor_for(request.user)


@register.filter
def has_office_access(actor: Actor) -> bool:
    """Office pages are for people who carry reforms: office, committee, leaders, unit heads and staff."""
    return bool(actor and actor.is_authenticated and has_full_access(actor))


@register.filter
def reform_field_label(name: str) -> str:
    """A reform field's name in the active language (``goals`` -> 改革目标 / Goals)."""
    try:
        field = Reform._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if isinstance(field, ForeignObjectRel):  # another model's relation to reforms: no label here
        return name
    return capfirst(str(field.verbose_name))


@register.filter
def startswith(value, prefix) -> bool:
    return bool(prefix) and str(value).startswith(str(prefix))


# The badges and the progress bar are drawn for every row of a list: simple tags building the
# HTML with format_html cost a fraction of an inclusion tag's template render, and each is made
# once per value and language (core.rows.per_language). Their markup is the
# one of templates/includes/{status_badge,tier_badge,progress_bar}.html (kept for {% include %}).


@register.simple_tag
@per_language
def status_badge(status: str) -> str:
    tone, icon = STATUS_LOOK.get(status, ("draft", "bi-circle"))
    label = Status(status).label if status in Status.values else status
    return format_html(
        '<span class="rl-badge rl-status rl-status-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        tone, icon, label,
    )


@register.simple_tag
@per_language
def tier_badge(tier: str) -> str:
    label = Tier(tier).label if tier in Tier.values else tier
    return format_html(
        '<span class="rl-badge rl-tier rl-tier-{}"><i class="bi {}" aria-hidden="true"></i> {}</span>',
        tier, TIER_LOOK.get(tier, "bi-circle"), label,
    )


@register.simple_tag
@per_language
def progress_bar(value: int | None, label: str = "") -> str:
    value = max(0, min(100, int(value or 0)))
    label = label or str(_("Progress"))
    return format_html(
        '<div class="rl-progress" title="{}: {}%">\n'
        '  <div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0"'
        ' aria-valuemax="100">\n'
        '    <div class="progress-bar{}" data-rl-width="{}"></div>\n'
        "  </div>\n"
        '  <span class="rl-progress-value">{}%</span>\n'
        "</div>",
        label, value, label, value, " rl-progress-done" if value == 100 else "", value, value,
    )


@register.simple_tag
def percent(rate: float | int | None) -> str:
    """0.4567 -> "45.7%"."""
    return f"{(rate or 0) * 100:.1f}%"


SORT_ICONS = {  # constant markup
    "ascending": mark_safe('<i class="bi bi-sort-up" aria-hidden="true"></i>'),  # noqa: S308
    "descending": mark_safe('<i class="bi bi-sort-down" aria-hidden="true"></i>'),  # noqa: S308
    "": mark_safe('<i class="bi bi-arrow-down-up opacity-50" aria-hidden="true"></i>'),  # noqa: S308
}


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, css: str = "") -> str:
    """A column header that sorts by ``key`` (a key of ``selectors.SORTS``); clicking again reverses.

    Keeps the other filters in the link and drops the page number. (The markup of
    templates/includes/sort_header.html, built without a template render.)
    """
    request = context["request"]
    current = context.get("sort") or ""
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params["sort"], state = f"-{key}", "ascending"
    elif current == f"-{key}":
        params["sort"], state = key, "descending"
    else:
        params["sort"], state = key, ""
    href = f"{request.path}?{params.urlencode()}"
    return format_html(
        '<th scope="col" class="{}"{}><a href="{}" hx-get="{}" hx-target="{}" hx-push-url="true">{}{}</a></th>',
        css,
        format_html(' aria-sort="{}"', state) if state else "",
        href, href, context.get("hx_target", "#results"), label, SORT_ICONS[state],
    )


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current URL with ``page`` set to ``number`` (filters and sort kept). A page with two
    lists names each one's parameter: ``{% include "includes/pagination.html" with page_param="cpage" %}``."""
    request = context["request"]
    params = request.GET.copy()
    params[context.get("page_param") or "page"] = number
    # A keyset page (core.pagination) gives its neighbours a cursor, so "next" never skips rows.
    for name in ("after", "before"):
        params.pop(name, None)
    page = context.get("page")
    if hasattr(page, "cursor_params"):
        params.update(page.cursor_params(number))
    return f"{request.path}?{params.urlencode()}"


@register.simple_tag
def elided_pages(page) -> list:
    """Page numbers around the current page, with the paginator's ellipsis between runs."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def rate_percent(rate: float | int | None) -> int:
    """0.4567 -> 46 (a whole percent, for progress bars)."""
    return round((rate or 0) * 100)


def list_separator() -> str:
    """How names are joined in running text: "、" in Chinese, ", " in English."""
    return pgettext("list separator", ", ")


@register.filter
def join_names(items) -> str:
    """``units|join_names``: the objects' names (or str) joined with the language's separator."""
    return list_separator().join(str(getattr(item, "name", item)) for item in items)
