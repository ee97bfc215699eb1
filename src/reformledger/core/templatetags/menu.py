"""The navigation entries that higher apps register (:mod:`reformledger.core.registry`), with badges.

``{% load menu %}{% office_menu "supervision" as menu %}`` gives ``menu.top`` (the entries of the
bar itself) and ``menu.sections.supervision`` (those of the named sections), each item with its
``url``, ``label``, ``icon``, ``active`` and ``badge_html`` (the count beside it, empty for none);
``menu.totals_html.supervision`` is the sum of a section's badges, for its own menu button.
``menu.key`` names every shown entry: put it in the key of a cached navigation fragment.

The badges are late values (``core.late``, ADR 0055): the page holds a mark, filled each time the
page is served, so a kept page stays kept when a count changes. Each entry's ``badge(request)``
must be cheap and read through versioned lookups (one count, cached until the next audited write
of what it counts, as the registering app documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from reformledger.core.late import late
from reformledger.core.registry import Label, MenuEntry, menu_entries, menu_entry
from reformledger.core.rows import per_language, row_html

register = template.Library()


@dataclass
class MenuItem:
    entry: MenuEntry
    request: Any

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def label(self) -> Label:
        return self.entry.label

    @property
    def icon(self) -> str:
        return self.entry.icon

    @cached_property
    def url(self) -> str:
        return reverse(self.entry.url_name)

    @property
    def active(self) -> bool:
        return bool(self.request.path == self.url)

    @property
    def badge_html(self) -> SafeString:
        return late(self.request, "menu-badge", self.entry.key) if self.entry.badge else SafeString("")


@dataclass
class Menu:
    request: Any = None
    top: list[MenuItem] = field(default_factory=list)
    sections: dict[str, list[MenuItem]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        items = [*self.top, *(item for items in self.sections.values() for item in items)]
        return ";".join(item.key for item in items)

    @property
    def totals_html(self) -> dict[str, SafeString]:
        """The sum of the badges of each section (for the section's own menu button), as late values."""
        return {
            name: late(self.request, "menu-total", name) if any(item.entry.badge for item in items) else SafeString("")
            for name, items in self.sections.items()
        }


def _items(request: Any, section: str) -> list[MenuItem]:
    return [MenuItem(entry=entry, request=request) for entry in menu_entries(request, section=section)]


@register.simple_tag(takes_context=True)
def office_menu(context: Context, *sections: str) -> Menu:
    """The registered entries this person sees: the bar's own, and those of ``sections``."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return Menu()
    return Menu(request=request, top=_items(request, ""), sections={name: _items(request, name) for name in sections})


@per_language
def badge_html(count: int) -> SafeString:
    """The badge beside a menu entry: its count, and a word for screen readers; nothing for 0."""
    if not count:
        return SafeString("")
    return row_html(
        ' <span class="rl-menu-badge">{count}<span class="rl-visually-hidden"> {waiting}</span></span>',
        count=count, waiting=gettext("waiting"),
    )


def fill_badge(request: Any, key: str) -> str:
    """The late value ``menu-badge``: the badge of the entry ``key`` for this person."""
    entry = menu_entry(key)
    return badge_html(entry.badge(request)) if entry is not None and entry.badge and entry.visible(request) else ""


def fill_total(request: Any, section: str) -> str:
    """The late value ``menu-total``: the sum of the badges of the section's entries this person sees."""
    return badge_html(sum(entry.badge(request) for entry in menu_entries(request, section=section) if entry.badge))
