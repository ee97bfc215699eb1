"""Benchmark of an expert panel's aggregation (issue 10 part 10): 38 projects × 9 experts × 8
criteria — 342 sheets, 2,736 marks — aggregated with its agreement statistic in under 1 s.

    DATABASE_URL=postgresql://... python bench/panels.py [--repeat 20]
    make bench-panels

Makes (once; idempotent) a district ``bench-panels`` with 38 micro-reforms, nine experts and a
closed panel whose every sheet is submitted with marks drawn from a fixed seed, then times, cold
cache each time:

* ``aggregate``: the weighted totals summed in the database (Σ points × weight grouped by sheet),
  each project's trimmed mean and rank, Krippendorff's α and the furthest rater — what the panel's
  progress page and the API's results need;
* ``report``: the same plus the line-by-line marks (criterion × expert) — what the Word and Excel
  report print.

Prints the median and the slowest of ``--repeat`` runs and the number of queries of one run.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from reformledger.evaluation.models import (  # noqa: E402
    Criterion,
    Expert,
    Mark,
    Panel,
    PanelState,
    Round,
    RoundKind,
    RoundReform,
    Sheet,
    SheetStatus,
)
from reformledger.evaluation.selectors import scores  # noqa: E402
from reformledger.org.models import Domain, Membership, Role, Unit, UnitKind, User  # noqa: E402
from reformledger.reforms.models import Reform, Status, Tier  # noqa: E402

CODE = "bench-panels"
PROJECTS, EXPERTS = 38, 9
CRITERIA = (("创新性", 15), ("实效性", 20), ("可复制推广", 10), ("群众满意度", 15), ("机制建设", 10), ("成本效益", 10),
            ("协同推进", 10), ("宣传推广", 10))


@transaction.atomic
def build() -> Panel:
    existing = Panel.objects.filter(district__code=CODE).first()
    if existing is not None:
        return existing
    rng = random.Random(38)
    district = Unit.objects.create(code=CODE, name="评审基准区", kind=UnitKind.DISTRICT)
    street = Unit.objects.create(code=f"{CODE}-street", name="基准街道", kind=UnitKind.SUB_DISTRICT, parent=district)
    office = User.objects.create(username=f"{CODE}-office", full_name="基准改革办")
    domain = Domain.objects.order_by("pk").first()
    reforms = Reform.objects.bulk_create([
        Reform(code=f"BP-{i:03d}", title=f"微改革项目{i}", tier=Tier.MICRO, year=2018, district=district, domain=domain,
               lead_unit=street, status=Status.COMPLETED, progress=100)
        for i in range(1, PROJECTS + 1)
    ])
    now = timezone.now()
    round_ = Round.objects.create(district=district, kind=RoundKind.EXPERT, year=2019, title="基准专家评审",
                                  opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(days=1), created_by=office)
    RoundReform.objects.bulk_create([RoundReform(round=round_, reform=r, position=i) for i, r in enumerate(reforms)])
    experts = []
    for i in range(EXPERTS):
        person = User.objects.create(username=f"{CODE}-expert-{i}", full_name=f"专家{i}")
        Membership.objects.create(user=person, role=Role.EXPERT)
        experts.append(Expert.objects.create(district=district, person=person, name=f"专家{i}", affiliation="研究中心", field="公共管理"))
    panel = Panel.objects.create(round=round_, district=district, name="基准评审组", state=PanelState.CLOSED, created_by=office,
                                 scoring_opened_at=now - dt.timedelta(days=30), closed_at=now - dt.timedelta(days=1))
    panel.members.set(experts)
    criteria = Criterion.objects.bulk_create([
        Criterion(panel=panel, position=i, name=name, max_points=Decimal(most)) for i, (name, most) in enumerate(CRITERIA)
    ])
    sheets = Sheet.objects.bulk_create([
        Sheet(panel=panel, expert=e, reform=r, status=SheetStatus.SUBMITTED, submitted_at=now) for r in reforms for e in experts
    ])
    quality = {r.pk: rng.gauss(0.78, 0.08) for r in reforms}
    bias = {e.pk: (0.08 if i == 6 else rng.gauss(0, 0.015)) for i, e in enumerate(experts)}
    marks = []
    for sheet in sheets:
        for c in criteria:
            share = min(1.0, max(0.0, quality[sheet.reform_id] + bias[sheet.expert_id] + rng.gauss(0, 0.035)))
            marks.append(Mark(sheet=sheet, criterion=c, points=(c.max_points * Decimal(str(round(share, 3)))).quantize(Decimal("0.1"))))
    Mark.objects.bulk_create(marks, batch_size=2000)
    return panel


def timed(call, repeat: int) -> tuple[float, float, int]:
    runs = []
    for _ in range(repeat):
        panel = Panel.objects.get(pk=PANEL)  # a fresh object each time: nothing cached on it
        started = time.perf_counter()
        call(panel)
        runs.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        call(Panel.objects.get(pk=PANEL))
    return statistics.median(runs), max(runs), len(queries) - 1


def aggregate(panel: Panel) -> None:
    totals = scores.sheet_totals(panel)
    ranked = scores.project_scores(panel, totals)
    agreement = scores.agreement(totals)
    assert len(ranked) == PROJECTS and agreement.alpha is not None and agreement.furthest is not None


def report(panel: Panel) -> None:
    built = scores.panel_report(panel)
    assert len(built.lines) == PROJECTS * EXPERTS


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    panel = build()
    PANEL = panel.pk
    print(f"panel {panel.pk}: {PROJECTS} projects × {EXPERTS} experts × {len(CRITERIA)} criteria "
          f"({Mark.objects.filter(sheet__panel=panel).count()} marks) on {connection.vendor}, ready in {time.perf_counter() - started:.1f} s")
    totals = scores.agreement(scores.sheet_totals(panel))
    far = totals.furthest
    print(f"Krippendorff's alpha (interval) = {totals.alpha:.3f}; furthest rater: expert {far.rater} "
          f"({far.mean_absolute:.2f} points from the others, signed {far.mean_signed:+.2f})")
    for name, call in (("aggregate", aggregate), ("report", report)):
        median, slowest, queries = timed(call, args.repeat)
        verdict = "OK" if slowest < 1.0 else "TOO SLOW"
        print(f"{name:10s} median {median * 1000:7.1f} ms, slowest {slowest * 1000:7.1f} ms, {queries} queries  [{verdict}: target < 1 s]")
