"""Template tags for what a kept fragment may not hold itself, filled as the response is served
(core.late, ADR 0055)."""

from __future__ import annotations

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..late import late

register = template.Library()


@register.simple_tag(takes_context=True)
def late_csrf_token(context: dict[str, Any]) -> SafeString | str:
    """``{% csrf_token %}`` inside a fragment kept for everyone who sees the same rows (the board's
    results): the token is each session's own, so the fragment holds a mark that every response
    fills with its own token, never kept."""
    request = context.get("request")
    if request is None:
        return ""
    return late(request, "csrf-token")


def fill_csrf_token(request: Any, _arg: str) -> str:
    """The late value ``csrf-token``: the hidden input ``{% csrf_token %}`` renders."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))


@register.simple_tag(takes_context=True)
def late_here(context: dict[str, Any]) -> SafeString | str:
    """The address of the page being served (a form's ``next``), filled as it is served: a page kept
    for every page number of its list (``personal_page(query=…)``) does not hold one page's address."""
    request = context.get("request")
    if request is None:
        return ""
    return late(request, "here")


def fill_here(request: Any, _arg: str) -> str:
    """The late value ``here``: the request's path and query string, escaped for an attribute."""
    return format_html("{}", request.get_full_path())
