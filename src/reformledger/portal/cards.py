"""The public site's reform card, rendered in Python (ADR 0053): the public catalogue shows 50 of
them a page, the home page the latest. The markup is the cards grid's (``.rl-cards``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from reformledger.core.rows import id_url, row_html
from reformledger.reforms.templatetags.ui import progress_bar, status_badge, tier_badge

CARD = (
    '<article class="rl-card">\n'
    '  <div class="rl-card-meta">{tier} {status} <span>{year}</span></div>\n'
    '  <h3><a href="{url}">{title}</a></h3>\n'
    '  <div class="rl-card-meta"><span><i class="bi bi-building" aria-hidden="true"></i> {lead_unit}</span>'
    '<span><i class="bi bi-tag" aria-hidden="true"></i> {domain}</span></div>\n'
    "  {summary}\n"
    "  {progress}\n"
    "</article>"
)
#: The longest summary a card shows (characters, the ellipsis included).
SUMMARY_CHARS = 90


def card_renderer() -> Callable[[Any], SafeString]:
    """A function rendering one public card (an ``<article>``) from the row as the public lists read
    it: a tuple of ``portal.views.PUBLIC_FIELDS``, not a model instance (ADR 0053)."""
    detail_url = id_url("portal:detail")

    def render_card(row: Any) -> SafeString:
        summary = (
            row_html("<p>{text}</p>", text=Truncator(row.public_summary).chars(SUMMARY_CHARS))
            if row.public_summary else ""
        )
        return row_html(
            CARD, tier=tier_badge(row.tier), status=status_badge(row.status), year=row.year,
            url=detail_url(row.id), title=row.title, lead_unit=row.lead_unit__name, domain=row.domain__name,
            summary=summary, progress=progress_bar(row.progress),
        )

    return render_card
