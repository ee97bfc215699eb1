"""Reads of the workbench (工作台): what waits for the person, built on the lower apps' scoped reads.

Nothing here starts from an unscoped ``Model.objects``: every queue is a filter on
``reforms.selectors.visible_reforms`` (``of_visible_reforms``) or on a ``supervision.selectors`` queryset, so the workbench
shows exactly what the person may see, and each figure counts the rows of the list page it links to:

======================  ====================================================  ========================
figure                  rows                                                  list page
======================  ====================================================  ========================
red / amber             ``warning_list`` at that level                        warning board ?level=
reports                 ``pending_reports``                                   reports to review
completions, changes    pending, of the reforms the person may see            decisions
extensions              ``pending_extensions`` (延期申请 awaiting the office)  decisions #extensions
help                    open; the office: all it sees; others: escalated      help needed
                        to them
orders                  ``visible_orders`` with a target not yet signed for   orders ?state=pending
proposals               ``reform_list`` with status *proposed*                catalogue ?status=
======================  ====================================================  ========================

Reads only: the cockpit writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from reformledger.core.cache import Scopes
from reformledger.core.compiled import compiled
from reformledger.org.selectors import Actor, actor_for, has_full_access
from reformledger.reforms.models import Reform, Status
from reformledger.reforms.selectors import (
    ReformFilters,
    of_visible_reforms,
    reform_list,
    tier_rows,
    visibility_key,
)
from reformledger.supervision.models import (
    ChangeRequest,
    Completion,
    Decision,
    HelpRequest,
    Level,
    Order,
    OrderTarget,
    ProgressReport,
    Task,
)
from reformledger.supervision.selectors.extensions import pending_extensions
from reformledger.supervision.selectors.orders import visible_orders
from reformledger.supervision.selectors.reports import pending_reports
from reformledger.supervision.selectors.warnings import (
    TaskFilters,
    board_scopes,
    level_counts,
    warning_keys,
    warning_list,
)

# --- who gets the workbench, and which figures ----------------------------------------------------


def has_workbench(actor: Actor) -> bool:
    """The office, the committee and leaders work from the workbench; units from their tasks."""
    return has_full_access(actor) and (actor.sees_district_work or actor.is_leader)


def sees_reports(user) -> bool:
    return user.has_perm("supervision.review_report")


def sees_decisions(user) -> bool:
    return user.has_perm("supervision.decide")


def sees_help(user) -> bool:
    """The help page is the office's (every matter of its district), the province office's (every
    matter, to read) and the leaders' (those escalated to them)."""
    actor = actor_for(user)
    return actor.is_office or actor.reads_every_district or actor.is_leader


def sees_order_queue(user) -> bool:
    """Orders not yet signed for by some unit: a list for those who see every order of a district."""
    return actor_for(user).sees_district_work


def sees_proposals(user) -> bool:
    """Proposals (已提出) wait for the office or the committee to approve them (the province office
    reads the figure)."""
    return actor_for(user).sees_district_work


# --- the queues (querysets: counted by the caller, or their first rows shown) --------------------


def warnings(user, level: str) -> QuerySet[Task]:
    """The warning board at one level (red first, then by due date)."""
    return warning_list(user, TaskFilters(level=level))


def warning_counts(user) -> dict[str, int]:
    """``{"red": n, "amber": m}`` as the board counts them, from the board's own counts (one value
    per district and level, kept on that district's levels: ADR 0052)."""
    counts = level_counts(user, TaskFilters())
    return {level: counts.get(level, 0) for level in (Level.RED, Level.AMBER)}


def workbench_scopes(user) -> Scopes:
    """What the workbench depends on before it reads anything: the levels of the districts the
    person reads (its red and amber work, ADR 0052); each queue's count adds its own family, and
    the reports to review the districts' work, as it reads them (core.cache)."""
    return board_scopes(user)


def top_warnings(user, limit: int) -> list[Any]:
    """The keys of the first rows of the warning board (red first, then by due date): the columns a
    row shows, nothing joined (``warning_keys``; the rows not kept rendered are loaded in full), in
    one query compiled once per process for who may see what (core.compiled)."""
    return compiled(("top-warnings", visibility_key(user), limit), lambda: warning_keys(user)[:limit])


def reports_waiting(user) -> QuerySet[ProgressReport]:
    return pending_reports(user)


def completions_waiting(user) -> QuerySet[Completion]:
    return (
        of_visible_reforms(Completion.objects.filter(status=Decision.PENDING), user)
        .select_related("reform", "reform__lead_unit", "applied_by")
        .order_by("created_at", "pk")
    )


def changes_waiting(user) -> QuerySet[ChangeRequest]:
    return (
        of_visible_reforms(ChangeRequest.objects.filter(status=ChangeRequest.CRStatus.PENDING), user)
        .select_related("reform", "reform__lead_unit", "requested_by")
        .order_by("created_at", "pk")
    )


def extensions_waiting(user) -> QuerySet:
    """Extension requests (延期申请) awaiting the office, of the tasks the person may see."""
    return pending_extensions(user)


def decisions_waiting(user) -> QuerySet:
    """Completions, change requests and extension requests waiting, as one query (``UNION ALL`` of
    their ids): what a menu badge counts."""
    completions = completions_waiting(user).order_by().values_list("pk")
    changes = changes_waiting(user).order_by().values_list("pk")
    extensions = extensions_waiting(user).order_by().values_list("pk")
    return completions.union(changes, extensions, all=True)


def help_waiting(user) -> QuerySet[HelpRequest]:
    """Open help requests: for the office every one of the reforms it sees, for anyone else those
    escalated to them (as the help page lists them)."""
    actor = actor_for(user)
    qs = HelpRequest.objects.filter(status=HelpRequest.HelpStatus.OPEN)
    if actor.is_office or actor.reads_every_district:
        qs = of_visible_reforms(qs, user)
    elif actor.is_authenticated:
        qs = qs.filter(leader=user)
    else:
        return qs.none()
    return qs.select_related("reform", "report__task", "report__task__unit").order_by("created_at", "pk")


def orders_unacknowledged(user) -> QuerySet[Order]:
    """Orders the person sees that some target unit has not acknowledged (签收) yet."""
    unsigned = OrderTarget.objects.filter(order_id=OuterRef("pk"), acknowledged_at__isnull=True)
    return visible_orders(user).filter(Exists(unsigned)).order_by("reply_by", "pk")


def proposals_waiting(user) -> QuerySet[Reform]:
    """Reforms proposed (已提出) and waiting for approval, as the catalogue filters them."""
    return reform_list(user, ReformFilters(status=Status.PROPOSED), sort="code")


def tiers(user) -> list[dict]:
    """The catalogue's totals by tier: one query, cached until the next write."""
    return tier_rows(user)
