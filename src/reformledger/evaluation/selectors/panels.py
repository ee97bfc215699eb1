"""Expert panels as each person may see them.

* The office of a district sees its panels, the province office every panel: progress (which
  sheets are pending), agreement and the furthest rater while scoring; marks and results only
  after the panel closes (ADR: no pressure on experts while they score).
* An expert sees the panels they sit on (scoring or closed) and only their own sheets; other
  experts' marks and the results once the panel closes.
* Anyone else: 404.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from reformledger.org.selectors import actor_for

from ..models import Expert, Panel, PanelState, Round, RoundKind, Sheet, SheetReopening, SheetStatus


def _office_scope(user) -> Q | None:
    """The panels the person reads as an office (their districts'), every one for the province
    office; None when they read none as an office."""
    actor = actor_for(user)
    if actor.reads_every_district:
        return Q()
    if actor.is_office and actor.district_ids:
        return Q(district_id__in=actor.district_ids)
    return None


def reads_as_office(user, panel: Panel) -> bool:
    """The office of the panel's district, or the province office."""
    actor = actor_for(user)
    return actor.reads_every_district or (actor.is_office and panel.district_id in actor.district_ids)


def member_of(user, panel: Panel) -> Expert | None:
    """The person's entry among the panel's members, or None."""
    if getattr(user, "pk", None) is None:
        return None
    return panel.members.filter(person_id=user.pk).first()


def office_panels(user) -> QuerySet[Panel]:
    """The panels the person reads as an office, newest first, with their sheets counted."""
    scope = _office_scope(user)
    if scope is None:
        return Panel.objects.none()
    return (
        Panel.objects.filter(scope).select_related("round", "district")
        .annotate(
            n_members=Count("members", distinct=True),
            n_pending=Count("sheets", filter=Q(sheets__status=SheetStatus.PENDING), distinct=True),
            n_submitted=Count("sheets", filter=Q(sheets__status=SheetStatus.SUBMITTED), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def expert_panels(user) -> QuerySet[Panel]:
    """The panels the person sits on that have opened (a forming panel is the office's draft),
    with how many of their own sheets are pending and submitted."""
    if getattr(user, "pk", None) is None:
        return Panel.objects.none()
    mine = Q(sheets__expert__person_id=user.pk)
    return (
        Panel.objects.filter(members__person_id=user.pk).exclude(state=PanelState.FORMING).select_related("round")
        .annotate(
            my_pending=Count("sheets", filter=mine & Q(sheets__status=SheetStatus.PENDING), distinct=True),
            my_submitted=Count("sheets", filter=mine & Q(sheets__status=SheetStatus.SUBMITTED), distinct=True),
            my_excluded=Count("sheets", filter=mine & Q(sheets__status=SheetStatus.EXCLUDED), distinct=True),
        )
        .distinct().order_by("-created_at", "-pk")
    )


def get_panel(user, pk: int) -> Panel:
    """A panel the person reads as its district's office (or the province office), or sits on
    once it opened; 404 otherwise."""
    panel = Panel.objects.select_related("round", "district").filter(pk=pk).first()
    if panel is None:
        raise Http404
    if reads_as_office(user, panel):
        return panel
    if panel.state != PanelState.FORMING and member_of(user, panel) is not None:
        return panel
    raise Http404


def expert_rounds_without_panel(user) -> QuerySet[Round]:
    """The office's expert rounds that have no panel yet (to form one)."""
    actor = actor_for(user)
    return Round.objects.filter(kind=RoundKind.EXPERT, district_id__in=actor.district_ids, panel__isnull=True).order_by("-opens_at")


def pool(district_id: int) -> QuerySet[Expert]:
    return Expert.objects.filter(district_id=district_id, is_active=True).select_related("unit", "person").order_by("name", "pk")


def my_sheets(user, panel: Panel) -> QuerySet[Sheet]:
    """The person's own sheets of the panel, in the round's order, with their reform."""
    return (
        Sheet.objects.filter(panel=panel, expert__person_id=getattr(user, "pk", None))
        .select_related("reform", "expert").order_by("reform__code", "pk")
    )


def get_sheet(user, panel: Panel, pk: int) -> Sheet:
    """A sheet of ``panel``: an expert's own (404 for anyone else's, whatever the state), or any
    sheet of a panel the person reads as an office."""
    sheet = Sheet.objects.select_related("panel", "expert", "reform", "expert__unit").filter(pk=pk, panel=panel).first()
    if sheet is None:
        raise Http404
    if sheet.expert.person_id == getattr(user, "pk", None) or reads_as_office(user, panel):
        return sheet
    raise Http404


def pending_sheets(panel: Panel) -> QuerySet[Sheet]:
    return Sheet.objects.filter(panel=panel, status=SheetStatus.PENDING).select_related("expert", "reform").order_by("expert__name", "reform__code")


def submitted_sheets(panel: Panel) -> QuerySet[Sheet]:
    return Sheet.objects.filter(panel=panel, status=SheetStatus.SUBMITTED).select_related("expert", "reform").order_by("expert__name", "reform__code")


def excluded_sheets(panel: Panel) -> QuerySet[Sheet]:
    return Sheet.objects.filter(panel=panel, status=SheetStatus.EXCLUDED).select_related("expert", "reform").order_by("reform__code", "expert__name")


def reopenings(panel: Panel) -> QuerySet[SheetReopening]:
    return (
        SheetReopening.objects.filter(sheet__panel=panel)
        .select_related("sheet__expert", "sheet__reform", "reopened_by").order_by("-created_at", "-pk")
    )
