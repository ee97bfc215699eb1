"""Benchmark of the evaluation's results and paper slips (issue 10 part 10), on PostgreSQL.

    make bench-evaluation                                  # 500 reforms, 500,000 ratings, 10,000 slips
    .venv/bin/python bench/evaluation.py --rounds 10       # 5,000,000 ratings across the province
    .venv/bin/python bench/evaluation.py --ratings 50000   # a quick look

Makes (idempotently) a district with ten sub-districts and fifty communities, 500 reforms, and
``--rounds`` public rounds of those reforms (each in its own district of the province when more than
one) with ``--ratings`` ratings each, written with COPY. Then times, for the first round:

* the results computed in the database (``selectors.results.compute_results``: the grouped
  aggregate, participation, the reforms), cold (the cache cleared, PostgreSQL's buffers warm after
  a first run) — the median of ``--repeat`` runs;
* ``GET /api/v1/rounds/{id}/results`` in process as the district's office, cold and warm (cached);
* the import of ``--slips`` paper slips (one row per slip, each slip rating one reform) through
  ``services.slips.import_slips``, in a fresh round (the file read, checked and stored).

The ratings are all written as paper slips of one import (a rating must name its rater; the
results read the score columns only); their channel and community vary as in life. Prints the
figures and writes bench/out/evaluation.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/reformledger_bench_eval"

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--database-url", default=os.environ.get("BENCH_EVAL_DATABASE_URL", DEFAULT_DB))
parser.add_argument("--reforms", type=int, default=500)
parser.add_argument("--ratings", type=int, default=500_000, help="ratings per round")
parser.add_argument("--rounds", type=int, default=1, help="rounds (10: 5,000,000 ratings across the province)")
parser.add_argument("--slips", type=int, default=10_000)
parser.add_argument("--repeat", type=int, default=7)
ARGS = parser.parse_args()

sys.path.insert(0, str(ROOT))
os.environ.update({
    "DATABASE_URL": ARGS.database_url, "DJANGO_SETTINGS_MODULE": "bench.settings", "REFORMLEDGER_VAR_DIR": str(OUT / "var"),
    "SECRET_KEY": "bench-not-secret-" + "x" * 40, "DEBUG": "0", "LOG_LEVEL": "WARNING",
})
OUT.mkdir(parents=True, exist_ok=True)
subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", ARGS.database_url.rsplit("/", 1)[1]], capture_output=True)
subprocess.run([sys.executable, "-m", "reformledger", "migrate", "--noinput", "-v0"], check=True, env=os.environ)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from reformledger.core.tokens import create_token  # noqa: E402
from reformledger.evaluation.models import PaperSlipImport, Rating, Round, RoundKind, RoundReform  # noqa: E402
from reformledger.evaluation.selectors.results import compute_results, ratings_version  # noqa: E402
from reformledger.evaluation.services import tallies  # noqa: E402
from reformledger.evaluation.services.slips import import_slips  # noqa: E402
from reformledger.org.models import Domain, Membership, Role, Unit, UnitKind, User  # noqa: E402
from reformledger.reforms.models import Reform, Status, Tier  # noqa: E402

CHANNELS = ("web", "web", "web", "api", "code", "paper")


def district(n: int) -> tuple[Unit, list[Unit]]:
    code = f"bx{n:03d}"
    top, _made = Unit.objects.get_or_create(code=code, defaults={"name": f"评估区{n}", "kind": UnitKind.DISTRICT})
    communities = list(Unit.objects.filter(district=top, kind=UnitKind.COMMUNITY).order_by("pk"))
    if not communities:
        for s in range(10):
            sub = Unit.objects.create(code=f"{code}-s{s}", name=f"评估街道{n}-{s}", kind=UnitKind.SUB_DISTRICT, parent=top)
            communities += [
                Unit.objects.create(code=f"{code}-s{s}-c{c}", name=f"评估社区{n}-{s}-{c}", kind=UnitKind.COMMUNITY, parent=sub)
                for c in range(5)
            ]
    return top, communities


def office_of(top: Unit) -> User:
    user, made = User.objects.get_or_create(username=f"bench-eval-office-{top.code}", defaults={"full_name": "评估办"})
    if made:
        unit = Unit.objects.create(code=f"{top.code}-office", name="区委改革办", kind=UnitKind.REFORM_OFFICE, parent=top)
        Membership.objects.create(user=user, unit=unit, role=Role.OFFICE)
    return user


def reforms_of(top: Unit, lead: Unit) -> list[Reform]:
    found = list(Reform.objects.filter(district=top, code__startswith=f"{top.code}-R").order_by("code"))
    if len(found) >= ARGS.reforms:
        return found[: ARGS.reforms]
    domain = Domain.objects.order_by("pk").first()
    Reform.objects.bulk_create([
        Reform(code=f"{top.code}-R{i:04d}", title=f"评估改革{i}", tier=Tier.MICRO, year=2018, district=top, domain=domain,
               lead_unit=lead, status=Status.IN_PROGRESS, progress=50, start_date=dt.date(2018, 1, 1), due_date=dt.date(2018, 12, 31))
        for i in range(len(found), ARGS.reforms)
    ])
    return reforms_of(top, lead)


def make_round(top: Unit, office: User, reforms: list[Reform], title: str) -> Round:
    now = timezone.now()
    found = Round.objects.filter(district=top, title=title).first()
    if found is None:
        found = Round.objects.create(
            district=top, kind=RoundKind.PUBLIC, year=2018, title=title, opens_at=now - dt.timedelta(days=30),
            closes_at=now + dt.timedelta(days=30), dimensions=[{"key": "satisfaction", "label": "满意度"}, {"key": "effect", "label": "获得感"}],
            created_by=office,
        )
        RoundReform.objects.bulk_create([RoundReform(round=found, reform=r, position=i) for i, r in enumerate(reforms)])
    return found


def fill(round_: Round, office: User, reforms: list[Reform], communities: list[Unit]) -> None:
    """COPY ratings into the round up to ``--ratings`` (paper slips of one import)."""
    have = Rating.objects.filter(round=round_).count()
    if have >= ARGS.ratings:
        if tallies.disagreements(round=round_):  # made before the tallies were kept
            tallies.recount(round=round_)
        return
    record, _made = PaperSlipImport.objects.get_or_create(
        round=round_, file_sha256="bench" + "0" * 59, defaults={"file_name": "bench", "created_by": office},
    )
    rng = random.Random(round_.pk)
    quality = {r.pk: rng.uniform(2.5, 4.8) for r in reforms}
    now = timezone.now()
    columns = ("round_id", "reform_id", "channel", "slip_id", "slip_number", "community_id", "score_1", "score_2",
               "comment", "comment_status", "address_hash", "device_hash", "created_at")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY evaluation_rating ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(have, ARGS.ratings):
                reform = reforms[i % len(reforms)]
                q = quality[reform.pk]
                s1 = min(5, max(1, round(rng.gauss(q, 0.9))))
                s2 = min(5, max(1, round(rng.gauss(q - 0.2, 1.0))))
                copy.write_row((round_.pk, reform.pk, CHANNELS[i % 6], record.pk, str(i), communities[i % len(communities)].pk,
                                s1, s2, "", "none", f"{i % 50_000:064x}", "", now - dt.timedelta(seconds=i % 2_000_000)))
    tallies.recount(round=round_)  # COPY went round the services, which keep the tallies the results read
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE evaluation_rating")  # as autovacuum would: the index-only scan needs the visibility map
    print(f"  {ARGS.ratings - have:,} ratings copied into round {round_.pk} in {time.perf_counter() - started:.1f} s", flush=True)


def timed(call, repeat: int) -> list[float]:
    out = []
    for _i in range(repeat):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def slips_file(reforms: list[Reform], communities: list[Unit], rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("评议票")
    sheet.append(["票号", "改革编号", "社区", "满意度", "获得感", "意见建议"])
    for i in range(rows):
        sheet.append([f"{i:06d}", reforms[i % len(reforms)].code, communities[i % len(communities)].name, 1 + i % 5, 1 + (i * 3) % 5,
                      "很好" if i % 10 == 0 else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    figures: dict[str, object] = {"ratings_per_round": ARGS.ratings, "reforms": ARGS.reforms, "rounds": ARGS.rounds}
    first_round = office = None
    for n in range(ARGS.rounds):
        top, communities = district(n)
        user = office_of(top)
        reforms = reforms_of(top, communities[0])
        round_ = make_round(top, user, reforms, "评估基准轮次")
        fill(round_, user, reforms, communities)
        if first_round is None:
            first_round, office, first = round_, user, (reforms, communities)
    assert first_round is not None and office is not None
    figures["ratings_in_database"] = Rating.objects.count()
    compute_results(first_round)  # PostgreSQL's buffers warm, as on a server in use
    cold = timed(lambda: compute_results(first_round), ARGS.repeat)
    version = timed(lambda: ratings_version(first_round), ARGS.repeat)
    client = Client()
    headers = {"authorization": f"Bearer {create_token(user=office)}"}
    path = f"/api/v1/rounds/{first_round.pk}/results"

    def api_cold() -> None:
        cache.clear()
        assert client.get(path, headers=headers).status_code == 200

    api_cold()
    api_cold_ms = timed(api_cold, ARGS.repeat)
    api_warm_ms = timed(lambda: client.get(path, headers=headers), ARGS.repeat)
    figures.update({
        "compute_results_ms": statistics.median(cold), "ratings_version_ms": statistics.median(version),
        "api_cold_ms": statistics.median(api_cold_ms), "api_warm_ms": statistics.median(api_warm_ms),
    })
    reforms, communities = first
    data = slips_file(reforms, communities, ARGS.slips)
    slip_round = make_round(first_round.district, office, reforms, f"纸质票基准 {timezone.now():%Y%m%d%H%M%S}")
    started = time.perf_counter()
    record = import_slips(user=office, round=slip_round, file_name="bench.xlsx", data=data)
    figures["slips"] = record.rows
    figures["slips_import_s"] = time.perf_counter() - started
    figures["slips_file_mb"] = len(data) / 1024 / 1024
    (OUT / "evaluation.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
