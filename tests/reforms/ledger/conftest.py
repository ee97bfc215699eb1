"""Fixtures for the ledger tests: a catalogue worth exporting, and helpers to read and edit workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from reformledger.core.models import AuditEntry
from reformledger.org.models import Domain
from reformledger.reforms.ledger.export import write_ledger
from reformledger.reforms.ledger.format import COLUMNS
from reformledger.reforms.models import Reform, SourceLevel, Status, Tier
from reformledger.reforms.selectors import ReformFilters, reform_list
from tests.clients import english_client


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (their msgids), whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A test client that chose English with the language switch (pages ignore Accept-Language)."""
    return english_client()


@pytest.fixture
def catalogue(district, people, reform_factory) -> list[Reform]:
    """Reforms of every tier with co-units, a leader, dates, multi-line text and a blank or two."""
    health = Domain.objects.get(code="public-services")
    upper = reform_factory(
        code="SJ-2018-01",
        title="公立医院综合改革",
        tier=Tier.UPPER,
        source_level=SourceLevel.PROVINCIAL,
        domain=health,
        lead_unit=district.department,
        responsible_leader=people.leader_main,
        goals="建立现代医院管理制度\n推行医疗集团",
        status=Status.COMPLETED,
        progress=100,
    )
    upper.co_units.set([district.sub_a, district.sub_b])
    key = reform_factory(
        code="ZD-2018-01",
        title="罗湖医改",
        tier=Tier.KEY,
        domain=health,
        lead_unit=district.department,
        responsible_leader=people.leader_domain,
        measures="组建医疗集团；家庭医生签约",
        public_summary="以健康为中心",
    )
    key.co_units.set([district.community_a])
    micro = reform_factory(
        code="WG-2018-01",
        title="物业管理微改革",
        start_date=None,
        due_date=None,
        progress=0,
        status=Status.DRAFT,
    )
    return [upper, key, micro]


def export(path: Path, user=None, filters: ReformFilters | None = None) -> Path:
    qs = reform_list(user, filters or ReformFilters()) if user is not None else Reform.objects.all()
    write_ledger(qs, path)
    return path


def read_rows(path: Path) -> list[list[Any]]:
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def edit(path: Path, edits: dict[tuple[str, str], Any]) -> Path:
    """Change cells addressed by (reform code, column header) and save in place."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for (code, header), value in edits.items():
        sheet.cell(row=rows[code], column=headers.index(header) + 1, value=value)
    workbook.save(path)
    return path


def write(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    """A ledger from plain rows (the header defaults to every column in order)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else [c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def good_row(**overrides: Any) -> list[Any]:
    """A valid new micro-reform row for the fixture district, with columns overridden by key."""
    values = {
        "code": "NEW-001",
        "title": "新改革",
        "tier": "微改革",
        "source_level": "",
        "year": 2019,
        "district": "罗湖区",
        "domain": "政府职能转变",
        "lead_unit": "桂园街道",
        "co_units": "黄贝街道、松园社区",
        "responsible_leader": "leader_domain",
        "goals": "目标",
        "measures": "举措",
        "deliverables": "成果",
        "start_date": dt.date(2019, 1, 1),
        "due_date": dt.date(2019, 12, 31),
        "status": "推进中",
        "progress": 30,
        "public_summary": "摘要",
        "version": "",  # a row added by hand: no version
    }
    values.update(overrides)
    return [values[c.key] for c in COLUMNS]


def counts() -> tuple[int, int]:
    return Reform.objects.count(), AuditEntry.objects.count()
