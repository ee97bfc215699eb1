"""Expert rounds and panels for tests, until the round services exist on main: a round of kind
``expert`` made directly (no service), its reforms, experts of the pool, and a panel formed and
opened through the services (so the sheets, conflicts and audit entries are as the app makes them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from reformledger.evaluation.models import Expert, Panel, Round, RoundKind, RoundReform
from reformledger.evaluation.services import panels as panel_services
from reformledger.evaluation.services.panels import CriterionSpec
from reformledger.org.models import Role, Unit, User
from reformledger.reforms.models import Reform
from tests.factories import MembershipFactory, ReformFactory, UserFactory

#: The 2019 rubric (DOMAIN.md, issue 10 part 5): 100 points in all.
RUBRIC = (("创新性", 25), ("实效性", 35), ("可复制推广", 20), ("群众满意度", 20))


def rubric(spec: Sequence[tuple[str, int | str]] = RUBRIC, weight: str = "1") -> list[CriterionSpec]:
    return [CriterionSpec(name=name, max_points=Decimal(str(most)), weight=Decimal(weight)) for name, most in spec]


def expert_round(*, district: Unit, by: User, reforms: Sequence[Reform] = (), year: int = 2019) -> Round:
    now = timezone.now()
    round_ = Round.objects.create(
        district=district, kind=RoundKind.EXPERT, year=year, title=f"{year}年微改革专家评审",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30), created_by=by,
    )
    RoundReform.objects.bulk_create([RoundReform(round=round_, reform=r, position=i) for i, r in enumerate(reforms)])
    return round_


def expert_person(username: str) -> User:
    user = UserFactory(username=username, full_name=username)
    MembershipFactory(user=user, unit=None, role=Role.EXPERT)
    return user


def pool_expert(*, office: User, district: Unit, person: User | None = None, name: str = "", unit: Unit | None = None,
                username: str = "") -> Expert:
    person = person or expert_person(username or f"ex_{Expert.objects.count() + 1}_{district.code}")
    return panel_services.add_expert(
        user=office, district=district, person=person, name=name or person.full_name or person.username,
        affiliation="市发展研究中心", field="公共管理", unit=unit,
    )


def micro_reforms(*, district: Unit, lead_unit: Unit, n: int, prefix: str = "WG") -> list[Reform]:
    return [ReformFactory(code=f"{prefix}-{i:03d}", title=f"微改革{i}", lead_unit=lead_unit, district=district, year=2019)
            for i in range(1, n + 1)]


def scoring_panel(
    *, office: User, district: Unit, experts: Sequence[Expert], reforms: Sequence[Reform], trim_min_experts: int = 5,
    spec: Sequence[tuple[str, int | str]] = RUBRIC, open_scoring: bool = True,
) -> Panel:
    round_ = expert_round(district=district, by=office, reforms=reforms)
    panel = panel_services.form_panel(
        user=office, round=round_, name="2019年微改革专家评审组", criteria=rubric(spec), members=list(experts),
        trim_min_experts=trim_min_experts,
    )
    if open_scoring:
        panel = panel_services.open_scoring(user=office, panel=panel)
    return panel


class PanelSetup:
    """A scoring panel of ``n_experts`` experts of the fixture district over ``n_reforms`` micro-reforms
    led by sub-district B; expert 1 belongs to the department, which co-runs the first reform (a
    conflict of interest), the others to no unit."""

    def __init__(self, district, people, *, n_experts: int = 5, n_reforms: int = 3, trim_min_experts: int = 5,
                 open_scoring: bool = True):
        d = district
        self.office = people.office
        self.reforms = micro_reforms(district=d.district, lead_unit=d.sub_b, n=n_reforms)
        self.reforms[0].co_units.set([d.department])
        # The fixture's ``expert`` person is expert 0 (no unit); the others are made here.
        persons = [people.expert, *(expert_person(f"ex{i}") for i in range(1, n_experts))]
        units = [None, d.department, *([None] * (n_experts - 2))]
        self.experts = [
            pool_expert(office=people.office, district=d.district, person=p, name=f"专家{i}", unit=units[i])
            for i, p in enumerate(persons)
        ]
        self.panel = scoring_panel(office=people.office, district=d.district, experts=self.experts, reforms=self.reforms,
                                   trim_min_experts=trim_min_experts, open_scoring=open_scoring)
        self.criteria = list(self.panel.criteria.order_by("position"))

    def sheet(self, expert_index: int, reform_index: int):
        return self.panel.sheets.select_related("expert", "reform", "panel").get(
            expert=self.experts[expert_index], reform=self.reforms[reform_index])

    def marks(self, *points) -> dict[str, object]:
        return {str(c.pk): p for c, p in zip(self.criteria, points, strict=True)}
