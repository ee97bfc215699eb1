"""Fixtures of the fault-tolerance tests: a discipline reviewer of the fixture district (区纪委监委)
and of the other district, a terminated reform of sub-district A co-run by the health department
with a named responsible leader, and a complete set of answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reformledger.org.models import Domain, Role, UnitKind
from reformledger.reforms.models import Status, Tier
from reformledger.tolerance.models import ChecklistItem, ItemKind
from reformledger.tolerance.services import cases as case_services
from reformledger.tolerance.services.checklists import ensure_checklist
from tests.factories import MembershipFactory, UnitFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def reviewer(username: str, unit) -> object:
    user = UserFactory(username=username, full_name=username)
    MembershipFactory(user=user, unit=unit, role=Role.DISCIPLINE)
    return user


@pytest.fixture
def discipline(district):
    unit = UnitFactory(code="lh-jiwei", name="区纪委监委", kind=UnitKind.DEPARTMENT, parent=district.district)
    return reviewer("discipline", unit)


@pytest.fixture
def other_discipline(other_district):
    unit = UnitFactory(code="ft-jiwei", name="福田区纪委监委", kind=UnitKind.DEPARTMENT, parent=other_district.district)
    return reviewer("ft_discipline", unit)


@pytest.fixture
def failed_reform(reform_factory, district, people):
    return reform_factory(
        code="LH-T1", title="老旧小区加装电梯改革", tier=Tier.KEY, status=Status.TERMINATED, year=2016,
        domain=Domain.objects.get(code="public-services"), co_units=[district.department],
        start_date=dt.date(2016, 1, 1), due_date=dt.date(2016, 12, 31), responsible_leader=people.leader_main,
    )


def answers(district_unit, *, unmet=(), hits=()) -> dict[str, tuple[bool, str]]:
    """An answer to every item of the district: conditions met (but ``unmet``), negative items not
    applying (but ``hits``), each explained."""
    ensure_checklist(district=district_unit)
    out = {}
    for item in ChecklistItem.objects.filter(district=district_unit, is_active=True):
        if item.kind == ItemKind.CONDITION:
            out[item.code] = (item.code not in unmet, f"说明：{item.text}")
        else:
            out[item.code] = (item.code in hits, f"说明：{item.text}" if item.code in hits else "")
    return out


@pytest.fixture
def apply_case(district):
    def make(user, reform, *, text="因征求居民意见未达成一致，加装电梯工程终止。", year=2016, unmet=(), hits=(), **kwargs):
        return case_services.apply_for_exemption(
            user=user, reform=reform, what_happened=text, year=year,
            answers=answers(reform.district, unmet=unmet, hits=hits), **kwargs,
        )

    return make
