"""What supervision adds to the reforms area, registered in ``core.registry`` (reforms never names
supervision): the words for the entries it records on a reform, and the supervision panel on a
reform's page. :func:`register` is called from ``SupervisionConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from reformledger.core import registry
from reformledger.core.cache import (
    LEVELS,
    SETTLED,
    register_action_family,
    register_fact_family,
    register_work_family,
)
from reformledger.core.rows import row_html

from .notify import tell_person
from .rules import sees_reported_of_reform
from .selectors.tasks import reported_figures
from .templatetags.supervision import level_badge, reform_actions, reform_warning_text

#: Recorded on the reform by supervision (tasks, completion, change requests, urging).
AUDIT_LABELS = {
    "task.delete": _("removed a task"),
    "supervision.urge": _("urged the responsible unit (催办)"),
    "reform.apply_completion": _("applied for completion"),
    "reform.complete": _("accepted the completion: the reform is completed"),
    "reform.return_completion": _("returned the application for completion"),
    "reform.request_change": _("requested a change"),
    "reform.close_tasks": _("closed the open tasks at the reform's completion"),
    "reform.reopen_completion": _("reopened the completion: the reform is back in progress"),
    "progress.correct": _("corrected the progress (a correction, with its reason)"),
    "order.issue": _("issued the supervision order"),
    "order.acknowledge": _("acknowledged the order (签收)"),
    "order.reply": _("replied to the order in writing"),
    "order.review_reply": _("reviewed a reply"),
    "order.close": _("closed the order: every reply accepted"),
}
#: Keys of those entries that are not reform fields.
CHANGE_LABELS = {
    "task": _("Task"),
    "evidence": _("Evidence"),
    "tasks_closed": _("Tasks closed at completion"),
    "tasks_reopened": _("Tasks reopened"),
    "corrected_task": _("Task corrected"),
    "cc_units": _("Copied to (抄送)"),
    "days_late": _("Days late"),
    "implicit": _("With the reply"),
}


def reform_panel(request, reform) -> dict[str, Any]:
    """The supervision panel of a reform's page: its warning (None before the first computation),
    the warning in words, and what the person may do about it."""
    warning = getattr(reform, "warning", None)
    reported = reported_figures(reform)
    return {
        "warning": warning,
        "why": reform_warning_text(warning, reform),
        "actions": reform_actions({"request": request}, reform)["actions"],
        "reported": reported,
        # The office and the lead unit see the figure awaiting review; others that reports await.
        "sees_reported": reported.pending and sees_reported_of_reform(request.user, reform),
    }


def reform_level(reform) -> str | None:
    """A reform's warning level (red, amber, green, …) as the catalogue's query loads it (annotated
    by the column's ``prepare``), None before the first scan."""
    return getattr(reform, "warning_level", None)


#: The catalogue's warning cell of a reform with no warning level.
NO_WARNING = SafeString('<td class="d-none d-md-table-cell text-nowrap"><span class="rl-muted">—</span></td>')


def warning_cell(level: str | None) -> SafeString:
    """The catalogue's warning cell: the reform's level as a badge, or a dash."""
    if not level:
        return NO_WARNING
    return row_html('<td class="d-none d-md-table-cell text-nowrap">{badge}</td>', badge=level_badge(level))


def register() -> None:
    registry.register_audit_labels(AUDIT_LABELS)
    registry.register_change_labels(CHANGE_LABELS)
    # The help badge waits for a help request to open or close (or its reform to change), not for
    # every progress report of the district (core.cache).
    register_fact_family("supervision.helprequest", "help")
    # The office's decisions (completions and change requests are audited on their reform, whose
    # family every family's part reads too; extension requests on their task) and its orders.
    for model in ("supervision.changerequest", "supervision.completion", "supervision.extensionrequest"):
        register_fact_family(model, "decisions")
    register_action_family(("task.request_extension", "task.decide_extension"), "decisions")
    register_fact_family("supervision.order", "orders")
    # What the warning board, the workbench and the API lists read of the work (ADR 0052): every
    # write of the work bumps it, but a progress report only when it moved a level, a progress,
    # a warning or a listed task's last report (services.reports.submit_report says so).
    register_work_family(LEVELS, quiet_actions=("task.report",))
    # Whether a task is settled, its dates, the orders' items (the orders' tasks past their deadline):
    # every write of the work but a progress report, which settles nothing and moves no date.
    register_work_family(SETTLED, quiet_actions=("task.report",))
    # A person told about their own account (org's one-time passwords): inbox, and e-mail.
    registry.register_person_notifier("supervision.inbox", tell_person)
    registry.register_reform_panel("supervision", template="supervision/_reform_panel.html", context=reform_panel)
    registry.register_catalogue_column(
        registry.CatalogueColumn(
            key="warning", header=_("Warning"), render=warning_cell,
            visible=lambda request: request.user.has_perm("supervision.view_board"),
            prepare=lambda reforms: reforms.annotate(warning_level=F("warning__level")), value=reform_level,
            loads=("warning_level",),
        )
    )
