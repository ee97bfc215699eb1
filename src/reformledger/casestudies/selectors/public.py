"""The public site's reads of case studies: published ones only, of reforms the public may see,
with the public parts of their evidence (the reform's public attachments; the dates, tasks and
percentages of its accepted reports, never their text).

What a public page shows changes only through the case studies' own writes (family
``casestudies``), the reforms' (their titles, tiers, attachments' public flag) and the
organisation's (names): :data:`PUBLIC_SCOPES` for the province-wide list, :func:`case_scopes` for one
case's page (ADR 0050).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from reformledger.core.cache import cached_value, fact_scopes
from reformledger.reforms.models import PUBLIC_STATUSES
from reformledger.supervision.models import Decision

from ..models import CaseStudy, CaseStudyState

FAMILY = "casestudies"
#: What the public list reads: every district's case studies, reforms and organisation.
PUBLIC_SCOPES = ("work:every", f"{FAMILY}:*", "reforms:*", "org:*")
#: The columns a list item reads.
LIST_FIELDS = (
    "id", "title", "highlights", "published_at", "adoption_level", "adoptions_count", "district_id", "reform_id",
    "district__name", "reform__id", "reform__code", "reform__title", "reform__tier", "reform__year",
    "reform__domain__code", "reform__domain__name", "reform__lead_unit__name",
)
#: The public list's order (ends in a unique column: keyset pagination).
ORDER = ("-published_at", "-id")


def case_scopes(district_id: int) -> tuple[str, ...]:
    """What one district's public case pages read."""
    return fact_scopes(FAMILY, [district_id])


@dataclass(frozen=True)
class PublicFilters:
    domain: str = ""
    tier: str = ""
    level: str = ""  # the widest adoption level; "none": not adopted yet
    year: int | None = None  # the reform's year
    q: str = ""


def published() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(state=CaseStudyState.PUBLISHED, reform__status__in=PUBLIC_STATUSES)


def public_case_studies(filters: PublicFilters) -> QuerySet[CaseStudy]:
    """Published case studies matching ``filters``, newest publication first; one query a page."""
    qs = published()
    if filters.domain:
        qs = qs.filter(reform__domain__code=filters.domain)
    if filters.tier:
        qs = qs.filter(reform__tier=filters.tier)
    if filters.level == "none":
        qs = qs.filter(adoption_level="")
    elif filters.level:
        qs = qs.filter(adoption_level=filters.level)
    if filters.year:
        qs = qs.filter(reform__year=filters.year)
    if filters.q:
        words = filters.q.split()[:5]
        for word in words:
            qs = qs.filter(
                Q(title__icontains=word) | Q(highlights__icontains=word) | Q(features__icontains=word)
                | Q(reform__title__icontains=word) | Q(district__name__icontains=word)
            )
    return qs.select_related("reform", "reform__domain", "reform__lead_unit", "district").only(*LIST_FIELDS).order_by(*ORDER)


def public_years() -> list[int]:
    """The years of the reforms with a published case study (the filter's choices), cached."""
    return cached_value(
        "casestudies-public-years",
        lambda: sorted(set(published().values_list("reform__year", flat=True)), reverse=True),
        scopes=PUBLIC_SCOPES,
    )


def get_public_case_study(pk: int) -> CaseStudy:
    """One published case study; 404 for any other (a draft, a case taken off the site)."""
    return get_object_or_404(published().select_related("reform", "reform__domain", "reform__lead_unit", "district"), pk=pk)


def public_rows(case: CaseStudy) -> dict[str, Any]:
    """What the public page shows of the case's rows: outcomes, images, documents, adoptions, the
    public attachments it cites and the accepted reports it cites (five queries)."""
    materials = list(case.materials.all())
    return {
        "outcomes": list(case.outcome_rows.all()),
        "images": [m for m in materials if m.is_image],
        "documents": [m for m in materials if not m.is_image],
        "adoptions": list(case.adoptions.filter(withdrawn_at__isnull=True).order_by("adopted_on", "pk")),
        "attachments": list(case.evidence_attachments.filter(is_public=True).order_by("created_at", "pk")),
        "reports": list(
            case.evidence_reports.filter(status=Decision.ACCEPTED)
            .select_related("task").only("id", "reported_on", "percent", "task__title").order_by("reported_on", "pk")
        ),
    }


def public_material(pk: int, material_id: int) -> Any:
    """A material of a published case study (404 otherwise)."""
    case = get_public_case_study(pk)
    return get_object_or_404(case.materials.all(), pk=material_id)


def public_attachment(pk: int, attachment_id: int) -> Any:
    """A public attachment that a published case study cites (404 otherwise)."""
    case = get_public_case_study(pk)
    return get_object_or_404(case.evidence_attachments.filter(is_public=True), pk=attachment_id)


def published_case_of(reform_id: int) -> CaseStudy | None:
    """The reform's published case study, for its public page (one query)."""
    return published().filter(reform_id=reform_id).only("id", "title", "adoption_level").first()
