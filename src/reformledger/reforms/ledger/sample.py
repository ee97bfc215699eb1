"""A large, realistic sample ledger, for the speed test and ``bench/`` (deterministic)."""

from __future__ import annotations

import datetime as dt
import os
from typing import IO

from openpyxl import Workbook

from reformledger.org.models import Domain, Unit, UnitKind, User

from .format import CO_UNIT_JOIN, COLUMNS, SHEET_TITLE, STATUS_LABELS, TIER_LABELS


def write_sample_ledger(
    out: str | os.PathLike | IO[bytes], *, district: Unit, rows: int = 10_000, code_prefix: str = "LG"
) -> int:
    """Write a realistic ledger of ``rows`` new reforms for ``district`` (deterministic).

    Units and the leader are written by code and username, mixed with names, dates as real
    dates and as text, as offices' own spreadsheets do.
    """
    units = list(Unit.objects.filter(district=district).exclude(kind=UnitKind.DISTRICT).order_by("pk"))
    if len(units) < 3:
        raise ValueError("the district needs at least three units")
    domains = list(Domain.objects.order_by("sort_order"))
    leader = User.objects.filter(memberships__role="leader").order_by("pk").first()
    tiers = ["micro"] * 8 + ["key", "upper"]
    statuses = list(STATUS_LABELS.values())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([c.header for c in COLUMNS])
    for i in range(rows):
        tier = tiers[i % len(tiers)]
        lead = units[i % len(units)]
        co = [units[(i + 1) % len(units)], units[(i + 2) % len(units)]]
        year = 2014 + i % 5
        start = dt.date(year, 1 + i % 12, 1)
        due = dt.date(year + 1, 1 + i % 12, 1)
        status = statuses[i % len(statuses)]
        sheet.append(
            [
                f"{code_prefix}-{i:06d}",
                f"第{i}项改革：{domains[i % len(domains)].name}",
                TIER_LABELS[tier],
                "省级" if tier == "upper" else "",
                year,
                district.name if i % 2 else district.code,
                domains[i % len(domains)].name,
                lead.name if i % 3 and len(units) == len({u.name for u in units}) else lead.code,
                CO_UNIT_JOIN.join(u.code for u in co if u.pk != lead.pk),
                (leader.username if leader else ""),
                "目标：" + "提升服务效率，" * 5,
                "举措：" + "简化流程，" * 5,
                "制度文件",
                start if i % 2 else start.strftime("%Y/%m/%d").replace("/0", "/"),
                due if i % 2 else f"{due.year}年{due.month}月{due.day}日",
                status,
                100 if status == "已完成" else i % 100,
                "公开摘要" * 3,
                "",  # no version: a ledger kept outside Reform Ledger
            ]
        )
    workbook.save(out)
    return rows
