"""The export: reforms written as a ledger workbook that imports back as "no change", each row
with the version of its reform (:mod:`.versions`), so that an older export cannot silently undo
newer edits.

:class:`LedgerWorkbook` is the file, on the shared exporter base (:mod:`reformledger.core.exporters`:
the header row, widths, the frozen header, typed and sheet-safe cells); :func:`ledger_cells` is one
row. :func:`write_ledger` and :func:`export_filename` are what the command line and the tests call.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from reformledger.core.exporters import ExcelExporter
from reformledger.org.models import Domain, Unit, UnitKind, User

from .. import services
from ..models import Reform
from .format import (
    CO_UNIT_JOIN,
    CO_UNIT_SPLIT,
    COLUMNS,
    SHEET_TITLE,
    SOURCE_LEVEL_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
    match_key,
)
from .versions import version_of


class ExportNames:
    """How each object is written so that the import finds it again: a name, or the code where
    a name would be ambiguous."""

    def __init__(self, reforms: QuerySet[Reform]) -> None:
        self.unit_by_name = _units_written_by_name(reforms)
        self.districts = _district_names()
        self.domains = _domain_names()
        self.leaders = _leader_names(reforms)

    def unit(self, unit: Unit, district_id: int) -> str:
        in_district = unit.district_id == district_id
        return unit.name if in_district and unit.pk in self.unit_by_name else unit.code


def _units_written_by_name(reforms: QuerySet[Reform]) -> set[int]:
    """Units written by name: the name is unique in its district, is no unit's code there, and
    survives the trip (no surrounding spaces, no list separator inside)."""
    district_ids = reforms.order_by().values("district_id")
    rows = list(
        Unit.objects.filter(district_id__in=district_ids).values_list("pk", "code", "name", "district_id")
    )
    names: dict[tuple[int, str], int] = defaultdict(int)
    codes: dict[int, set[str]] = defaultdict(set)
    for _pk, code, name, district_id in rows:
        names[(district_id, name.strip())] += 1
        codes[district_id].add(code)
    return {
        pk
        for pk, _code, name, district_id in rows
        if name
        and name == name.strip()
        and names[(district_id, name)] == 1
        and name not in codes[district_id]
        and not CO_UNIT_SPLIT.search(name)
    }


def _district_names() -> dict[int, str]:
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("pk", "code", "name"))
    district_names: dict[str, int] = defaultdict(int)
    for _pk, _code, name in districts:
        district_names[name.strip()] += 1
    district_codes = {code for _pk, code, _name in districts}
    return {
        pk: name
        if name and name == name.strip() and district_names[name] == 1 and name not in district_codes
        else code
        for pk, code, name in districts
    }


def _domain_names() -> dict[int, str]:
    domains = list(Domain.objects.values_list("pk", "code", "name"))
    domain_names: dict[str, int] = defaultdict(int)
    for _pk, _code, name in domains:
        domain_names[match_key(name)] += 1
    domain_codes = {match_key(code) for _pk, code, _name in domains}
    return {
        pk: name if name and domain_names[match_key(name)] == 1 and match_key(name) not in domain_codes else code
        for pk, code, name in domains
    }


def _leader_names(reforms: QuerySet[Reform]) -> dict[int, str]:
    leader_ids = reforms.order_by().exclude(responsible_leader=None).values("responsible_leader_id")
    leader_names = User.objects.filter(pk__in=leader_ids).exclude(full_name="").values("full_name")
    people = list(
        User.objects.filter(
            Q(pk__in=leader_ids) | Q(full_name__in=leader_names) | Q(username__in=leader_names)
        ).values_list("pk", "username", "full_name")
    )
    full_names: dict[str, int] = defaultdict(int)
    for _pk, _username, full_name in people:
        full_names[full_name] += 1
    usernames = {username: pk for pk, username, _full in people}
    return {
        pk: full_name
        if full_name
        and full_name == full_name.strip()
        and full_names[full_name] == 1
        and usernames.get(full_name, pk) == pk
        else username
        for pk, username, full_name in people
    }


def ledger_cells(reform: Reform, names: ExportNames) -> list[Any]:
    """One reform as the ledger writes it, in column order."""
    values = {
        "code": reform.code,
        "title": reform.title,
        "tier": TIER_LABELS.get(reform.tier, reform.tier),
        "source_level": SOURCE_LEVEL_LABELS.get(reform.source_level, reform.source_level),
        "year": reform.year,
        "district": names.districts.get(reform.district_id, ""),
        "domain": names.domains.get(reform.domain_id, ""),
        "lead_unit": names.unit(reform.lead_unit, reform.district_id),
        "co_units": CO_UNIT_JOIN.join(names.unit(u, reform.district_id) for u in reform.co_units.all()),
        "responsible_leader": names.leaders.get(reform.responsible_leader_id, "")
        if reform.responsible_leader_id
        else "",
        "goals": reform.goals,
        "measures": reform.measures,
        "deliverables": reform.deliverables,
        "start_date": reform.start_date,
        "due_date": reform.due_date,
        "status": STATUS_LABELS.get(reform.status, reform.status),
        "progress": reform.progress,
        "public_summary": reform.public_summary,
        "version": version_of(services.snapshot(reform)),
    }
    return [values[column.key] for column in COLUMNS]


def ledger_queryset(reforms: QuerySet[Reform]) -> QuerySet[Reform]:
    """What the export reads, joined and prefetched: a fixed number of queries per 2,000 rows."""
    return reforms.select_related("lead_unit").prefetch_related("co_units")


class LedgerWorkbook(ExcelExporter):
    """The reforms as one ledger sheet. Write-only: rows stream out, read 2,000 at a time, so
    memory stays flat; :attr:`count` is the number of rows written."""

    identifier = "reform-ledger"
    verbose_name = _("Export the catalogue as a ledger")
    write_only = True

    def __init__(self, reforms: QuerySet[Reform] | None, *, today: dt.date | None = None) -> None:
        self.reforms = reforms  # None: only the file name is asked for
        self.today = today
        self.count = 0

    def stem(self) -> str:
        return f"{SHEET_TITLE}-{(self.today or timezone.localdate()):%Y%m%d}"

    def document_title(self) -> str:
        return SHEET_TITLE

    def build(self, workbook: Workbook) -> None:
        self.sheet(workbook, SHEET_TITLE, [c.header for c in COLUMNS], self.rows(), [c.width for c in COLUMNS])

    def rows(self) -> Iterator[list[Any]]:
        assert self.reforms is not None, "a workbook needs its reforms"
        names = ExportNames(self.reforms)
        for reform in ledger_queryset(self.reforms).iterator(chunk_size=2000):
            self.count += 1
            yield ledger_cells(reform, names)


def write_ledger(reforms: QuerySet[Reform], out: str | os.PathLike[str] | IO[bytes]) -> int:
    """Write ``reforms`` (any queryset) as a ledger workbook to ``out``; returns the row count."""
    workbook = LedgerWorkbook(reforms)
    if isinstance(out, str | os.PathLike):
        with open(out, "wb") as file:
            workbook.write(file)
    else:
        workbook.write(out)
    return workbook.count


def export_filename(today: dt.date | None = None) -> str:
    return LedgerWorkbook(None, today=today).filename()
