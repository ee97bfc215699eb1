"""The demo district's case studies (改革案例, issue 11 part 6): the article's reforms written up by
their lead units and published by the reform office, through the case-study services as people
would — the health reform (罗湖医改, the hospital group adopted nationwide by the national health
commission), the shantytown redevelopment of the 二线插花地, streamlining administration (放管服), the
property management reform, the commercial registration reform and the sub-districts' 大部制 — with
measured outcomes, the evidence each reform has, and adoptions at city, province and nation level;
and one case submitted and awaiting the office.

Matched to the demo's own reforms by a distinctive part of the title (none is created). The figures
are illustrative, in the article's line. Idempotent: a reform with a case study is left as it is.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reformledger.casestudies.models import CaseStudy
from reformledger.casestudies.selectors.cases import citable_attachments, citable_reports
from reformledger.casestudies.services import adoptions as adoption_services
from reformledger.casestudies.services import cases as services
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.reforms.models import Reform

from .evaluation_lookback import _office_user
from .story_casestudies import CASES


def _writer(reform: Reform) -> User | None:
    """The lead unit's head (else a staff member): who drafts the case."""
    member = (
        Membership.objects.filter(unit_id=reform.lead_unit_id, role__in=(Role.UNIT_HEAD, Role.UNIT_STAFF), user__is_active=True)
        .select_related("user").order_by("role", "pk").first()
    )
    return member.user if member is not None else None


def _outcome(row: tuple[str, Any, Any, str, str]) -> dict[str, Any]:
    indicator, before, after, unit, source = row
    return {"indicator": indicator, "before": before, "after": after, "unit": unit, "source": source}


def _write(office: User, reform: Reform, spec: dict[str, Any], counts: Counter) -> None:
    writer = _writer(reform) or office
    case = services.draft_case_study(user=writer, reform=reform, title=spec["title"])
    services.update_case_study(
        user=writer, case=case,
        changes={k: spec[k] for k in ("background", "features", "highlights", "experience", "outcomes")},
        outcomes=[_outcome(row) for row in spec["measured"]],
        evidence_reports=list(citable_reports(reform.pk).values_list("pk", flat=True)[:3]),
        evidence_attachments=list(citable_attachments(reform.pk).values_list("pk", flat=True)[:3]),
    )
    counts["case_studies"] += 1
    counts["outcomes"] += len(spec["measured"])
    if writer != office:
        services.submit_case_study(user=writer, case=case)
    if not spec.get("publish", True):
        counts["submitted"] += 1
        return
    services.publish_case_study(user=office, case=case)
    counts["published"] += 1
    for level, place, day, number, text in spec["adoptions"]:
        adoption_services.record_adoption(
            user=office, case=case, level=level, place=place, adopted_on=day, document_number=number, description=text,
        )
        counts["adoptions"] += 1
        counts[f"adopted_{level}"] += 1


def load_case_studies_demo(*, district: Unit) -> dict[str, int]:
    """Write the demo district's case studies (only those not there yet); the counts made."""
    counts: Counter = Counter()
    reforms = list(Reform.objects.filter(district=district, year__lte=2018).order_by("year", "code"))
    written = set(CaseStudy.objects.filter(district=district).values_list("reform_id", flat=True))
    office = None
    for spec in CASES:
        reform = next((r for r in reforms if spec["match"] in r.title), None)
        if reform is None or reform.pk in written:
            continue
        office = office or _office_user(district)
        _write(office, reform, spec, counts)
    return dict(counts)
