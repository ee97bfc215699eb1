"""Benchmark of the annual assessment (issue 11 part 10), on PostgreSQL.

    make bench-assessment                                      # 100 districts, 5,000,000 ratings
    .venv/bin/python bench/assessment.py --ratings 500000      # a quicker province

Builds (idempotently) the province of ``bench/generate.py`` (100 districts, 61,000 reforms, 610,000
tasks; it runs that script when districts are missing) and adds what the assessment reads:

* an office member for every district (``bench-assess-office-dNNN``);
* overdue spells for the year: a sixth of the year's tasks done late (5–90 days), closed spells;
* one published public rating round of the year per district over its key and first micro-reforms,
  ``--ratings`` ratings in all (written with COPY, as ``bench/evaluation.py`` does);
* two commendations and one decided tolerance case per district;
* an adopted scheme of the year per district with thirteen rules of every data kind (base, reform
  outcome with look-back grades and expert bands, lateness per task-month and per late reply, no
  reform, adoption, public rating, commendation, rank ladder, proportional, interpolated,
  expression) over the sub-districts, departments and communities (118 units a district).

Then times, with the versions it made removed after each run:

* every district (``services.computation.compute`` for each, as ``reformledger assess --year Y`` does);
* one district, the median of ``--repeat`` runs;
* a what-if preview of one district (one rule changed), the median of ``--repeat`` runs.

Prints the figures and writes bench/out/assessment.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/reformledger_bench_assess"

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--database-url", default=os.environ.get("BENCH_ASSESS_DATABASE_URL", DEFAULT_DB))
parser.add_argument("--districts", type=int, default=100)
parser.add_argument("--ratings", type=int, default=5_000_000, help="ratings in all, spread over the districts")
parser.add_argument("--year", type=int, default=2018)
parser.add_argument("--repeat", type=int, default=5)
ARGS = parser.parse_args()

sys.path.insert(0, str(ROOT))
os.environ.update({
    "DATABASE_URL": ARGS.database_url, "DJANGO_SETTINGS_MODULE": "bench.settings", "REFORMLEDGER_VAR_DIR": str(OUT / "var"),
    "SECRET_KEY": "bench-not-secret-" + "x" * 40, "DEBUG": "0", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
})
OUT.mkdir(parents=True, exist_ok=True)
subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", ARGS.database_url.rsplit("/", 1)[1]], capture_output=True)
subprocess.run([sys.executable, "-m", "reformledger", "migrate", "--noinput", "-v0"], check=True, env=os.environ)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from reformledger.assessment.models import Assessment, Commendation, Scheme, SchemeState  # noqa: E402
from reformledger.assessment.services import computation, schemes  # noqa: E402
from reformledger.evaluation.models import PaperSlipImport, Rating, Round, RoundKind, RoundReform  # noqa: E402
from reformledger.evaluation.services import tallies  # noqa: E402
from reformledger.org.models import Membership, Role, Unit, UnitKind, User  # noqa: E402
from reformledger.reforms.models import Reform, Tier  # noqa: E402
from reformledger.tolerance.models import CaseState, Outcome, ToleranceCase  # noqa: E402

CHANNELS = ("web", "web", "web", "api", "code", "paper")
SCHEME = """
title: {year}年度改革考评方案（基准）
year: {year}
unit_kinds: [sub_district, department, community]
noise_margin: 0.5
floor: 0
cap: 120
rules:
  - {{clause: "1", title: 基础分, kind: base, params: {{points: 60}}}}
  - clause: "2"
    title: 改革成效
    kind: reform_outcome
    params:
      tiers:
        upper: {{completed_on_time: 3, completed_late: 1, not_completed: -3, terminated: -3}}
        key: {{completed_on_time: 4, completed_late: 2, not_completed: -2, terminated: -3}}
        micro: {{completed_on_time: 1, completed_late: 0.5, not_completed: -0.5, terminated: -1}}
      co_unit_weight: 0.5
      grades: {{excellent: 2, good: 1, poor: -1}}
      expert_bands: [{{from: 90, to: 101, points: 2}}, {{from: 80, to: 90, points: 1}}]
    cap: 30
  - {{clause: "3", title: 逾期扣分, kind: lateness, params: {{per: task_month, points: -0.5}}, floor: -10}}
  - {{clause: "3.2", title: 督查令迟复, kind: lateness, params: {{per: late_report, points: -1}}}}
  - {{clause: "4", title: 无改革扣分, kind: no_reform, params: {{points: -5}}, unit_kinds: [sub_district, department]}}
  - {{clause: "5", title: 复制推广, kind: adoption, params: {{levels: {{city: 1, province: 2, nation: 3}}, include_lookback: true}}}}
  - {{clause: "6", title: 群众评价, kind: public_rating, params: {{bands: [{{from: 4, to: 5.01, points: 2}}, {{from: 3.5, to: 4, points: 1}}, {{from: 1, to: 2.5, points: -1}}]}}}}
  - {{clause: "7", title: 改革表彰, kind: commendation, params: {{kinds: {{best_key: 3, best_micro: 2}}}}}}
  - {{clause: "8", title: 改革数量排名, kind: rank_ladder, params: {{variable: reforms_led, ladder: [5, 4, 3, 2, 1]}}}}
  - {{clause: "9", title: 办结比例, kind: proportional, params: {{variable: completed, points: 5}}}}
  - {{clause: "10", title: 目标值, kind: interpolated, params: {{variable: completed_on_time, baseline: 0, challenge: 10, points: 4}}}}
  - {{clause: "11", title: 逾期次数, kind: per_instance, params: {{variable: overdue_tasks, points: -0.2}}, floor: -3}}
  - {{clause: "12", title: 综合, kind: expression, expression: "min(3, key_completed_on_time * 0.5 + mean_rating / 5) - (1 if late_reports > 2 else 0)"}}
"""


def districts() -> list[Unit]:
    found = list(Unit.objects.filter(kind=UnitKind.DISTRICT, code__regex=r"^d\d{3}$").order_by("code"))
    if len(found) < ARGS.districts:
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--districts", str(ARGS.districts)], check=True, env=os.environ)
        found = list(Unit.objects.filter(kind=UnitKind.DISTRICT, code__regex=r"^d\d{3}$").order_by("code"))
    return found[: ARGS.districts]


def office_of(top: Unit) -> User:
    user, made = User.objects.get_or_create(username=f"bench-assess-office-{top.code}", defaults={"full_name": "考评办"})
    if made:
        unit = Unit.objects.filter(district=top, kind=UnitKind.REFORM_OFFICE).first()
        Membership.objects.create(user=user, unit=unit, role=Role.OFFICE)
    return user


def spells() -> None:
    """Closed overdue spells for a sixth of the year's leaf tasks (done 5–90 days late)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM supervision_overduespell WHERE started_on >= %s AND started_on <= %s",
                       [dt.date(ARGS.year, 1, 1), dt.date(ARGS.year, 12, 31)])
        if cursor.fetchone()[0]:
            return
        started = time.perf_counter()
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO supervision_overduespell (task_id, reform_id, district_id, unit_id, due_date, started_on, ended_on, ended_by)
            SELECT t.id, t.reform_id, t.district_id, t.unit_id, t.due_date, t.due_date + 1,
                   t.due_date + 1 + (5 + floor(random() * 85))::int, 'completed'
            FROM supervision_task t JOIN reforms_reform r ON r.id = t.reform_id
            WHERE r.year = %s AND t.due_date < %s AND NOT EXISTS (SELECT 1 FROM supervision_task c WHERE c.parent_id = t.id)
              AND random() < 0.17
            """,
            [ARGS.year, dt.date(ARGS.year, 12, 1)],
        )
        print(f"  {cursor.rowcount:,} overdue spells in {time.perf_counter() - started:.1f} s", flush=True)


def rating_round(top: Unit, office: User) -> Round:
    title = f"{ARGS.year}年群众评议（考评基准）"
    found = Round.objects.filter(district=top, title=title).first()
    if found is None:
        now = timezone.now()
        found = Round.objects.create(
            district=top, kind=RoundKind.PUBLIC, year=ARGS.year, title=title, opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=30), dimensions=[{"key": "satisfaction", "label": "满意度"}, {"key": "effect", "label": "获得感"}],
            created_by=office, published_at=now, published_by=office,
        )
        reforms = list(Reform.objects.filter(district=top, year=ARGS.year, tier=Tier.KEY).order_by("pk")) + list(
            Reform.objects.filter(district=top, year=ARGS.year, tier=Tier.MICRO).order_by("pk")[:12])
        RoundReform.objects.bulk_create([RoundReform(round=found, reform=r, position=i) for i, r in enumerate(reforms)])
    return found


def fill(round_: Round, office: User, want: int) -> int:
    """COPY ratings into the round up to ``want`` (paper slips of one import)."""
    have = Rating.objects.filter(round=round_).count()
    if have >= want:
        return 0
    record, _made = PaperSlipImport.objects.get_or_create(
        round=round_, file_sha256="bench" + "0" * 59, defaults={"file_name": "bench", "created_by": office})
    reforms = list(RoundReform.objects.filter(round=round_).order_by("position").values_list("reform_id", flat=True))
    communities = list(Unit.objects.filter(district_id=round_.district_id, kind=UnitKind.COMMUNITY).values_list("pk", flat=True)[:50])
    rng = random.Random(round_.pk)
    quality = {pk: rng.uniform(2.5, 4.8) for pk in reforms}
    now = timezone.now()
    columns = ("round_id", "reform_id", "channel", "slip_id", "slip_number", "community_id", "score_1", "score_2",
               "comment", "comment_status", "address_hash", "device_hash", "created_at")
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY evaluation_rating ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(have, want):
                reform = reforms[i % len(reforms)]
                q = quality[reform]
                copy.write_row((round_.pk, reform, CHANNELS[i % 6], record.pk, str(i), communities[i % len(communities)],
                                min(5, max(1, round(rng.gauss(q, 0.9)))), min(5, max(1, round(rng.gauss(q - 0.2, 1.0)))),
                                "", "none", f"{i % 50_000:064x}", "", now - dt.timedelta(seconds=i % 2_000_000)))
    # COPY went round the services, which keep the tallies the results read: recount them.
    tallies.recount(round=round_)
    return want - have


def extras(top: Unit, office: User) -> None:
    """Two commendations and a decided tolerance case (the district's first two key reforms)."""
    if Commendation.objects.filter(district=top, year=ARGS.year).exists():
        return
    keys = list(Reform.objects.filter(district=top, year=ARGS.year, tier=Tier.KEY).order_by("pk")[:2])
    now = timezone.now()
    Commendation.objects.bulk_create([
        Commendation(district=top, year=ARGS.year, kind=kind, title="年度最佳改革", unit_id=r.lead_unit_id, reform=r, citation="成效显著",
                     awarded_by=office, awarded_on=dt.date(ARGS.year, 12, 20))
        for kind, r in zip(("best_key", "best_micro"), keys, strict=False)
    ])
    if keys:
        ToleranceCase.objects.create(district=top, reform=keys[0], unit_id=keys[0].lead_unit_id, applicant=office, year=ARGS.year,
                                     what_happened="政策调整", state=CaseState.DECIDED, outcome=Outcome.PARTLY,
                                     waiver=0.5, decided_at=now)


def scheme_of(top: Unit, office: User) -> Scheme:
    found = Scheme.objects.filter(district=top, year=ARGS.year, state=SchemeState.ADOPTED).first()
    if found is None:
        found = schemes.import_scheme_yaml(user=office, district=top, text=SCHEME.format(year=ARGS.year))
        found = schemes.adopt_scheme(user=office, scheme=found)
    return found


def prepare(tops: list[Unit]) -> dict[int, tuple[User, Scheme]]:
    started = time.perf_counter()
    spells()
    per_district = ARGS.ratings // len(tops)
    copied = 0
    prepared = {}
    for top in tops:
        office = office_of(top)
        copied += fill(rating_round(top, office), office, per_district)
        extras(top, office)
        prepared[top.pk] = (office, scheme_of(top, office))
    if copied:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Rating.objects.count()
    print(f"prepared {len(tops)} districts ({copied:,} ratings copied, {total:,} in all) in {time.perf_counter() - started:.1f} s", flush=True)
    return prepared


def clear() -> None:
    Assessment.objects.filter(year=ARGS.year).delete()
    cache.clear()


def main() -> None:
    tops = districts()
    prepared = prepare(tops)
    clear()
    units = Unit.objects.filter(district__in=tops, kind__in=("sub_district", "department", "community"), is_active=True).count()
    # every district, as `reformledger assess --year Y` does
    per: list[float] = []
    started = time.perf_counter()
    for top in tops:
        office, scheme = prepared[top.pk]
        began = time.perf_counter()
        computation.compute(user=office, scheme=scheme)
        per.append(time.perf_counter() - began)
    every = time.perf_counter() - started
    lines = Assessment.objects.filter(year=ARGS.year).values_list("line_items", flat=True).count()
    print(f"every district: {every:.1f} s for {units:,} units and {lines:,} line items "
          f"(a district: median {statistics.median(per):.3f} s, max {max(per):.3f} s)", flush=True)
    clear()
    office, scheme = prepared[tops[0].pk]
    one = []
    for _i in range(ARGS.repeat):
        began = time.perf_counter()
        computation.compute(user=office, scheme=scheme)
        one.append(time.perf_counter() - began)
    preview = []
    change = [{"clause": "3", "params": {"per": "task_month", "points": -1}}]
    computation.what_if(user=office, scheme=scheme, changes=change)  # warm, as the office's second look is
    for _i in range(ARGS.repeat):
        began = time.perf_counter()
        computation.what_if(user=office, scheme=scheme, changes=change)
        preview.append(time.perf_counter() - began)
    clear()
    result = {
        "districts": len(tops), "units": units, "reforms": Reform.objects.filter(district__in=tops).count(),
        "ratings": Rating.objects.count(), "year": ARGS.year, "line_items_all_districts": lines,
        "every_district_s": round(every, 2), "district_median_s": round(statistics.median(per), 3), "district_max_s": round(max(per), 3),
        "one_district_median_s": round(statistics.median(one), 3), "one_district_runs_s": [round(x, 3) for x in one],
        "what_if_median_s": round(statistics.median(preview), 3), "what_if_runs_s": [round(x, 3) for x in preview],
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {connection.pg_version}",
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    (OUT / "assessment.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
