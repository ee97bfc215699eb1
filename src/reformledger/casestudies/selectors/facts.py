"""The adoptions of published case studies as the assessment reads them (issue 11 part 6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import Adoption, CaseStudyState


@dataclass(frozen=True, slots=True)
class AdoptionFact:
    """One recorded adoption of a published case study's experience, as the assessment reads it."""

    adoption_id: int
    case_study_id: int
    reform_id: int
    lead_unit_id: int | None
    level: str
    adopted_on: dt.date


def adoptions_in_force(*, district_id: int) -> QuerySet[Adoption]:
    """The adoptions of a district's published case studies that stand (not withdrawn): what the
    assessment counts, and what a look-back review's adoption is matched against."""
    return Adoption.objects.filter(
        case_study__district_id=district_id, case_study__state=CaseStudyState.PUBLISHED, withdrawn_at__isnull=True
    )


def adoptions(*, district_id: int, year: int) -> list[AdoptionFact]:
    """The adoptions recorded in ``year`` (by ``adopted_on``) of a district's published case
    studies, oldest first; withdrawn ones left out. One query."""
    rows = (
        adoptions_in_force(district_id=district_id)
        .filter(adopted_on__year=year)
        .order_by("adopted_on", "pk")
        .values_list("pk", "case_study_id", "case_study__reform_id", "case_study__reform__lead_unit_id", "level", "adopted_on")
    )
    return [AdoptionFact(*row) for row in rows]
