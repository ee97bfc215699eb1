"""Scoped reads of tolerance cases: what a person may see (404 for the rest), their own cases, the
reviewers' queue, and the reforms a person may apply on with how each fell short."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reformledger.evaluation.selectors.lookback import with_completion
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Reform, Status
from reformledger.supervision.models import OverdueSpell

from ..models import CaseAnswer, CaseEvidence, CaseReview, CaseState, Shortfall, ToleranceCase
from ..rules import reviewing_district_ids

#: Statuses of a reform still under way (it can be overdue).
RUNNING = (Status.APPROVED, Status.IN_PROGRESS)


def classify(
    *, status: str, due_date: dt.date | None, completed_on: dt.date | None, tasks_late: bool, on: dt.date
) -> str:
    """How a reform failed or fell short (a :class:`Shortfall`), or ``""`` when it did not: it was
    terminated or suspended, it is past its due date unfinished, it was completed after its due date,
    or one of its tasks ran overdue (supervision's lateness history, which an extension does not
    erase). ADR 0047."""
    if status == Status.TERMINATED:
        return Shortfall.TERMINATED
    if status == Status.SUSPENDED:
        return Shortfall.SUSPENDED
    if status in RUNNING and due_date is not None and due_date < on:
        return Shortfall.OVERDUE
    if status == Status.COMPLETED and due_date is not None and completed_on is not None and completed_on > due_date:
        return Shortfall.LATE
    if tasks_late and status in (*RUNNING, Status.COMPLETED):
        return Shortfall.TASKS_LATE
    return ""


def with_shortfall_facts(qs: QuerySet[Reform]) -> QuerySet[Reform]:
    """Reforms annotated with ``completed_on`` and ``tasks_late`` (what :func:`classify` reads)."""
    return with_completion(qs).annotate(tasks_late=Exists(OverdueSpell.objects.filter(reform_id=OuterRef("pk"))))


def shortfall_of(reform: Reform, *, on: dt.date | None = None) -> str:
    """One reform's shortfall (one query)."""
    row = with_shortfall_facts(Reform.objects.filter(pk=reform.pk)).values(  # type: ignore[misc]  # annotated
        "status", "due_date", "completed_on", "tasks_late"
    ).first()
    if row is None:
        return ""
    return classify(**row, on=on or timezone.localdate())


def responsible_reforms(user) -> QuerySet[Reform]:
    """The reforms this person is responsible for (lead unit, co-unit, named responsible leader)."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return Reform.objects.none()
    held = Q(responsible_leader=user, district_id__in=actor.district_ids) if actor.is_leader else Q(pk__in=[])
    if actor.unit_ids:
        held |= Q(lead_unit_id__in=actor.unit_ids) | Q(co_units__in=actor.unit_ids)
    return Reform.objects.filter(pk__in=Reform.objects.filter(held).values("pk"))


def reforms_to_apply_on(user, *, on: dt.date | None = None) -> list[tuple[Reform, str]]:
    """The reforms this person may apply on, with how each fell short (two queries)."""
    on = on or timezone.localdate()
    qs = with_shortfall_facts(responsible_reforms(user)).select_related("lead_unit").order_by("-year", "code")
    out = []
    for reform in qs:
        kind = classify(
            status=reform.status, due_date=reform.due_date, completed_on=reform.completed_on,  # type: ignore[attr-defined]
            tasks_late=reform.tasks_late, on=on,  # type: ignore[attr-defined]
        )
        if kind:
            out.append((reform, kind))
    return out


def visible_cases(user) -> QuerySet[ToleranceCase]:
    """The cases this person may see: their own applications, and as a reviewer those of their
    districts (every district for the province office)."""
    actor = actor_for(user)
    if not actor.is_authenticated:
        return ToleranceCase.objects.none()
    districts = reviewing_district_ids(actor)
    if districts is None:
        return ToleranceCase.objects.all()
    return ToleranceCase.objects.filter(Q(applicant=user) | Q(district_id__in=districts))


def _listed(qs: QuerySet[ToleranceCase]) -> QuerySet[ToleranceCase]:
    return qs.select_related("reform", "unit", "applicant", "district").order_by("-created_at", "-pk")


def my_cases(user) -> QuerySet[ToleranceCase]:
    return _listed(ToleranceCase.objects.filter(applicant_id=getattr(user, "pk", None)))


def queue(user, *, decided: bool = False, district_id: int | None = None) -> QuerySet[ToleranceCase]:
    """The reviewers' queue of their districts: pending cases (oldest first) or decided ones
    (newest first), with the opinions given."""
    districts = reviewing_district_ids(actor_for(user))
    qs = ToleranceCase.objects.all() if districts is None else ToleranceCase.objects.filter(district_id__in=districts)
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    qs = _listed(qs).prefetch_related(Prefetch("reviews", queryset=CaseReview.objects.order_by("kind")))
    if decided:
        return qs.filter(state=CaseState.DECIDED).order_by("-decided_at", "-pk")
    return qs.filter(state=CaseState.SUBMITTED).order_by("created_at", "pk")


def list_cases(user, *, state: str = "", year: int | None = None) -> QuerySet[ToleranceCase]:
    """The API's list: every case the person may see, newest first."""
    qs = visible_cases(user)
    if state:
        qs = qs.filter(state=state)
    if year is not None:
        qs = qs.filter(year=year)
    return _listed(qs).prefetch_related(
        Prefetch("reviews", queryset=CaseReview.objects.order_by("kind")),
    )


def get_case(user, pk: int, *, full: bool = True) -> ToleranceCase:
    """One case the person may see; 404 otherwise (a stranger learns nothing, not even that it exists)."""
    qs = ToleranceCase.objects.select_related("reform", "reform__domain", "unit", "applicant", "district")
    if full:
        qs = qs.prefetch_related(
            Prefetch("answers", queryset=CaseAnswer.objects.order_by("kind", "pk")),
            Prefetch("evidence", queryset=CaseEvidence.objects.order_by("created_at", "pk")),
            Prefetch("reviews", queryset=CaseReview.objects.select_related("reviewer").order_by("kind")),
        )
    case = qs.filter(pk=pk).first()
    if case is None or not user.has_perm("tolerance.view_case", case):
        raise Http404
    return case


def get_evidence(user, case_pk: int, pk: int) -> CaseEvidence:
    case = get_case(user, case_pk, full=False)
    item = CaseEvidence.objects.filter(case=case, pk=pk).first()
    if item is None:
        raise Http404
    return item
