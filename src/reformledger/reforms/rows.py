"""The catalogue's rows, rendered in Python (ADR 0053): a page nobody has opened since its reforms
changed renders 50 of them. The markup is the catalogue's table (``_catalogue_results.html``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.safestring import SafeString

from reformledger.core.registry import CatalogueColumn
from reformledger.core.rows import id_url, joined, row_html, short_date

from .templatetags.ui import progress_bar, status_badge, tier_badge

ROW = (
    "<tr>\n"
    '  <td class="rl-code d-none d-sm-table-cell">{code}</td>\n'
    '  <td class="rl-title-cell">\n'
    '    <a href="{url}">{title}</a>\n'
    '    <div class="rl-code d-sm-none">{code} · {year}</div>\n'
    "  </td>\n"
    '  <td class="d-none d-lg-table-cell">{tier}</td>\n'
    '  <td class="d-none d-md-table-cell">{year}</td>\n'
    '  <td class="text-nowrap d-none d-xl-table-cell">{domain}</td>\n'
    '  <td class="d-none d-md-table-cell">{lead_unit}</td>\n'
    "  <td>{status}</td>\n"
    "  <td>{progress}</td>\n"
    '  <td class="text-nowrap d-none d-lg-table-cell">{due}</td>\n'
    "  {cells}\n"
    "</tr>"
)


#: What a catalogue row shows, sorts by and depends on (its district), as the page's query reads
#: it: a tuple of these (and of what the columns load), not a model instance (ADR 0053).
CATALOGUE_FIELDS = (
    "id", "code", "title", "tier", "year", "district_id", "status", "progress", "due_date",
    "domain__name", "lead_unit__name",
)


def catalogue_row_renderer(columns: Sequence[CatalogueColumn]) -> Callable[[Any], SafeString]:
    """A function rendering one catalogue row (a ``<tr>``) with the cells ``columns`` add, from the
    row as the page's query reads it (:data:`CATALOGUE_FIELDS` and the columns' ``loads``)."""
    detail_url = id_url("reforms:detail")

    def render_row(row: Any) -> SafeString:
        cells = joined(column.render(column.value(row)) for column in columns)
        return row_html(
            ROW, code=row.code, url=detail_url(row.id), title=row.title, year=row.year,
            tier=tier_badge(row.tier), domain=row.domain__name, lead_unit=row.lead_unit__name,
            status=status_badge(row.status), progress=progress_bar(row.progress), due=short_date(row.due_date),
            cells=cells,
        )

    return render_row
