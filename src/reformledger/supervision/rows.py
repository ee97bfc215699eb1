"""The rows of the warning board and of the workbench's red and amber work, rendered in Python
(ADR 0053): a page nobody opened yet renders 50 of them. The badges and the words are the
template tags' (``templatetags.supervision``); the board's row and the workbench's shorter one are
made by one function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reformledger.core.rows import id_url, row_html, short_date
from reformledger.reforms.templatetags.ui import progress_bar, tier_badge

from .models import Task
from .templatetags.supervision import due_in_words, level_badge, warning_text

ROW = (
    '<tr class="rl-sv-row-{level}">\n  {pick}\n  <td>{badge}</td>\n  <td class="rl-title-cell">\n'
    '    <a href="{task_url}">{title}</a>\n    <div class="rl-sv-why">{why}</div>\n  </td>\n'
    '  <td class="d-none d-lg-table-cell">\n'
    '    <a href="{tree_url}"><span class="rl-code">{code}</span> {reform}</a>\n'
    '    <div class="rl-tree-meta">{tier} {domain}</div>\n  </td>\n'
    '  <td class="d-none d-md-table-cell">{unit}{person}</td>\n  <td class="text-nowrap">\n'
    '    <time datetime="{due_iso}">{due}</time>\n    <div class="rl-sv-due">{due_words}</div>\n  </td>\n'
    "  <td>{progress}</td>\n</tr>\n"
)
#: The workbench's shorter row: no box to pick, no tier, domain or person, no progress.
COMPACT_ROW = (
    '<tr class="rl-sv-row-{level}">\n  <td>{badge}</td>\n  <td class="rl-title-cell">\n'
    '    <a href="{task_url}">{title}</a>\n    <div class="rl-sv-why">{why}</div>\n  </td>\n'
    '  <td class="d-none d-lg-table-cell">\n    <a href="{tree_url}"><span class="rl-code">{code}</span> {reform}</a>\n  </td>\n'
    '  <td class="d-none d-md-table-cell">{unit}</td>\n  <td class="text-nowrap">\n'
    '    <time datetime="{due_iso}">{due}</time>\n    <div class="rl-sv-due">{due_words}</div>\n  </td>\n</tr>\n'
)
PICK = (
    '<td class="rl-sv-pick"><input class="form-check-input" type="checkbox" name="task" value="{pk}"'
    ' form="board-urge" aria-label="{label}"></td>'
)


def warning_row_renderer(*, on: dt.date, may_urge: bool = False, compact: bool = False) -> Callable[[Task], SafeString]:
    """A function rendering one row (a ``<tr>``): the board's (``may_urge``: with the box that
    picks it for urging), or with ``compact`` the workbench's."""
    task_url, tree_url = id_url("supervision:task"), id_url("supervision:tree")

    def render_row(task: Task) -> SafeString:
        reform = task.reform
        shared = {
            "level": task.level, "badge": level_badge(task.level), "task_url": task_url(task.pk), "title": task.title,
            "why": warning_text(task, on), "tree_url": tree_url(task.reform_id), "code": reform.code,
            "reform": reform.title, "unit": task.unit.name, "due_iso": task.due_date.isoformat(),
            "due": short_date(task.due_date), "due_words": due_in_words(task.due_date, on),
        }
        if compact:
            return row_html(COMPACT_ROW, **shared)
        pick = row_html(PICK, pk=task.pk, label=_("Select “%(task)s”") % {"task": task.title}) if may_urge else ""
        person = row_html('<div class="rl-tree-meta">{name}</div>', name=task.assignee) if task.assignee_id else ""
        return row_html(
            ROW, pick=pick, tier=tier_badge(reform.tier), domain=reform.domain.name, person=person,
            progress=progress_bar(task.progress), **shared,
        )

    return render_row
