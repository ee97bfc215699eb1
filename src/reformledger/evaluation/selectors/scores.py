"""A panel's scores: each submitted sheet's weighted total computed in the database (Σ points ×
weight, grouped by sheet), then, on those few numbers, each project's trimmed mean, the ranking,
the agreement (Krippendorff's α, interval) and the rater furthest from the others
(:mod:`reformledger.evaluation.agreement`), and the line-by-line explanation of every score
(criterion × expert × weight → total).

These functions do not check who asks: the pages and the API call them for a panel the loading
policy (``selectors.panels``) gave them, and show marks and results only when the rules of
visibility allow (``results_visible``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Sum

from ..agreement import RaterDeviation, krippendorff_alpha_interval, rater_deviations, trimmed_mean
from ..models import Criterion, Expert, Mark, Panel, PanelState, RoundReform, Sheet, SheetStatus
from .panels import member_of, reads_as_office

TOTAL = DecimalField(max_digits=9, decimal_places=3)


def results_visible(user, panel: Panel) -> bool:
    """Marks and results: after the panel closes, to its district's office (and the province
    office) and to its members; never before."""
    return panel.state == PanelState.CLOSED and (reads_as_office(user, panel) or member_of(user, panel) is not None)


def sheet_totals(panel: Panel) -> dict[tuple[int, int], Decimal]:
    """(reform id, expert id) → the weighted total of each submitted sheet: one grouped query."""
    rows = (
        Mark.objects.filter(sheet__panel=panel, sheet__status=SheetStatus.SUBMITTED)
        .values("sheet_id", "sheet__reform_id", "sheet__expert_id")
        .annotate(total=Sum(F("points") * F("criterion__weight"), output_field=TOTAL))
        .order_by()
    )
    return {(r["sheet__reform_id"], r["sheet__expert_id"]): Decimal(r["total"]).quantize(Decimal("0.01")) for r in rows}


@dataclass(frozen=True)
class ExpertTotal:
    expert_id: int
    total: Decimal
    dropped: str = ""  # "high" or "low" when the trimmed mean left it out


@dataclass
class ProjectScore:
    reform_id: int
    code: str
    title: str
    lead_unit: str
    totals: list[ExpertTotal]
    score: float | None
    trimmed: bool
    excluded: list[tuple[int, str]] = field(default_factory=list)  # (expert id, the unit)
    pending: list[int] = field(default_factory=list)  # expert ids
    rank: int | None = None


@dataclass
class Agreement:
    alpha: float | None
    deviations: list[RaterDeviation]

    @property
    def furthest(self) -> RaterDeviation | None:
        return self.deviations[0] if self.deviations else None


@dataclass
class Progress:
    """Counts per expert: ``{expert id: {"pending": n, "submitted": n, "excluded": n}}`` and totals."""

    by_expert: dict[int, dict[str, int]]
    totals: dict[str, int]


def progress(panel: Panel) -> Progress:
    by_expert: dict[int, dict[str, int]] = {}
    totals = {s: 0 for s in SheetStatus.values}
    rows = Sheet.objects.filter(panel=panel).values("expert_id", "status").annotate(n=Count("pk")).order_by()
    for row in rows:
        by_expert.setdefault(row["expert_id"], {s: 0 for s in SheetStatus.values})[row["status"]] = row["n"]
        totals[row["status"]] += row["n"]
    return Progress(by_expert, totals)


def agreement(totals: dict[tuple[int, int], Decimal]) -> Agreement:
    units: dict[int, list[float]] = {}
    for (reform_id, _expert_id), total in totals.items():
        units.setdefault(reform_id, []).append(float(total))
    alpha = krippendorff_alpha_interval(list(units.values()))
    return Agreement(alpha, rater_deviations({key: float(v) for key, v in totals.items()}))


def members(panel: Panel) -> list[Expert]:
    return list(panel.members.select_related("unit").order_by("name", "pk"))


def criteria(panel: Panel) -> list[Criterion]:
    return list(panel.criteria.order_by("position", "pk"))


def project_scores(panel: Panel, totals: dict[tuple[int, int], Decimal]) -> list[ProjectScore]:
    """Each reform of the round with its experts' totals and trimmed mean, ranked (ties share a rank)."""
    entries = RoundReform.objects.filter(round_id=panel.round_id).select_related("reform__lead_unit").order_by("position", "pk")
    others = Sheet.objects.filter(panel=panel).exclude(status=SheetStatus.SUBMITTED).values_list("reform_id", "expert_id", "status", "conflict")
    excluded: dict[int, list[tuple[int, str]]] = {}
    pending: dict[int, list[int]] = {}
    for reform_id, expert_id, status, conflict in others:
        if status == SheetStatus.EXCLUDED:
            excluded.setdefault(reform_id, []).append((expert_id, conflict))
        else:
            pending.setdefault(reform_id, []).append(expert_id)
    by_reform: dict[int, list[tuple[int, Decimal]]] = {}
    for (reform_id, expert_id), total in sorted(totals.items()):
        by_reform.setdefault(reform_id, []).append((expert_id, total))
    scores: list[ProjectScore] = []
    for entry in entries:
        reform = entry.reform
        given = by_reform.get(reform.pk, [])
        trim = trimmed_mean([float(t) for _e, t in given], trim_from=panel.trim_min_experts)
        marked = [
            ExpertTotal(e, t, "high" if i == trim.dropped_high else "low" if i == trim.dropped_low else "")
            for i, (e, t) in enumerate(given)
        ]
        scores.append(ProjectScore(reform.pk, reform.code, reform.title, reform.lead_unit.name, marked, trim.mean,
                                   trim.trimmed, excluded.get(reform.pk, []), pending.get(reform.pk, [])))
    ranked = sorted(scores, key=lambda p: (p.score is None, -(p.score or 0), p.code))
    previous: float | None = None
    for i, project in enumerate(ranked, start=1):
        if project.score is None:
            break
        project.rank = ranked[i - 2].rank if previous is not None and round(project.score, 2) == round(previous, 2) else i
        previous = project.score
    return ranked


def line_by_line(panel: Panel, reform_ids: list[int] | None = None) -> dict[tuple[int, int], dict[int, Decimal]]:
    """(reform id, expert id) → {criterion id: points} of the submitted sheets: one query."""
    qs = Mark.objects.filter(sheet__panel=panel, sheet__status=SheetStatus.SUBMITTED)
    if reform_ids is not None:
        qs = qs.filter(sheet__reform_id__in=reform_ids)
    out: dict[tuple[int, int], dict[int, Decimal]] = {}
    for reform_id, expert_id, criterion_id, points in qs.values_list("sheet__reform_id", "sheet__expert_id", "criterion_id", "points"):
        out.setdefault((reform_id, expert_id), {})[criterion_id] = points
    return out


@dataclass
class PanelReport:
    """Everything the results page, the Word document and the Excel sheet print."""

    panel: Panel
    criteria: list[Criterion]
    experts: dict[int, Expert]
    projects: list[ProjectScore]
    agreement: Agreement
    progress: Progress
    lines: dict[tuple[int, int], dict[int, Decimal]]


def panel_report(panel: Panel, *, with_lines: bool = True) -> PanelReport:
    totals = sheet_totals(panel)
    return PanelReport(
        panel=panel, criteria=criteria(panel), experts={e.pk: e for e in members(panel)},
        projects=project_scores(panel, totals), agreement=agreement(totals), progress=progress(panel),
        lines=line_by_line(panel) if with_lines else {},
    )
