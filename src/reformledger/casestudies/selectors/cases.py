"""The office's and the units' reads of case studies: the list each person may see, one case with
its rows, the evidence a case may cite (its own reform's, never another's), the reforms a person
may write a case study of, and the office's count of submitted cases.

Who sees what (``casestudies.view_case_study``): the office and the committee their districts',
the province office every district's, unit staff and heads their units' reforms', leaders the
reforms they answer for. A case the person may not read answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from reformledger.core.cache import cached_value, fact_scopes
from reformledger.org.selectors import actor_for
from reformledger.reforms.models import Attachment, Reform, Status
from reformledger.reforms.rules import MAIN_LEADER_TIERS
from reformledger.supervision.models import Decision, ProgressReport

from ..models import CaseStudy, CaseStudyState

#: The reforms a case study may be written of: under way or completed (it reports what was done).
WRITABLE_STATUSES = (Status.IN_PROGRESS, Status.COMPLETED)
RELATED = ("reform", "reform__lead_unit", "reform__domain", "district")
FAMILY = "casestudies"


def _leader_q(actor: Any) -> Q:
    if not actor.is_leader or not actor.district_ids:
        return Q(pk__in=[])
    answers = Q(reform__responsible_leader_id=actor.user.pk) | Q(reform__domain_id__in=actor.leader_domain_ids)
    if actor.leads_main:
        answers |= Q(reform__tier__in=MAIN_LEADER_TIERS)
    return Q(district_id__in=actor.district_ids) & answers


def visible_case_studies(user) -> QuerySet[CaseStudy]:
    """The case studies this person may read, most recently changed first; one query."""
    actor = actor_for(user)
    qs = CaseStudy.objects.select_related(*RELATED)
    if actor.reads_every_district:
        return qs.order_by("-updated_at", "-pk")
    seen = Q(pk__in=[])
    if actor.sees_whole_districts:
        seen |= Q(district_id__in=actor.district_ids)
    if actor.unit_ids:
        seen |= Q(reform__lead_unit_id__in=actor.unit_ids)
    seen |= _leader_q(actor)
    return qs.filter(seen).order_by("-updated_at", "-pk")


def get_case_study(user, pk: int) -> CaseStudy:
    """One case study (its reform, lead unit, domain and district loaded); 404 unless the person
    may read it."""
    case = get_object_or_404(CaseStudy.objects.select_related(*RELATED), pk=pk)
    if not user.has_perm("casestudies.view_case_study", case):
        raise Http404
    return case


def case_rows(case: CaseStudy) -> dict[str, list[Any]]:
    """The case's repeating rows: outcomes, materials, adoptions, cited reports and attachments
    (five queries)."""
    return {
        "outcomes": list(case.outcome_rows.all()),
        "materials": list(case.materials.all()),
        "adoptions": list(case.adoptions.select_related("recorded_by").order_by("adopted_on", "pk")),
        "reports": list(case.evidence_reports.select_related("task").order_by("reported_on", "pk")),
        "attachments": list(case.evidence_attachments.order_by("created_at", "pk")),
    }


def citable_reports(reform_id: int) -> QuerySet[ProgressReport]:
    """The accepted progress reports of the reform's tasks: what a case study may cite."""
    return (
        ProgressReport.objects.filter(task__reform_id=reform_id, status=Decision.ACCEPTED)
        .select_related("task")
        .order_by("-reported_on", "-pk")
    )


def citable_attachments(reform_id: int) -> QuerySet[Attachment]:
    """The reform's own attachments."""
    return Attachment.objects.filter(reform_id=reform_id).order_by("created_at", "pk")


def writable_reforms(user) -> QuerySet[Reform]:
    """The reforms this person may draft a case study of, with none yet: under way or completed,
    of their office's districts or led by their units; newest first."""
    actor = actor_for(user)
    mine = Q(pk__in=[])
    if actor.is_office and actor.district_ids:
        mine |= Q(district_id__in=actor.district_ids)
    if actor.unit_ids:
        mine |= Q(lead_unit_id__in=actor.unit_ids)
    return (
        Reform.objects.filter(mine, status__in=WRITABLE_STATUSES, case_study__isnull=True)
        .only("id", "code", "title", "year", "tier", "district_id", "lead_unit_id")
        .order_by("-year", "code")
    )


def may_draft_any(user) -> bool:
    """Whether the person drafts case studies at all (the office of a district, unit staff and
    heads): the new-case page's gate, before a reform is named."""
    actor = actor_for(user)
    return bool(actor.is_office and actor.district_ids) or bool(actor.unit_ids)


def case_study_of_reform(reform_id: int) -> CaseStudy | None:
    return CaseStudy.objects.filter(reform_id=reform_id).first()


def submitted_count(user) -> int:
    """Case studies of the office's districts submitted and awaiting it (the menu's badge), cached
    until a case study of those districts changes."""
    actor = actor_for(user)
    districts = sorted(actor.district_ids) if actor.is_office else []
    if not districts:
        return 0
    return cached_value(
        f"casestudies-submitted:{districts}",
        lambda: CaseStudy.objects.filter(district_id__in=districts, state=CaseStudyState.SUBMITTED).count(),
        scopes=fact_scopes(FAMILY, districts),
    )
