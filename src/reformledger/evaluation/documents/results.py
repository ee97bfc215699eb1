"""A round's per-reform aggregates as Excel and as CSV (the figures the results page shows, with
the counts and sums needed to recompute them)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook

from reformledger.core.exporters import FORMULA_STARTS, ExcelExporter, safe_text

from ..models import Round
from ..selectors.results import RoundResults, method


def _r(value: float | None) -> float | str:
    return round(value, 4) if value is not None else ""


def headers(results: RoundResults) -> list[str]:
    out = ["rank", "reform_code", "reform_title", "count", "shown"]
    for d in results.dimensions:
        key = d["key"]
        out += [f"{key}_sum", f"{key}_mean", f"{key}_sd", f"{key}_margin", f"{key}_adjusted",
                *(f"{key}_n{k}" for k in range(1, 6))]
    return out + ["overall_mean", "overall_margin", "overall_adjusted"]


def rows(results: RoundResults, *, office: bool) -> Iterator[list[Any]]:
    """One row per reform; outside the office, a reform below the minimum shows its count only."""
    for r in results.reforms:
        show = office or r.shown
        row: list[Any] = [r.rank or "", r.code, r.title, r.count, "yes" if r.shown else "no"]
        for s in r.dimensions:
            row += ([int(s.total), _r(s.mean), _r(s.sd), _r(s.margin), _r(s.adjusted), *s.distribution] if show else [""] * 10)
        o = r.overall
        row += [_r(o.mean), _r(o.margin), _r(o.adjusted)] if show else ["", "", ""]
        yield row


class ResultsWorkbook(ExcelExporter):
    identifier = "evaluation-results-xlsx"
    write_only = True

    def __init__(self, round: Round, results: RoundResults, *, office: bool) -> None:
        self.round, self.results, self.office = round, results, office

    def stem(self) -> str:
        return f"评议结果-{self.round.pk}"

    def document_title(self) -> str:
        return f"{self.round.title} 评议结果"

    def build(self, workbook: Workbook) -> None:
        names = headers(self.results)
        self.sheet(workbook, "结果", names, rows(self.results, office=self.office), [10] * len(names), caption=self.document_title())
        self.sheet(workbook, "计算方法", ("项", "值"), ((k, str(v)) for k, v in method(self.results).items()), (20, 90))


def _csv_text(value: str) -> str:
    """Text a spreadsheet opening the CSV will not take for a formula."""
    value = safe_text(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def results_csv(results: RoundResults, *, office: bool, out: IO[str] | None = None) -> str:
    buffer = out or io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(results))
    for row in rows(results, office=office):
        writer.writerow([_csv_text(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue() if isinstance(buffer, io.StringIO) else ""
