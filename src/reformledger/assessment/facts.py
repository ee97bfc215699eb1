"""What the computation reads of one district's year, each part in one or two grouped queries,
loaded when a rule first asks for it (issue 11 part 2: never a query per unit or per reform).

:class:`FactBook` is read-only: the computation, the what-if preview and the dry run share it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import DecimalField, F, Min, Sum
from django.utils import timezone

from reformledger.casestudies.selectors import AdoptionFact, adoptions, adoptions_in_force
from reformledger.evaluation.agreement import trimmed_mean
from reformledger.evaluation.models import (
    LookbackAdoption,
    LookbackReview,
    LookbackState,
    Mark,
    PanelState,
    Round,
    RoundKind,
    SheetStatus,
)
from reformledger.evaluation.selectors.lookback import with_completion
from reformledger.evaluation.selectors.results import round_results
from reformledger.org.models import Unit
from reformledger.reforms.models import Reform, Status
from reformledger.supervision.models import OrderTarget, OverdueSpell
from reformledger.tolerance.selectors import Exemption, exemptions

from .models import Commendation
from .variables import VARIABLES

#: Reforms that never ran (a draft, a proposal) are not counted for or against anyone.
NOT_RUN = (Status.DRAFT, Status.PROPOSED)
STOPPED = (Status.TERMINATED,)


@dataclass(frozen=True, slots=True)
class UnitRow:
    pk: int
    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ReformRow:
    pk: int
    code: str
    title: str
    tier: str
    status: str
    due_date: dt.date | None
    completed_on: dt.date | None
    lead_unit_id: int

    @property
    def outcome(self) -> str:
        if self.status == Status.COMPLETED:
            late = self.due_date is not None and self.completed_on is not None and self.completed_on > self.due_date
            return "completed_late" if late else "completed_on_time"
        if self.status in STOPPED:
            return "terminated"
        return "not_completed"


@dataclass(frozen=True, slots=True)
class LateReply:
    unit_id: int
    order_code: str
    reply_by: dt.date
    replied_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Commended:
    pk: int
    unit_id: int
    kind: str
    title: str
    reform_id: int | None


@dataclass(frozen=True, slots=True)
class Rated:
    round_id: int
    reform_id: int
    mean: float
    count: int


@dataclass(frozen=True, slots=True)
class LookbackAdopted:
    reform_id: int
    lead_unit_id: int
    level: str
    place: str
    review_id: int


def months_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """The calendar months (year, month) touched by the days ``first`` … ``last``."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class FactBook:
    """One district's year as the rules read it (see the module's docstring)."""

    def __init__(self, *, district_id: int, year: int, units: list[UnitRow], today: dt.date | None = None):
        self.district_id = district_id
        self.year = year
        self.units = units
        self.unit_ids = {u.pk for u in units}
        self.first = dt.date(year, 1, 1)
        self.last = dt.date(year, 12, 31)
        #: Lateness is counted up to the year's end, or today while the year runs.
        self.cutoff = min(self.last, today or timezone.localdate())

    # --- reforms ----------------------------------------------------------------------------------
    @cached_property
    def reforms(self) -> list[ReformRow]:
        """The year's reforms that ran (approved or later), with their completion date."""
        qs = with_completion(
            Reform.objects.filter(district_id=self.district_id, year=self.year).exclude(status__in=NOT_RUN)
        ).order_by("pk")
        rows = qs.values_list("pk", "code", "title", "tier", "status", "due_date", "completed_on", "lead_unit_id")  # type: ignore[misc]
        return [ReformRow(*row) for row in rows]

    @cached_property
    def reform_by_id(self) -> dict[int, ReformRow]:
        return {r.pk: r for r in self.reforms}

    @cached_property
    def co_units(self) -> dict[int, list[int]]:
        """reform id → the co-units (ordered by id)."""
        through = Reform.co_units.through
        rows = through.objects.filter(
            reform__district_id=self.district_id, reform__year=self.year
        ).exclude(reform__status__in=NOT_RUN).order_by("reform_id", "unit_id").values_list("reform_id", "unit_id")
        found: dict[int, list[int]] = defaultdict(list)
        for reform_id, unit_id in rows:
            found[reform_id].append(unit_id)
        return dict(found)

    @cached_property
    def lookback_grades(self) -> dict[int, str]:
        """reform id → the grade of its latest concluded look-back review."""
        rows = LookbackReview.objects.filter(
            district_id=self.district_id, reform__year=self.year, state=LookbackState.CONCLUDED
        ).order_by("reform_id", "concluded_at", "pk").values_list("reform_id", "grade")
        return dict(rows)

    @cached_property
    def expert_scores(self) -> dict[int, float]:
        """reform id → its final score on the latest closed expert panel of the year's rounds (the
        trimmed mean of the submitted sheets' weighted totals, as the panel computes it)."""
        rows = (
            Mark.objects.filter(
                sheet__panel__district_id=self.district_id, sheet__panel__round__year=self.year,
                sheet__panel__state=PanelState.CLOSED, sheet__status=SheetStatus.SUBMITTED,
            )
            .values("sheet_id", "sheet__reform_id", "sheet__panel_id", "sheet__panel__trim_min_experts")
            .annotate(total=Sum(F("points") * F("criterion__weight"), output_field=DecimalField(max_digits=9, decimal_places=3)))
            .order_by("sheet__panel_id", "sheet__reform_id", "sheet_id")
        )
        totals: dict[tuple[int, int], list[float]] = defaultdict(list)
        trim: dict[int, int] = {}
        for row in rows:
            key = (row["sheet__panel_id"], row["sheet__reform_id"])
            totals[key].append(float(Decimal(row["total"]).quantize(Decimal("0.01"))))
            trim[row["sheet__panel_id"]] = row["sheet__panel__trim_min_experts"]
        scores: dict[int, float] = {}
        for (panel_id, reform_id), values in sorted(totals.items()):
            mean = trimmed_mean(values, trim_from=trim[panel_id]).mean
            if mean is not None:
                scores[reform_id] = round(mean, 2)
        return scores

    # --- lateness -------------------------------------------------------------------------------
    @cached_property
    def overdue_months(self) -> dict[tuple[int, int], dict[int, set[tuple[int, int]]]]:
        """(unit id, reform id) → task id → the months of the year in which the task was overdue
        (from the overdue spells: an extension or an order ends a spell, never removes it)."""
        rows = OverdueSpell.objects.filter(
            district_id=self.district_id, started_on__lte=self.cutoff
        ).exclude(ended_on__lt=self.first).order_by("task_id", "started_on", "pk").values_list(
            "task_id", "reform_id", "unit_id", "started_on", "ended_on"
        )
        found: dict[tuple[int, int], dict[int, set[tuple[int, int]]]] = defaultdict(lambda: defaultdict(set))
        for task_id, reform_id, unit_id, started_on, ended_on in rows:
            start, end = max(started_on, self.first), min(ended_on or self.cutoff, self.cutoff)
            if start <= end:
                found[(unit_id, reform_id)][task_id].update(months_between(start, end))
        return found

    @cached_property
    def late_replies(self) -> list[LateReply]:
        """Units late with their reply to one of the year's supervision orders: the first reply
        came after the reply-by date, or none came and the date has passed."""
        rows = (
            OrderTarget.objects.filter(order__district_id=self.district_id, order__year=self.year)
            .annotate(first_reply=Min("replies__submitted_on"))
            .order_by("order_id", "unit_id")
            .values_list("unit_id", "order__code", "order__reply_by", "first_reply")
        )
        return [
            LateReply(unit_id, code, reply_by, replied)
            for unit_id, code, reply_by, replied in rows
            if (replied is not None and replied > reply_by) or (replied is None and reply_by < self.cutoff)
        ]

    # --- ratings, adoptions, commendations, exemptions ----------------------------------------------
    @cached_property
    def ratings(self) -> list[Rated]:
        """Each reform's adjusted overall mean in the year's published public and open rounds (the
        evaluation's own results), where shown (at least the round's minimum ratings)."""
        rounds = Round.objects.filter(
            district_id=self.district_id, year=self.year, kind__in=(RoundKind.PUBLIC, RoundKind.OPEN), published_at__isnull=False
        ).order_by("pk")
        found = []
        for round_ in rounds:
            for result in round_results(round_).reforms:
                if result.shown and result.count and result.overall and result.overall.adjusted is not None:
                    found.append(Rated(round_.pk, result.reform_id, round(result.overall.adjusted, 3), result.count))
        return found

    @cached_property
    def adoptions(self) -> list[AdoptionFact]:
        return adoptions(district_id=self.district_id, year=self.year)

    @cached_property
    def lookback_adoptions(self) -> list[LookbackAdopted]:
        """Adoptions recorded by look-back reviews concluded in the year, except those already
        counted through a published case study of the same reform at the same level."""
        case_levels = set(adoptions_in_force(district_id=self.district_id).values_list("case_study__reform_id", "level"))
        rows = LookbackAdoption.objects.filter(
            review__district_id=self.district_id, review__state=LookbackState.CONCLUDED, review__concluded_at__year=self.year
        ).order_by("review_id", "position", "pk").values_list("review__reform_id", "review__reform__lead_unit_id", "level", "place", "review_id")
        seen: set[tuple[int, str]] = set()
        found = []
        for reform_id, lead_id, level, place, review_id in rows:
            if (reform_id, level) in case_levels or (reform_id, level) in seen:
                continue
            seen.add((reform_id, level))
            found.append(LookbackAdopted(reform_id, lead_id, level, place, review_id))
        return found

    @cached_property
    def commendations(self) -> list[Commended]:
        rows = Commendation.objects.filter(
            district_id=self.district_id, year=self.year, revoked_at__isnull=True
        ).order_by("pk").values_list("pk", "unit_id", "kind", "title", "reform_id")
        return [Commended(*row) for row in rows]

    @cached_property
    def exemptions(self) -> dict[tuple[int, int], Exemption]:
        return exemptions(district_id=self.district_id, year=self.year)

    # --- the variables (see .variables) -------------------------------------------------------------
    def variables(self, names: set[str]) -> dict[int, dict[str, float]]:
        """unit id → {variable: value} for the variables named (0 where nothing counts)."""
        table: dict[int, dict[str, float]] = {u.pk: dict.fromkeys(names, 0.0) for u in self.units}
        groups = {_GROUP_OF[name] for name in names}
        for group in sorted(groups):
            for unit_id, values in getattr(self, f"_vars_{group}")().items():
                if unit_id in table:
                    table[unit_id].update({k: v for k, v in values.items() if k in names})
        return table

    def _vars_reforms(self) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for r in self.reforms:
            row = out[r.lead_unit_id]
            row["reforms_led"] += 1
            row[f"{r.tier}_led"] += 1
            row[r.outcome] += 1
            if r.status == Status.COMPLETED:
                row["completed"] += 1
                if r.outcome == "completed_on_time" and r.tier == "key":
                    row["key_completed_on_time"] += 1
            for unit_id in self.co_units.get(r.pk, []):
                out[unit_id]["reforms_co_run"] += 1
        return out

    def _vars_lateness(self) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for (unit_id, _reform_id), tasks in self.overdue_months.items():
            out[unit_id]["overdue_tasks"] += len(tasks)
            out[unit_id]["overdue_task_months"] += sum(len(months) for months in tasks.values())
        return out

    def _vars_replies(self) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for late in self.late_replies:
            out[late.unit_id]["late_reports"] += 1
        return out

    def _vars_ratings(self) -> dict[int, dict[str, float]]:
        sums: dict[int, list[float]] = defaultdict(list)
        for rated in self.ratings:
            reform = self.reform_by_id.get(rated.reform_id)
            if reform is not None:
                sums[reform.lead_unit_id].append(rated.mean)
        return {unit_id: {"mean_rating": round(sum(v) / len(v), 3), "rated_reforms": float(len(v))} for unit_id, v in sums.items()}

    def _vars_adoptions(self) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for fact in self.adoptions:
            if fact.lead_unit_id is not None:
                out[fact.lead_unit_id][f"adoptions_{fact.level}"] += 1
        return out

    def _vars_commendations(self) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for commended in self.commendations:
            out[commended.unit_id]["commendations"] += 1
        return out

    def _vars_experts(self) -> dict[int, dict[str, float]]:
        sums: dict[int, list[float]] = defaultdict(list)
        for reform_id, score in self.expert_scores.items():
            reform = self.reform_by_id.get(reform_id)
            if reform is not None:
                sums[reform.lead_unit_id].append(score)
        return {unit_id: {"expert_score_mean": round(sum(v) / len(v), 3)} for unit_id, v in sums.items()}


_GROUP_OF = {name: group for name, (group, _label) in VARIABLES.items()}


def units_in_scope(district_id: int, unit_kinds: list[str]) -> list[UnitRow]:
    """The district's active units of the scheme's kinds, by code (one query)."""
    qs = Unit.objects.filter(district_id=district_id, is_active=True, kind__in=unit_kinds).order_by("code", "pk")
    return [UnitRow(*row) for row in qs.values_list("pk", "code", "name", "kind")]
