"""The expert panels of the demo district (issue 10 part 9): the 2019 expert round in which a panel
of nine experts scored 38 micro-reforms on the rubric — innovation 25, effect 35, replicability 20,
public satisfaction 20 — and closed, and a small panel of this year's micro-reforms still scoring,
where the ``expert`` login has sheets to fill in.

The marks are drawn with a fixed seed so the demo is reproducible: each project has a quality, each
criterion shifts it a little, each expert adds a small bias and noise — they mostly agree — and one
expert is lenient (about eight points above the others). Two experts belong to units that carry some
of the projects, so their sheets for those are excluded (conflict of interest). One sheet was reopened
by the office with a reason and submitted again. Everything goes through the services (forming,
opening, scoring, reopening, closing: permission-checked and audited), except the round itself
(made here until the round services exist) and the ninth expert's account (the demo organisation
has eight; the office cannot grant the expert role).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from reformledger.core.audit import log_action
from reformledger.evaluation.models import (
    Expert,
    Panel,
    Round,
    RoundKind,
    RoundReform,
    Sheet,
    SheetReopening,
    SheetStatus,
)
from reformledger.evaluation.services import panels as panel_services
from reformledger.evaluation.services import sheets as sheet_services
from reformledger.evaluation.services.panels import CriterionSpec
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.reforms.models import Reform, Tier

from .story import DEMO_PASSWORD, programme_year

SEED = 2019
#: When the 2019 panel's scoring opened (it closed four weeks later).
OPENED_2019 = dt.datetime(2019, 6, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
RUBRIC = (("创新性", 25), ("实效性", 35), ("可复制推广", 20), ("群众满意度", 20))
AFFILIATIONS = (
    ("市委改革办", "改革政策"), ("市发展研究中心", "公共管理"), ("深圳大学", "城市规划"), ("市卫生发展研究中心", "卫生政策"),
    ("市律师协会", "法学"), ("市社会科学院", "经济学"), ("中山大学", "社会学"), ("市教育科学研究院", "教育学"),
    ("区专家库（第三方评估机构）", "党建研究"),
)
NAMES = ("林志远", "陈慧敏", "黄建华", "周晓红", "吴国平", "郑丽娟", "梁文斌", "何静怡", "许振东")
LENIENT = 6  # the seventh expert marks about eight points above the others


def _office(district: Unit) -> User:
    return (
        User.objects.filter(memberships__role=Role.OFFICE, memberships__unit__district=district, is_active=True)
        .order_by("username").first()
        or User.objects.get(username="office")
    )


def _expert_people(district: Unit, want: int) -> list[User]:
    """The district's people with the expert role (``expert`` first), and one more if it has too few."""
    people = list(
        User.objects.filter(Q(memberships__unit=district) | Q(memberships__unit__district=district), memberships__role=Role.EXPERT)
        .distinct().order_by("pk")
    )
    people.sort(key=lambda u: (u.username != "expert", u.pk))
    evaluator = Unit.objects.filter(code=f"{district.code}-ext-evaluator").first() or district
    while len(people) < want:
        username = f"{district.code}-expert-{len(people) + 1}"
        person = User.objects.filter(username=username).first()
        if person is None:
            person = User(username=username, full_name=NAMES[len(people) % len(NAMES)])
            person.set_password(DEMO_PASSWORD)
            person.save()
            Membership.objects.create(user=person, unit=evaluator, role=Role.EXPERT, title="决策咨询专家")
            log_action(None, "demo.create", person, {"username": [None, username], "role": [None, Role.EXPERT]})
        people.append(person)
    return people[:want]


def _pool(office: User, district: Unit, people: list[User], units: dict[int, Unit]) -> list[Expert]:
    experts = []
    for i, person in enumerate(people):
        expert = Expert.objects.filter(district=district, person=person).first()
        if expert is None:
            affiliation, field = AFFILIATIONS[i % len(AFFILIATIONS)]
            expert = panel_services.add_expert(user=office, district=district, person=person, name=person.full_name or NAMES[i % len(NAMES)],
                                               affiliation=affiliation, field=field, unit=units.get(i))
        experts.append(expert)
    return experts


def _round(district: Unit, office: User, year: int, reforms: list[Reform], opens: dt.datetime, days: int) -> Round:
    round_ = Round.objects.create(
        district=district, kind=RoundKind.EXPERT, year=year, title=f"{year}年度微改革项目第三方专家评审",
        description="市改革办、市发展研究中心与区专家库专家组成评审组，按评分细则对微改革项目打分。",
        opens_at=opens, closes_at=opens + dt.timedelta(days=days), created_by=office,
    )
    RoundReform.objects.bulk_create([RoundReform(round=round_, reform=r, position=i) for i, r in enumerate(reforms)])
    return round_


def _marks(panel: Panel, rng: random.Random, quality: float, bias: float) -> dict[str, object]:
    out: dict[str, object] = {}
    for criterion in panel.criteria.order_by("position"):
        share = quality + bias + rng.gauss(0, 0.035)
        most = criterion.max_points
        points = max(Decimal(0), min(most, (most * Decimal(str(round(share, 4)))).quantize(Decimal("0.5"))))
        out[str(criterion.pk)] = points
    return out


def _score(panel: Panel, rng: random.Random, *, skip: frozenset[tuple[int, int]] = frozenset()) -> int:
    """Every pending sheet submitted by its expert (but ``skip``: (expert index, reform index))."""
    experts = list(panel.members.order_by("pk"))
    reforms = list(RoundReform.objects.filter(round_id=panel.round_id).order_by("position").values_list("reform_id", flat=True))
    quality = {r: min(0.95, max(0.5, rng.gauss(0.78, 0.08))) for r in reforms}
    bias = {e.pk: (0.08 if i == LENIENT else rng.gauss(0, 0.015)) for i, e in enumerate(experts)}
    sheets = Sheet.objects.filter(panel=panel, status=SheetStatus.PENDING).select_related("expert__person", "panel", "reform")
    done = 0
    for sheet in sheets.order_by("reform_id", "expert_id"):
        key = (experts.index(sheet.expert), reforms.index(sheet.reform_id))
        marks = _marks(panel, rng, quality[sheet.reform_id], bias[sheet.expert_id])
        if key in skip:
            continue
        sheet_services.submit_sheet(user=sheet.expert.person, sheet=sheet, marks=marks)
        done += 1
    return done


def _panel_2019(district: Unit, office: User, experts: list[Expert], rng: random.Random) -> dict[str, int]:
    reforms = list(
        Reform.objects.filter(district=district, tier=Tier.MICRO, year=2018).order_by("code")
    )
    reforms = sorted(rng.sample(reforms, min(38, len(reforms))), key=lambda r: r.code)
    round_ = _round(district, office, 2019, reforms, OPENED_2019, 28)
    criteria = [CriterionSpec(name=name, max_points=Decimal(most)) for name, most in RUBRIC]
    panel = panel_services.form_panel(user=office, round=round_, name="2019年微改革项目专家评审组", criteria=criteria,
                                      members=experts, trim_min_experts=5)
    panel_services.open_scoring(user=office, panel=panel)
    submitted = _score(panel, rng)
    # One expert asked to correct a slip: the office reopened the sheet, the expert submitted it again.
    sheet = Sheet.objects.filter(panel=panel, expert=experts[2], status=SheetStatus.SUBMITTED).select_related(
        "panel", "expert__person", "reform").order_by("reform__code").first()
    if sheet is not None:
        sheet_services.reopen_sheet(user=office, sheet=sheet, reason="专家来函：第二项“实效性”误录为满分，申请更正。")
        sheet_services.submit_sheet(user=sheet.expert.person, sheet=sheet,
                                    marks={str(c.pk): (c.max_points * Decimal("0.8")).quantize(Decimal("0.5")) for c in panel.criteria.all()})
    panel_services.close_panel(user=office, panel=panel)
    opened = OPENED_2019
    Panel.objects.filter(pk=panel.pk).update(scoring_opened_at=opened, closed_at=opened + dt.timedelta(days=28))
    Sheet.objects.filter(panel=panel, status=SheetStatus.SUBMITTED).update(submitted_at=opened + dt.timedelta(days=14))
    SheetReopening.objects.filter(sheet__panel=panel).update(created_at=opened + dt.timedelta(days=16),
                                                             was_submitted_at=opened + dt.timedelta(days=14))
    return {"panels": 1, "reforms": len(reforms), "sheets": Sheet.objects.filter(panel=panel).count(), "submitted": submitted}


def _panel_now(district: Unit, office: User, experts: list[Expert], rng: random.Random) -> dict[str, int]:
    year = programme_year(timezone.localdate())
    reforms = list(Reform.objects.filter(district=district, tier=Tier.MICRO, year=year).order_by("code")[:6])
    if not reforms:
        return {}
    round_ = _round(district, office, year, reforms, timezone.now() - dt.timedelta(days=3), 21)
    criteria = [CriterionSpec(name=name, max_points=Decimal(most)) for name, most in RUBRIC]
    panel = panel_services.form_panel(user=office, round=round_, name=f"{year}年微改革项目专家评审组", criteria=criteria,
                                      members=experts[:5], trim_min_experts=5)
    panel_services.open_scoring(user=office, panel=panel)
    # The others have scored the first half; the ``expert`` login (expert 0) has everything to do.
    skip = frozenset((e, r) for e in range(5) for r in range(len(reforms)) if e == 0 or r >= 3)
    return {"panels": 1, "sheets": Sheet.objects.filter(panel=panel).count(), "submitted": _score(panel, rng, skip=skip)}


def load_panels_demo(*, district: Unit) -> dict[str, int]:
    """The demo district's expert panels, made once (a second run changes nothing): counts made."""
    if Panel.objects.filter(district=district).exists():
        return {}
    rng = random.Random(SEED)
    office = _office(district)
    people = _expert_people(district, 9)
    # Two experts belong to units that carry projects: a sub-district and a department.
    leads = list(Reform.objects.filter(district=district, tier=Tier.MICRO, year=2018).values_list("lead_unit_id", flat=True))
    common = max(set(leads), key=leads.count) if leads else None
    department = Unit.objects.filter(district=district, kind="department").order_by("sort_order", "code").first()
    sub_district = Unit.objects.filter(pk=common).first() if common is not None else None
    units = {i: u for i, u in ((3, sub_district), (5, department)) if u is not None}
    experts = _pool(office, district, people, units)
    made = {"experts": len(experts)}
    for key, value in _panel_2019(district, office, experts, rng).items():
        made[f"2019_{key}"] = value
    for key, value in _panel_now(district, office, experts, rng).items():
        made[f"now_{key}"] = value
    return made
