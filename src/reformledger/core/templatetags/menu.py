"""The navigation entries that higher apps register (:mod:`reformledger.core.registry`), with badges.

``{% load menu %}{% office_menu "supervision" as menu %}`` gives ``menu.top`` (the entries of the
bar itself) and ``menu.sections.supervision`` (those of the named sections), each item with its
``url``, ``label``, ``icon``, ``active`` and ``badge`` (a count, or ``None`` for an entry without
one). ``menu.key`` names every shown entry and its count: put it in the key of a cached navigation
fragment, so a cached bar never shows an old count.

Each badge is counted once a request, when the tag runs: the entry's ``badge(request)`` must be
cheap (one count, cached until the next audited write, as the registering app documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.functional import cached_property

from reformledger.core.registry import Label, MenuEntry, menu_entries

register = template.Library()


@dataclass
class MenuItem:
    entry: MenuEntry
    path: str
    badge: int | None

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
        return self.path == self.url


@dataclass
class Menu:
    top: list[MenuItem] = field(default_factory=list)
    sections: dict[str, list[MenuItem]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        items = [*self.top, *(item for items in self.sections.values() for item in items)]
        return ";".join(f"{item.key}={'' if item.badge is None else item.badge}" for item in items)

    @property
    def totals(self) -> dict[str, int]:
        """The sum of the badges of each section (shown on the section's own menu button)."""
        return {name: sum(item.badge or 0 for item in items) for name, items in self.sections.items()}


def _items(request: Any, section: str) -> list[MenuItem]:
    return [
        MenuItem(entry=entry, path=request.path, badge=entry.badge(request) if entry.badge else None)
        for entry in menu_entries(request, section=section)
    ]


@register.simple_tag(takes_context=True)
def office_menu(context: Context, *sections: str) -> Menu:
    """The registered entries this person sees: the bar's own, and those of ``sections``."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return Menu()
    return Menu(top=_items(request, ""), sections={name: _items(request, name) for name in sections})
