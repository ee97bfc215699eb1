"""The demo district's annual assessment (考评, issue 11 part 9): a scheme per year 2014–2018 read
from ``demo/data/assessment-YYYY.yaml`` with the engine's ``import_scheme_yaml`` (the rule book
grows as the programme did: adoption bonuses from 2015; public ratings, commendations and an
expression rule from 2016), commendations of each year's best reforms (awarded before the year is
computed, so the commendation rule counts them), every year adopted, computed, reviewed and
published on the public site; then appeals against 2018: one upheld (a new version 2 is derived,
reviewed and published), one rejected, one open from the showcase unit's ``unit`` login.

Everything goes through the services as the office and the units would. Idempotent: a year with a
scheme is left as it is; appeals and commendations are made once. Fixed data, no randomness.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from reformledger.assessment.models import (
    Appeal,
    Assessment,
    AssessmentPurpose,
    AssessmentState,
    Commendation,
    CommendationKind,
    LineItem,
    RuleKind,
    Scheme,
)
from reformledger.assessment.services import appeals, commendations, computation, schemes, versions
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.reforms.models import Reform, Status, Tier

from .evaluation_lookback import _office_user
from .story import YEARS

DATA = Path(__file__).resolve().parent / "data"
#: The years commended (the commendation rule is in the schemes from 2016).
COMMENDED_YEARS = (2016, 2017, 2018)
APPEALED_YEAR = 2018
#: What the unit says against a penalty, and what the office decides on upholding it, by rule kind.
PENALTY_REASONS: dict[str, str] = {
    RuleKind.LATENESS: "其中一项任务的逾期系经区委改革办批准延期所致（延期批复附后），该部分月数不应计入逾期扣分。",
    RuleKind.NO_REFORM: "本单位年内承担了区级改革项目的主要工作（立项时由其他单位牵头，年中经区委改革办同意调整），不应按无改革扣分。",
}
PENALTY_DECISIONS: dict[str, str] = {
    RuleKind.LATENESS: "经核实，延期已获批准，批准延期后的月数不计逾期，扣分减半。",
    RuleKind.NO_REFORM: "经核实，该单位自年中起实际承担改革主要工作，无改革扣分减半。",
}


def scheme_text(year: int) -> str:
    return (DATA / f"assessment-{year}.yaml").read_text(encoding="utf-8")


def _best(district: Unit, year: int, tier: str) -> Reform | None:
    """The year's completed reform of the tier that finished earliest (ties: by code)."""
    return (
        Reform.objects.filter(district=district, year=year, tier=tier, status=Status.COMPLETED)
        .select_related("lead_unit").order_by("due_date", "code").first()
    )


def _head_of(unit: Unit) -> list[User]:
    head = Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD).select_related("user").order_by("pk").first()
    return [head.user] if head is not None else []


def _commend(office: User, district: Unit, counts: Counter) -> None:
    if Commendation.objects.filter(district=district).exists():
        return
    titles = {Tier.KEY: "%d年度最佳重点改革", Tier.MICRO: "%d年度最佳微改革"}
    kinds = {Tier.KEY: CommendationKind.BEST_KEY_REFORM, Tier.MICRO: CommendationKind.BEST_MICRO_REFORM}
    for year in COMMENDED_YEARS:
        for tier in (Tier.KEY, Tier.MICRO):
            reform = _best(district, year, tier)
            if reform is None:
                continue
            commendations.award_commendation(
                user=office, district=district, year=year, kind=kinds[tier], title=titles[tier] % year, unit=reform.lead_unit,
                reform=reform, people=_head_of(reform.lead_unit), awarded_on=dt.date(year + 1, 1, 20),
                citation=f"“{reform.title}”按期完成，成效经群众评议和回头看检验，经区委改革办研究，予以表彰。",
            )
            counts["commendations"] += 1


def _assess_year(office: User, district: Unit, year: int, counts: Counter) -> None:
    if Scheme.objects.filter(district=district, year=year).exists():
        return
    scheme = schemes.import_scheme_yaml(user=office, district=district, text=scheme_text(year))
    computation.compute(user=office, scheme=scheme, purpose=AssessmentPurpose.DRY_RUN, reason="采纳前以上一年度数据试算")
    scheme = schemes.adopt_scheme(user=office, scheme=scheme)
    version = computation.compute(user=office, scheme=scheme, reason=f"{year}年度考评")
    versions.review(user=office, assessment=version)
    versions.publish(user=office, assessment=version, is_public=True)
    counts["schemes"] += 1
    counts["versions"] += 1


def _staff_of(unit: Unit, prefer: str = "") -> User | None:
    memberships = Membership.objects.filter(unit=unit, role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD)).select_related("user")
    if prefer:
        chosen = memberships.filter(user__username=prefer).first()
        if chosen is not None:
            return chosen.user
    first = memberships.order_by("role", "pk").first()
    return first.user if first is not None else None


def _line(version: Assessment, kind: str, *, negative: bool, exclude_units: set[int]) -> LineItem | None:
    """A rule line of ``kind`` of a unit with someone to appeal it (lowest points first for a penalty)."""
    staffed = Membership.objects.filter(role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD)).values("unit_id")
    lines = LineItem.objects.filter(assessment=version, rule__kind=kind, adjustment="", unit_id__in=staffed).exclude(
        unit_id__in=exclude_units
    )
    lines = lines.filter(points__lt=0) if negative else lines.filter(points__gt=0)
    return lines.select_related("unit").order_by("points" if negative else "-points", "unit__code").first()


def _appeal(office: User, district: Unit, counts: Counter) -> None:
    published = Assessment.objects.filter(
        district=district, year=APPEALED_YEAR, purpose=AssessmentPurpose.OFFICIAL, state=AssessmentState.PUBLISHED
    ).first()
    if published is None or Appeal.objects.filter(line_item__assessment__district=district).exists():
        return
    showcase = User.objects.filter(username="unit").first()  # the showcase unit's demo login (DEMO_LOGINS)
    showcase_units = set(Membership.objects.filter(user=showcase).values_list("unit_id", flat=True)) if showcase else set()
    late = _line(published, RuleKind.LATENESS, negative=True, exclude_units=showcase_units) or _line(
        published, RuleKind.NO_REFORM, negative=True, exclude_units=showcase_units
    )
    outcome = _line(published, RuleKind.REFORM_OUTCOME, negative=False, exclude_units=showcase_units | {getattr(late, "unit_id", 0)})
    upheld, kind = None, str(getattr(getattr(late, "rule", None), "kind", ""))
    if late is not None and (filer := _staff_of(late.unit)) is not None:
        upheld = appeals.file_appeal(user=filer, line_item=late, requested_points=late.points / 2, reason=PENALTY_REASONS[kind])
    if outcome is not None and (filer := _staff_of(outcome.unit)) is not None:
        rejected = appeals.file_appeal(
            user=filer, line_item=outcome, requested_points=outcome.points + 2,
            reason="本单位协办的改革项目亦已按期完成，应按牵头单位标准计分。",
        )
        appeals.reject_appeal(user=office, appeal=rejected, reasons="协办单位按方案第2.1条以0.5的权重计分，计分无误，不予支持。")
        counts["appeals_rejected"] += 1
    if upheld is not None and late is not None:
        decided = appeals.uphold_appeal(
            user=office, appeal=upheld, points=(late.points / 2).quantize(Decimal("0.001")), reasons=PENALTY_DECISIONS[kind],
        )
        derived = decided.resulting_assessment
        if derived is not None:
            versions.review(user=office, assessment=derived)
            versions.publish(user=office, assessment=derived, is_public=True)
            counts["appeals_upheld"] += 1
            published = derived
    if showcase is not None and showcase_units:
        line = (
            LineItem.objects.filter(assessment=published, unit_id__in=showcase_units, adjustment="")
            .exclude(rule__kind=RuleKind.BASE).order_by("points", "pk").first()
        )
        if line is not None:
            appeals.file_appeal(user=showcase, line_item=line, reason="本项计分所依据的任务进度数据有误，已补充提交佐证材料，请予复核。")
            counts["appeals_open"] += 1


def load_assessment_demo(*, district: Unit) -> dict[str, float]:
    """Write the demo district's schemes, versions, commendations and appeals (what is not there
    yet); the counts made and the seconds it took."""
    started = time.monotonic()
    counts: Counter = Counter()
    office = _office_user(district)
    with transaction.atomic():
        _commend(office, district, counts)
        for year in YEARS:
            _assess_year(office, district, year, counts)
        _appeal(office, district, counts)
    made: dict[str, float] = dict(counts)
    if made:
        made["seconds"] = time.monotonic() - started
    return made

