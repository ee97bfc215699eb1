"""Benchmark: rating submissions against the bare view, same server, same run (issue 10 part 10).

    make bench-ratings                                   # 2,000 residents × 500 reforms, 30 s a phase
    .venv/bin/python bench/ratings.py --seconds 10       # a quick look

Against the benchmark's province (``bench/generate.py``; generated first when missing), in process:
opens (once) a public round of the first district's office over up to ``--reforms`` of its public
reforms, a second like it for the floors' ratings, and makes ``--residents`` verified residents of
the district with API tokens. Then serves the site with the production server (gunicorn with
``reformledger serve``'s workers and threads, the benchmark's settings) and, with ``--clients``
concurrent clients over fresh connections, measures these phases for ``--seconds`` each:

1. the bare view (the framework's floor): requests per second;
2. a bare *write* view (one row inserted and committed, nothing checked: the floor of any request
   that stores something);
3. ratings through ``POST /api/v1/rounds/{id}/ratings`` — every person rates each reform once; one
   request in ``--duplicate-every`` repeats one already recorded (409); each is sealed into its
   round's chain within seconds (ADR 0051), checked after the run: ratings recorded = 201 answers,
   how many were sealed while the run lasted, then (the rest sealed) the round's chain of seals and
   the audit chain verify;
4. unless ``--no-floors``, the same kind of ratings to the three floors of ``bench/floors.py``, in
   the second round. Each stores what a rating stores and checks nothing a rating must check: two
   from a plain view in raw SQL (what no implementation on this server could go below), one through
   the API framework as configured here (what no rating through this API could go below).

The phases take turns in ``--slices`` slices (bare, write, ratings, floors, bare, …), so that a
shared host's slow changes of speed fall on every phase alike rather than on whichever ran then.

Reports the rates and their ratios (the target: ratings at least a third of the bare view's). The
residents arrive as they do behind the site's proxy: each from their own address
(``X-Forwarded-For`` from a trusted proxy), every limit as configured. ``--one-address`` sends
everything from the benchmark's own address instead, with the per-address limit raised (a flood from
one address is slowed down in production: ``EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS``): every
rating then counts against one row. ``--redis-url`` serves with ``REDIS_URL`` (the rate limits then
count in Redis, not in the database). Results go to bench/out/ratings.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_DB, env_for, machine, wait_until_up  # noqa: E402


def prepare(residents: int, reforms: int) -> dict:
    """In process: the round, the residents and their tokens (idempotent but for fresh tokens)."""
    import django

    django.setup()
    from django.utils import timezone

    from reformledger.core.tokens import create_token
    from reformledger.evaluation.models import Resident, Round, RoundKind
    from reformledger.evaluation.services import rounds as round_services
    from reformledger.org.models import Membership, Role, Unit, UnitKind, User
    from reformledger.reforms.models import PUBLIC_STATUSES, Reform

    office = User.objects.get(username="bench-office")
    district = Unit.objects.get(pk=office.memberships.get(role=Role.OFFICE).unit.district_id)
    now = timezone.now()
    rounds = []
    # The second round takes the floors' ratings (bench/floors.py), so that each round's ratings are
    # one path's: the real endpoint's counted against its 201 answers, sealed and verified.
    for title in ("基准测试：群众评议", "基准测试：评价的下限（不作检查）"):
        round_ = Round.objects.filter(district=district, title=title).first()
        if round_ is None:
            chosen = list(Reform.objects.filter(district=district, status__in=PUBLIC_STATUSES).order_by("pk")[:reforms])
            round_ = round_services.open_round(
                user=office, district=district, kind=RoundKind.PUBLIC, year=now.year, title=title,
                opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=365), reforms=chosen,
            )
        rounds.append(round_)
    community = Unit.objects.filter(district=district, kind__in=[UnitKind.COMMUNITY, UnitKind.SUB_DISTRICT]).order_by("pk").first()
    people = []
    for i in range(residents):
        user, made = User.objects.get_or_create(username=f"bench-resident-{i}", defaults={"full_name": f"基准居民{i}"})
        if made:
            Membership.objects.create(user=user, unit=community, role=Role.RESIDENT)
            Resident.objects.create(user=user, identifier_hash=f"bench{i:059d}", community=community, verified_at=now)
        address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"  # as the proxy forwards it
        people.append({"id": user.pk, "token": create_token(user=user, name="bench-ratings"), "address": address})
    real, floor = rounds
    reform_ids = list(real.entries.order_by("position", "pk").values_list("reform_id", flat=True))
    return {"round": real.pk, "floor_round": floor.pk, "reforms": reform_ids, "people": people, "dimensions": real.dimension_keys}


def hammer(port: int, seconds: float, clients: int, make_request) -> dict:
    """``clients`` threads, each sending ``make_request(n)`` → (method, path, body, headers, expected)."""
    lock = threading.Lock()
    state = {"n": 0, "ok": 0, "unexpected": 0, "statuses": {}}
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < stop_at:
            with lock:
                n = state["n"]
                state["n"] += 1
            method, path, body, headers, expected = make_request(n)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            with lock:
                state["statuses"][response.status] = state["statuses"].get(response.status, 0) + 1
                state["ok" if response.status in expected else "unexpected"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"requests": state["ok"] + state["unexpected"], "per_second": round((state["ok"] + state["unexpected"]) / elapsed, 1),
            "unexpected": state["unexpected"], "statuses": state["statuses"], "elapsed": elapsed}


def combined(slices: list[dict]) -> dict:
    """One phase's slices as one: requests over the time they took, and each slice's rate."""
    statuses: dict[int, int] = {}
    for part in slices:
        for status, n in part["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    requests, elapsed = sum(p["requests"] for p in slices), sum(p["elapsed"] for p in slices)
    return {"requests": requests, "per_second": round(requests / elapsed, 1), "unexpected": sum(p["unexpected"] for p in slices),
            "statuses": statuses, "seconds": round(elapsed, 1), "slices": [p["per_second"] for p in slices]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--reforms", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30, help="each phase's time in all")
    parser.add_argument("--slices", type=int, default=5,
                        help="each phase runs in this many slices, the phases taking turns, so that the machine's "
                             "slow changes (a neighbour's load on a shared host) fall on every phase alike")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duplicate-every", type=int, default=10)
    parser.add_argument("--port", type=int, default=8198)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-floors", dest="floors", action="store_false",
                        help="skip the three floors of a rating (bench/floors.py), which take their turns after the ratings")
    parser.add_argument("--redis-url", default="", help="serve with this shared cache (REDIS_URL); default: none")
    parser.add_argument("--one-address", dest="addresses", action="store_false",
                        help="every rating from the benchmark's own address (the per-address limit raised), not "
                             "each person's from their own through a trusted proxy")
    args = parser.parse_args()
    env = env_for(args.database_url)
    if args.addresses:  # as behind the site's proxy: each person from their own address, the limits as configured
        env["TRUSTED_PROXIES"] = "127.0.0.1"
    else:
        env["EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS"] = "100000000"
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    os.environ.update(env)
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--districts", "100"], env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "reformledger", "migrate", "--noinput", "-v0"], env=env, check=True)
    plan = prepare(args.residents, args.reforms)
    from reformledger.evaluation.models import Rating

    people, reforms = plan["people"], plan["reforms"]

    def rating_requests(round_id: int):
        """Makes, for a path of ``round_id``, ratings each taking the next pair nobody has rated in
        that round (one in ``--duplicate-every`` repeating one recorded: 409)."""
        done = set(Rating.objects.filter(round_id=round_id).values_list("rater_id", "reform_id"))
        pairs = [(p, r) for r in reforms for p in people if (p["id"], r) not in done]
        # In no order: once earlier runs have filled the round, the pairs left of one reform are a few
        # people, who in order would run into the per-person limit (429s, which flatter the rate).
        random.Random(len(pairs)).shuffle(pairs)
        recorded: list[tuple[dict, int]] = []
        taken = itertools.count()  # every request to the round takes the next pair (atomic under the GIL)

        def for_path(path: str):
            def rating_request(_n: int):
                n = next(taken)
                # Repeat one recorded a while ago: one just sent may still be on its way (and win).
                if n % args.duplicate_every == args.duplicate_every - 1 and len(recorded) > 200:
                    person, reform = recorded[(n // 7) % (len(recorded) - 100)]
                    expected = (409,)
                else:
                    person, reform = pairs[n % len(pairs)]
                    recorded.append((person, reform))
                    expected = (201,)
                body = json.dumps({"reform": reform, "scores": dict.fromkeys(plan["dimensions"], 1 + n % 5)})
                headers = {"Authorization": f"Bearer {person['token']}", "Content-Type": "application/json"}
                if args.addresses:
                    headers["X-Forwarded-For"] = person["address"]
                return "POST", path.format(round=round_id), body, headers, expected

            return rating_request

        return for_path

    def bare_request(_n: int):
        return "GET", "/bench/bare", None, {}, (200,)

    def bare_write_request(n: int):
        return "POST", "/bench/bare-write", json.dumps({"n": n}), {"Content-Type": "application/json"}, (201,)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare_write (id bigserial PRIMARY KEY, body text NOT NULL,"
                       " created_at timestamptz NOT NULL DEFAULT now())")

    subprocess.run([sys.executable, "-m", "reformledger", "evaluation-seal", "--round", str(plan["round"])], env=env, check=True,
                   capture_output=True)
    before_ratings = Rating.objects.filter(round_id=plan["round"]).count()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "reformledger.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"], env=env,
    )
    try:
        wait_until_up(args.port)
        hammer(args.port, 2, args.clients, bare_request)  # warm every worker
        phases = {"bare": bare_request, "bare_write": bare_write_request,
                  "ratings": rating_requests(plan["round"])("/api/v1/rounds/{round}/ratings")}
        if args.floors:  # in a round of their own (bench/floors.py)
            floor_ratings = rating_requests(plan["floor_round"])
            phases |= {f"floor_{name}": floor_ratings(f"/bench/floor/{name}/{{round}}/ratings") for name in ("two", "one", "api")}
        slices: dict[str, list[dict]] = {name: [] for name in phases}
        for _ in range(args.slices):
            for name, make_request in phases.items():
                slices[name].append(hammer(args.port, args.seconds / args.slices, args.clients, make_request))
        bare, bare_write, ratings = (combined(slices[name]) for name in ("bare", "bare_write", "ratings"))
        floors = {name.removeprefix("floor_"): combined(parts) for name, parts in slices.items() if name.startswith("floor_")}
        made = Rating.objects.filter(round_id=plan["round"]).count() - before_ratings
        waiting = Rating.objects.filter(round_id=plan["round"], seal__isnull=True).count()
    finally:
        server.terminate()
        server.wait(timeout=20)
    seal = [sys.executable, "-m", "reformledger", "evaluation-seal", "--round", str(plan["round"])]
    subprocess.run(seal, env=env, check=True, capture_output=True)
    sealed_ok = subprocess.run([*seal, "--verify"], env=env, capture_output=True, text=True).returncode == 0
    verified = subprocess.run([sys.executable, "-m", "reformledger", "audit-verify"], env=env, capture_output=True, text=True)
    result = {
        "machine": machine(), "clients": args.clients, "gunicorn": f"{args.workers} workers × {args.threads} threads",
        "bare": bare, "bare_write": bare_write, "ratings": ratings, "ratio": round(ratings["per_second"] / bare["per_second"], 3),
        "ratio_by_slice": [round(r / b, 3) for r, b in zip(ratings["slices"], bare["slices"], strict=True)],
        "bare_write_ratio": round(bare_write["per_second"] / bare["per_second"], 3),
        "ratio_to_bare_write": round(ratings["per_second"] / bare_write["per_second"], 3),
        "ratings_recorded": made, "created_answers": ratings["statuses"].get(201, 0),
        "sealed_during_run": made - waiting, "waiting_at_end": waiting,
        "duplicates_refused": ratings["statuses"].get(409, 0), "seals_verify": sealed_ok, "audit_verify": verified.returncode == 0,
        "rate_limits": "redis" if args.redis_url else "database",
        "addresses": "each person's own, through a trusted proxy" if args.addresses else "one (its limit raised)",
        "floors": {name: {**floor, "ratio": round(floor["per_second"] / bare["per_second"], 3)} for name, floor in floors.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ratings.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nbare write {bare_write['per_second']}/s ({result['bare_write_ratio']:.2f}× the bare view); ratings "
          f"{ratings['per_second']}/s = {result['ratio_to_bare_write']:.2f}× the bare write")
    print(f"ratings {ratings['per_second']}/s vs bare view {bare['per_second']}/s: {result['ratio']:.2f}× "
          f"(target ≥ 0.33; slice by slice {min(result['ratio_by_slice']):.2f}–{max(result['ratio_by_slice']):.2f}×); {made} recorded, {made - waiting} sealed while it ran, {result['duplicates_refused']} duplicates "
          f"refused; seals {'verify' if sealed_ok else 'DO NOT VERIFY'}, audit chain "
          f"{'verifies' if result['audit_verify'] else 'DOES NOT VERIFY'}")
    unexpected = {name: part["statuses"] for name, part in (("ratings", ratings), *floors.items()) if part["unexpected"]}
    if unexpected:  # a 429 costs less than a rating: a run with any does not measure ratings
        print(f"UNEXPECTED ANSWERS (raise --residents when they are 429s): {unexpected}")
    described = {"two": "the token, then one statement, nothing checked", "one": "one statement, nothing checked",
                 "api": "the API framework and its token check, then one statement, nothing else checked"}
    for name, floor in result["floors"].items():
        print(f"floor ({described[name]}): {floor['per_second']}/s = {floor['ratio']:.2f}× the bare view")


if __name__ == "__main__":
    main()
