"""Template helpers shared by every page: who is looking, and how a status or tier is shown.

``{% load ui %}`` then ``{% get_actor as actor %}``, ``{% status_badge reform.status %}``,
``{% tier_badge reform.tier %}``, ``{% progress_bar reform.progress %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignObjectRel
from django.utils.html import escape, format_html
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


def _page_links(context) -> Callable[[int], str]:
    """The URL of each page of ``context["page"]``'s list: the current query string (filters and
    sort kept, in their order) with the page number set (``page_param``: a page with two lists names
    each one's) and, for a keyset page's neighbours, the cursor (``core.pagination``), so that "next"
    never skips rows. The query string is parsed once for the whole bar; pairs are encoded as
    ``QueryDict.urlencode`` encodes them."""
    request = context["request"]
    param = context.get("page_param") or "page"
    page = context.get("page")
    cursors = page.cursor_params if hasattr(page, "cursor_params") else None
    pairs = [(key, urlencode({key: value})) for key, values in request.GET.lists()
             if key not in ("after", "before") for value in values]
    at = next((i for i, (key, _encoded) in enumerate(pairs) if key == param), None)
    before, after = (pairs, []) if at is None else (pairs[:at], [p for p in pairs[at:] if p[0] != param])
    head = "&".join(encoded for _key, encoded in before)
    tail = "&".join(encoded for _key, encoded in after)
    path = request.path

    def link(number: int) -> str:
        parts = [head, urlencode({param: number}), tail]
        if cursors is not None:
            parts += [urlencode({key: value}) for key, value in cursors(number).items()]
        return f"{path}?{'&'.join(part for part in parts if part)}"

    return link


@register.simple_tag(takes_context=True)
def pagination_bar(context) -> str:
    """The bar under a paged list (``includes/pagination.html``): previous, the page numbers around
    this one with ellipses, next; built without a template render (it is on every list page, and
    the template engine took a millisecond for it). ``hx_target``: the element the links replace."""
    page = context.get("page")
    if page is None or page.paginator.num_pages <= 1:
        return ""
    link = _page_links(context)
    target = context.get("hx_target") or ""

    def anchor(number: int, text: str, rel: str = "") -> str:
        url = link(number)
        return format_html(
            '<li class="page-item"><a class="page-link" href="{}"{}{}>{}</a></li>', url,
            format_html(' hx-get="{}" hx-target="{}" hx-push-url="true"', url, target) if target else "",
            format_html(' rel="{}"', rel) if rel else "", text,
        )

    previous = mark_safe(f'<span aria-hidden="true">&laquo;</span> {escape(_("Previous"))}')  # noqa: S308 - escaped
    following = mark_safe(f'{escape(_("Next"))} <span aria-hidden="true">&raquo;</span>')  # noqa: S308 - escaped
    items = [
        anchor(page.previous_page_number(), previous, "prev") if page.has_previous()
        else format_html('<li class="page-item disabled"><span class="page-link">{}</span></li>', previous)
    ]
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.number:
            items.append(format_html('<li class="page-item active" aria-current="page"><span class="page-link">{}</span></li>', number))
        elif number == page.paginator.ELLIPSIS:
            items.append(format_html('<li class="page-item disabled"><span class="page-link">{}</span></li>', number))
        else:
            items.append(anchor(number, str(number)))
    items.append(
        anchor(page.next_page_number(), following, "next") if page.has_next()
        else format_html('<li class="page-item disabled"><span class="page-link">{}</span></li>', following)
    )
    return format_html(
        '<nav aria-label="{}">\n  <ul class="pagination pagination-sm flex-wrap">\n    {}\n  </ul>\n</nav>',
        _("Pages"), mark_safe("\n    ".join(items)),  # noqa: S308 - each item made by format_html
    )


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
