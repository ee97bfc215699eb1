"""The public site's reform card, rendered in Python (ADR 0053): the public catalogue shows 50 of
them a page, the home page the latest. The markup is the cards grid's (``.rl-cards``)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from reformledger.core.rows import id_url, row_html
from reformledger.reforms.models import Reform
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


def card_renderer() -> Callable[[Reform], SafeString]:
    """A function rendering one public card (an ``<article>``); the reform is loaded with its
    domain and lead unit (``portal.views.PUBLIC_FIELDS``)."""
    detail_url = id_url("portal:detail")

    def render_card(reform: Reform) -> SafeString:
        summary = (
            row_html("<p>{text}</p>", text=Truncator(reform.public_summary).chars(SUMMARY_CHARS))
            if reform.public_summary else ""
        )
        return row_html(
            CARD, tier=tier_badge(reform.tier), status=status_badge(reform.status), year=reform.year,
            url=detail_url(reform.pk), title=reform.title, lead_unit=reform.lead_unit.name, domain=reform.domain.name,
            summary=summary, progress=progress_bar(reform.progress),
        )

    return render_card
