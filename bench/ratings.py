"""Benchmark: rating submissions against the bare view, same server, same run (issue 10 part 10).

    make bench-ratings                                   # 2,000 residents × 500 reforms, 30 s each
    .venv/bin/python bench/ratings.py --seconds 10       # a quick look

Against the benchmark's province (``bench/generate.py``; generated first when missing), in process:
opens (once) a public round of the first district's office over up to ``--reforms`` of its public
reforms, and makes ``--residents`` verified residents of the district with API tokens. Then serves
the site with the production server (gunicorn with ``reformledger serve``'s workers and threads,
the benchmark's settings) and, with ``--clients`` concurrent clients over fresh connections:

1. requests the bare view (the framework's floor) for ``--seconds``: requests per second;
2. posts to a bare *write* view for ``--seconds`` (one row inserted and committed, nothing checked:
   the floor of any request that stores something);
3. files ratings through ``POST /api/v1/rounds/{id}/ratings`` for ``--seconds`` — every person rates
   each reform once; one request in ``--duplicate-every`` repeats one already recorded (409); each
   is sealed into its round's chain within seconds (ADR 0051), checked after the run: ratings
   recorded = 201 answers, how many were sealed while the run lasted, then (the rest sealed) the
   round's chain of seals and the audit chain verify;
4. unless ``--no-floors``, posts the same kind of ratings to the three floors of ``bench/floors.py``,
   each for ``--seconds``. Each stores what a rating stores and checks nothing a rating must check:
   two from a plain view in raw SQL (what no implementation on this server could go below), one
   through the API framework as configured here (what no rating through this API could go below).

Reports both rates and their ratio (the target: at least a third of the bare view's). The benchmark
runs from one address, so it raises the per-address limit (a flood from one address is slowed down
in production: ``EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS``); the per-person limit stands as
configured. ``--redis-url`` serves with ``REDIS_URL`` (the rate limits then count in Redis, not in
the database). Results go to bench/out/ratings.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
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
    title = "基准测试：群众评议"
    round_ = Round.objects.filter(district=district, title=title).first()
    now = timezone.now()
    if round_ is None:
        chosen = list(Reform.objects.filter(district=district, status__in=PUBLIC_STATUSES).order_by("pk")[:reforms])
        round_ = round_services.open_round(
            user=office, district=district, kind=RoundKind.PUBLIC, year=now.year, title=title,
            opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=365), reforms=chosen,
        )
    community = Unit.objects.filter(district=district, kind__in=[UnitKind.COMMUNITY, UnitKind.SUB_DISTRICT]).order_by("pk").first()
    people = []
    for i in range(residents):
        user, made = User.objects.get_or_create(username=f"bench-resident-{i}", defaults={"full_name": f"基准居民{i}"})
        if made:
            Membership.objects.create(user=user, unit=community, role=Role.RESIDENT)
            Resident.objects.create(user=user, identifier_hash=f"bench{i:059d}", community=community, verified_at=now)
        people.append({"id": user.pk, "token": create_token(user=user, name="bench-ratings")})
    reform_ids = list(round_.entries.order_by("position", "pk").values_list("reform_id", flat=True))
    return {"round": round_.pk, "reforms": reform_ids, "people": people, "dimensions": round_.dimension_keys}


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
            "unexpected": state["unexpected"], "statuses": state["statuses"], "seconds": round(elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--reforms", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duplicate-every", type=int, default=10)
    parser.add_argument("--port", type=int, default=8198)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-floors", dest="floors", action="store_false",
                        help="skip the two floors of a rating (bench/floors.py), measured after the ratings")
    parser.add_argument("--redis-url", default="", help="serve with this shared cache (REDIS_URL); default: none")
    args = parser.parse_args()
    env = {**env_for(args.database_url), "EVALUATION_RATINGS_PER_MINUTE_PER_ADDRESS": "100000000"}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    os.environ.update(env)
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--districts", "100"], env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "reformledger", "migrate", "--noinput", "-v0"], env=env, check=True)
    plan = prepare(args.residents, args.reforms)
    from reformledger.evaluation.models import Rating

    people, reforms = plan["people"], plan["reforms"]
    done = set(Rating.objects.filter(round_id=plan["round"]).values_list("rater_id", "reform_id"))
    pairs = [(p, r) for r in reforms for p in people if (p["id"], r) not in done]
    # In no order: once earlier runs have filled the round, the pairs left of one reform are a few
    # people, who in order would run into the per-person limit (429s, which flatter the rate).
    random.Random(len(pairs)).shuffle(pairs)
    recorded: list[tuple[dict, int]] = []

    def rating_requests(path: str, start: int = 0):
        """Ratings posted to ``path``, the ``n``-th taking pair ``start + n`` (or repeating one recorded)."""

        def rating_request(n: int):
            n += start
            if n % args.duplicate_every == args.duplicate_every - 1 and recorded:
                person, reform = recorded[(n // 7) % max(1, len(recorded) - 100)]  # one recorded a while ago
                expected = (409,)
            else:
                person, reform = pairs[n % len(pairs)]
                recorded.append((person, reform))
                expected = (201,)
            body = json.dumps({"reform": reform, "scores": dict.fromkeys(plan["dimensions"], 1 + n % 5)})
            headers = {"Authorization": f"Bearer {person['token']}", "Content-Type": "application/json"}
            return "POST", path.format(round=plan["round"]), body, headers, expected

        return rating_request

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
        bare = hammer(args.port, args.seconds, args.clients, bare_request)
        bare_write = hammer(args.port, args.seconds, args.clients, bare_write_request)
        ratings = hammer(args.port, args.seconds, args.clients, rating_requests("/api/v1/rounds/{round}/ratings"))
        made = Rating.objects.filter(round_id=plan["round"]).count() - before_ratings
        waiting = Rating.objects.filter(round_id=plan["round"], seal__isnull=True).count()
        floors = {}
        if args.floors:  # after the ratings, on pairs nobody has rated yet (bench/floors.py)
            used = ratings["requests"] + 100
            for name in ("two", "one", "api"):
                floors[name] = hammer(args.port, args.seconds, args.clients,
                                      rating_requests(f"/bench/floor/{name}/{{round}}/ratings", used))
                used += floors[name]["requests"] + 100
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
        "bare_write_ratio": round(bare_write["per_second"] / bare["per_second"], 3),
        "ratio_to_bare_write": round(ratings["per_second"] / bare_write["per_second"], 3),
        "ratings_recorded": made, "created_answers": ratings["statuses"].get(201, 0),
        "sealed_during_run": made - waiting, "waiting_at_end": waiting,
        "duplicates_refused": ratings["statuses"].get(409, 0), "seals_verify": sealed_ok, "audit_verify": verified.returncode == 0,
        "rate_limits": "redis" if args.redis_url else "database",
        "floors": {name: {**floor, "ratio": round(floor["per_second"] / bare["per_second"], 3)} for name, floor in floors.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ratings.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nbare write {bare_write['per_second']}/s ({result['bare_write_ratio']:.2f}× the bare view); ratings "
          f"{ratings['per_second']}/s = {result['ratio_to_bare_write']:.2f}× the bare write")
    print(f"ratings {ratings['per_second']}/s vs bare view {bare['per_second']}/s: {result['ratio']:.2f}× "
          f"(target ≥ 0.33); {made} recorded, {made - waiting} sealed while it ran, {result['duplicates_refused']} duplicates "
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
