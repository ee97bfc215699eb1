"""The catalogue's rows, rendered in Python (ADR 0053): a page nobody has opened since its reforms
changed renders 50 of them. The markup is the catalogue's table (``_catalogue_results.html``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.safestring import SafeString

from reformledger.core.registry import CatalogueColumn
from reformledger.core.rows import id_url, joined, row_html, short_date

from .models import Reform
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


def catalogue_row_renderer(columns: Sequence[CatalogueColumn]) -> Callable[[Reform], SafeString]:
    """A function rendering one catalogue row (a ``<tr>``) with the cells ``columns`` add; the
    reform is loaded with its domain and lead unit (``reform_list``)."""
    detail_url = id_url("reforms:detail")

    def render_row(reform: Reform) -> SafeString:
        cells = joined(column.render(column.value(reform)) for column in columns)
        return row_html(
            ROW, code=reform.code, url=detail_url(reform.pk), title=reform.title, year=reform.year,
            tier=tier_badge(reform.tier), domain=reform.domain.name, lead_unit=reform.lead_unit.name,
            status=status_badge(reform.status), progress=progress_bar(reform.progress), due=short_date(reform.due_date),
            cells=cells,
        )

    return render_row
