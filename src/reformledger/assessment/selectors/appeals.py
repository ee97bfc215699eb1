"""Reads of appeals: the unit's own ("my appeals"), the office's queue, one appeal (ADR 0045).
Each list is one query (its line item, rule, version and people joined)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from reformledger.core.cache import cached_value, fact_scopes
from reformledger.org.selectors import actor_for

from ..models import Appeal, AppealState, Assessment, AssessmentPurpose, LineItem
from .results import VISIBLE_STATES
from .scope import in_districts, office_districts

_JOINS = ("line_item__rule", "line_item__assessment", "unit", "filed_by", "decided_by", "resulting_assessment")


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(*_JOINS)


def my_appeals(user) -> QuerySet[Appeal]:
    """The appeals of the units this person works in (head or staff), newest first."""
    return _appeals().filter(unit_id__in=actor_for(user).unit_ids)


def appeal_queue(user, *, state: str | None = AppealState.SUBMITTED) -> QuerySet[Appeal]:
    """The appeals of the districts the office reads (all states when ``state`` is None), the open
    ones oldest first (the order they are to be decided in)."""
    qs = in_districts(_appeals(), office_districts(user), "line_item__assessment__district_id")
    if state:
        return qs.filter(state=state).order_by("created_at", "pk")
    return qs


def get_appeal(user, pk: int) -> Appeal:
    """One appeal, for its unit, the office of its district or the province office; 404 for others."""
    appeal = _appeals().select_related("line_item__assessment__scheme").filter(pk=pk).first()
    if appeal is None:
        raise Http404
    actor = actor_for(user)
    district_id = appeal.line_item.assessment.district_id
    if appeal.unit_id in actor.unit_ids or actor.reads_every_district or (actor.is_office and actor.in_district(district_id)):
        return appeal
    raise Http404


def appeals_by_line(assessment: Assessment, unit_id: int) -> dict[int, list[Appeal]]:
    """The appeals against each line item of one unit in one version (one query)."""
    out: dict[int, list[Appeal]] = {}
    for appeal in Appeal.objects.filter(line_item__assessment=assessment, unit_id=unit_id).order_by("-created_at", "-pk"):
        out.setdefault(appeal.line_item_id, []).append(appeal)
    return out


def appealable_line(user, pk: int) -> LineItem:
    """A line item of the person's own unit in a published official version (for the appeal form);
    404 for any other: a draft's or a dry run's figures are not the unit's to see before publication."""
    line = (
        LineItem.objects.select_related("assessment__scheme", "rule", "unit", "reform", "task")
        .filter(pk=pk, assessment__purpose=AssessmentPurpose.OFFICIAL, assessment__state__in=VISIBLE_STATES)
        .first()
    )
    if line is None or line.unit_id not in actor_for(user).unit_ids:
        raise Http404
    return line


def open_count(user) -> int:
    """Open appeals in the office's queue (the menu's badge): counted once, then cached until an
    audited write touches the assessment of the office's districts."""
    try:
        districts = office_districts(user)
    except PermissionDenied:
        return 0
    # Keyed on the districts (what the queue's query is made of): cheaper than compiling its SQL.
    key = f"appeals:open:{'all' if districts is None else sorted(districts)}"
    return cached_value(key, lambda: appeal_queue(user).count(), scopes=fact_scopes("assessment", districts))
