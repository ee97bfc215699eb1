"""Benchmark: a province on PostgreSQL, served by gunicorn, measured next to a bare Django view.

    make bench                      # 100 districts, 54,000 reforms, 540,000 tasks; 300 requests per target
    .venv/bin/python bench/run.py --districts 10 --requests 50   # a quick look

Generates the province once (idempotent; ``bench/generate.py``), times ``reformledger scan-deadlines``
over all its tasks (first run of a day, second run the same day, the next day; ``--scan-backfill``
also times a first scan that must compute every level), serves it with the production server
(gunicorn, the same settings plus one bare view), logs in like a browser, then requests every target
in interleaved rounds over fresh connections and reports p50/p95 in milliseconds and each p50 as a
multiple of the bare view's p50, and the SQL queries each target makes (``bench/queries.py``).
Targets that answer neither 200 nor a redirect yet (a page still being written) are left out and
named. Results go to bench/out/results.json and are printed as Markdown tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_DB = "postgresql://postgres@127.0.0.1:5432/reformledger_bench"
REPORTS = "SELECT count(*) FROM supervision_progressreport"


def env_for(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REFORMLEDGER_VAR_DIR": str(OUT / "var"),
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": "bench-not-secret-" + "x" * 40,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }


def to_listed(plan: dict, filed: int) -> int:
    """How many of the first ``filed`` reports of ``bench/workday.py write`` went to tasks that were
    red or amber when the plan was made (its writers go round the districts, each down its list)."""
    writers = plan["writers"]
    listed = [set(who.get("listed", [])) for who in writers]
    return sum(
        writers[n % len(writers)]["tasks"][(n // len(writers)) % len(writers[n % len(writers)]["tasks"])] in listed[n % len(writers)]
        for n in range(filed)
    )


def manage(env, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "reformledger", *args], env=env, check=True, text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


class Client:
    """A tiny HTTP client: one fresh connection per request, cookies kept, like a browser tab."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
        status, _ = self.request(
            "POST", "/accounts/login/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed ({status})")


class PageWalk:
    """A path whose page number changes on every request (2, 3, 4, ...): never a cached page.

    Pages follow the "next" link of the page before, as a person paging through does (the link
    carries the keyset cursor, core.pagination); the API (JSON, no links) asks by number.
    """

    NEXT = re.compile(r'<a class="page-link" href="([^"]+)"[^>]*rel="next"')

    def __init__(self, prefix: str):
        self.prefix, self.number, self.next = prefix, 1, ""

    def __str__(self) -> str:
        self.number += 1
        return self.next or f"{self.prefix}{self.number}"

    def saw(self, body: bytes) -> None:
        found = self.NEXT.search(body.decode(errors="replace"))
        self.next = found.group(1).replace("&amp;", "&") if found else ""


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not come up")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def machine() -> dict[str, str]:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError):
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "python": platform.python_version()}


def answers(client: Client, path, headers: dict) -> bool:
    """True when the target answers 200 (pages still being written answer 501 or 404)."""
    try:
        return client.request("GET", str(path), headers=headers)[0] == 200
    except OSError:
        return False


def sql(database_url: str, query: str) -> str:
    return subprocess.run(["psql", database_url, "-Atc", query], capture_output=True, text=True, check=True).stdout.strip()


def time_scans(env: dict[str, str], *, backfill: bool) -> list[dict]:
    """``reformledger scan-deadlines`` over every task, as a separate process each time (as cron or the
    worker runs it): wall-clock of the whole command, and the scan's own seconds from its summary."""
    generate = [sys.executable, str(ROOT / "bench" / "generate.py")]
    runs: list[tuple[str, list[str], list[str]]] = []
    if backfill:
        runs.append(("first run, every level left to the scan (backfill)", ["--reset-levels", "--reset-reminders"], []))
    runs += [
        ("first run of the day (reminders made)", ["--reset-reminders"], []),
        ("second run, same day (nothing new)", [], []),
        ("next day (levels move, that day's reminders)", [], ["--today", "tomorrow"]),
    ]
    out = []
    today = None
    for name, reset, extra in runs:
        if reset:
            subprocess.run([*generate, *reset], env=env, check=True, capture_output=True)
        if extra == ["--today", "tomorrow"]:  # the day after the scans' own today (TIME_ZONE, not the machine's)
            extra = ["--today", (today + dt.timedelta(days=1)).isoformat()]
        started = time.perf_counter()
        summary = json.loads(manage(env, "scan-deadlines", *extra, capture=True))
        today = today or dt.date.fromisoformat(summary["day"])
        wall = time.perf_counter() - started
        out.append({
            "run": name, "wall_s": round(wall, 1), "scan_s": summary["seconds"], "tasks": summary.get("tasks", 0),
            "tasks_changed": summary.get("tasks_changed", 0),
            "reminders": summary.get("reminders_made", 0) + summary.get("reminders_order_escalation", 0),
        })
        print(f"scan-deadlines, {name}: {wall:.1f} s ({summary})", flush=True)
    manage(env, "scan-deadlines", capture=True)  # back to today's levels for the pages
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per target")
    parser.add_argument("--port", type=int, default=8199)
    # The production server's own defaults (``reformledger serve``: WEB_CONCURRENCY=3, WEB_THREADS=2):
    # measure what people meet, not a configuration nobody runs.
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (as `reformledger serve`)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (as `reformledger serve`)")
    parser.add_argument("--skip-scan", action="store_true", help="do not time scan-deadlines")
    parser.add_argument("--scan-backfill", action="store_true",
                        help="also time a first scan that computes every level (slow: rewrites ~500,000 rows)")
    parser.add_argument("--redis-url", default="", help="serve with this shared cache (REDIS_URL); default: the server's disk cache")
    parser.add_argument("--workday-rate", type=float, default=20, help="progress reports a second in the working day")
    parser.add_argument("--workday-districts", type=int, default=20, help="districts the writers report in")
    parser.add_argument("--phases", default="warm,cold,workday", help="which phases to measure")
    parser.add_argument("--cache-in-memory", action="store_true",
                        help="without Redis, one cache per process (CACHE_IN_MEMORY=1), not the server's disk cache")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    env = env_for(args.database_url)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    if args.cache_in_memory:
        env["CACHE_IN_MEMORY"] = "1"
    cache_kind = "redis" if args.redis_url else "per-process (locmem)" if args.cache_in_memory else "the server's disk cache"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database_url.rsplit("/", 1)[1]],
                   capture_output=True)
    manage(env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--districts", str(args.districts)],
                   env=env, check=True)
    generated_in = time.perf_counter() - started
    manage(env, "collectstatic", "--noinput", "-v0")
    token = manage(env, "create-token", "bench-office", "--name", "bench", capture=True).strip()
    province_token = manage(env, "create-token", "bench-province", "--name", "bench", capture=True).strip()
    pg_version = subprocess.run(
        ["psql", args.database_url, "-Atc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    scans = [] if args.skip_scan else time_scans(env, backfill=args.scan_backfill)
    plan = json.loads(subprocess.run(
        [sys.executable, str(ROOT / "bench" / "workday.py"), "setup", "--districts", str(args.workday_districts)],
        env=env, check=True, capture_output=True, text=True,
    ).stdout)
    plan_file = OUT / "workday-plan.json"
    plan_file.write_text(json.dumps(plan))
    # A shared cache (Redis, or the server's disk cache) outlives the server: start from an empty
    # one, as `reformledger serve` does.
    subprocess.run([sys.executable, "-m", "reformledger", "shell", "-c",
                    "from django.core.cache import cache; cache.clear()"], env=env, check=True)
    tasks = int(sql(args.database_url, "SELECT count(*) FROM supervision_task"))
    reforms = int(sql(args.database_url, "SELECT count(*) FROM reforms_reform"))
    board_rows = int(sql(args.database_url, "SELECT count(*) FROM supervision_task WHERE level IN ('red', 'amber')"))

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "reformledger.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"],
        env=env,
    )
    try:
        wait_until_up(args.port)
        office = Client(args.port)
        office.login("bench-office", "bench-office-pw")
        province = Client(args.port)
        province.login("bench-province", "bench-province-pw")
        anonymous = Client(args.port)
        unit = Client(args.port)
        unit.login(plan["unit_reader"]["username"], plan["unit_reader"]["password"])
        bearer = {"Authorization": f"Bearer {token}"}
        p_bearer = {"Authorization": f"Bearer {province_token}"}
        # Two readers: a district's reform office (bench-office: its district, one the writers
        # report in) and the province reform office (bench-province: every district, ADR 0025).
        targets = [
            ("bare Django view (floor)", anonymous, "/bench/bare", {}),
            ("catalogue page, office (its district)", office, "/office/reforms/", {}),
            (f"catalogue page, province (all {reforms:,} reforms)", province, "/office/reforms/", {}),
            ("catalogue page, office, filtered", office, "/office/reforms/?year=2016&tier=micro&status=completed", {}),
            ("catalogue page, office, text search", office, "/office/reforms/?q=%E6%94%B9%E9%9D%A9", {}),
            ("public catalogue page", anonymous, "/reforms/", {}),
            ("GET /api/v1/reforms, office", anonymous, "/api/v1/reforms?page_size=50", bearer),
            ("GET /api/v1/reforms?page_size=200, office", anonymous, "/api/v1/reforms?page_size=200", bearer),
            ("GET /api/v1/reforms, anonymous", anonymous, "/api/v1/reforms", {}),
            ("GET /api/v1/stats?year=2016, office", anonymous, "/api/v1/stats?year=2016", bearer),
            ("GET /api/v1/stats (all years), office", anonymous, "/api/v1/stats", bearer),
            (f"warning board page, office ({board_rows:,} red/amber of {tasks:,} tasks)", office,
             "/office/supervision/board/", {}),
            ("warning board page, office, filtered (amber)", office, "/office/supervision/board/?level=amber", {}),
            ("GET /api/v1/warnings, office", anonymous, "/api/v1/warnings", bearer),
            ("GET /api/v1/warnings?level=red, office", anonymous, "/api/v1/warnings?level=red", bearer),
            ("warning board page, province", province, "/office/supervision/board/", {}),
            ("workbench (cockpit), province", province, "/office/", {}),
            ("GET /api/v1/reforms, province", anonymous, "/api/v1/reforms?page_size=50", p_bearer),
            ("GET /api/v1/warnings, province", anonymous, "/api/v1/warnings", p_bearer),
        ]
        # Rendered results are cached until the next write (ADR 0011); a different page every
        # request shows the cold path (rows counted, queried and rendered). Measured in a phase of its
        # own, with its own bare-view floor, so that its heavy requests do not disturb the warm ones.
        cold_targets = [
            targets[0],
            ("catalogue page, province, a new page every request (cold)", province,
             PageWalk("/office/reforms/?page="), {}),
            ("public catalogue page, a new page every request (cold)", anonymous, PageWalk("/reforms/?page="), {}),
            ("warning board page, province, a new page every request (cold)", province,
             PageWalk("/office/supervision/board/?page="), {}),
            ("GET /api/v1/warnings, province, a new page every request (cold)", anonymous,
             PageWalk("/api/v1/warnings?page="), p_bearer),
        ]
        # While writers file progress reports across the province (bench/workday.py), readers open
        # the pages people open all day. Measured against the bare view in the same phase.
        workday_targets = [
            targets[0],
            ("catalogue page, office", office, "/office/reforms/", {}),
            ("warning board page, office", office, "/office/supervision/board/", {}),
            ("my tasks page, unit staff", unit, "/office/supervision/", {}),
            ("workbench (cockpit), office", office, "/office/", {}),
            ("GET /api/v1/reforms, office", anonymous, "/api/v1/reforms?page_size=50", bearer),
            ("GET /api/v1/warnings, office", anonymous, "/api/v1/warnings", bearer),
            ("catalogue page, province", province, "/office/reforms/", {}),
            ("warning board page, province", province, "/office/supervision/board/", {}),
            ("workbench (cockpit), province", province, "/office/", {}),
            ("GET /api/v1/reforms, province", anonymous, "/api/v1/reforms?page_size=50", p_bearer),
            ("GET /api/v1/warnings, province", anonymous, "/api/v1/warnings", p_bearer),
        ]
        missing = [name for name, client, path, headers in targets + cold_targets[1:] + workday_targets[1:]
                   if not answers(client, path, headers)]
        if missing:
            print("Left out (not answering 200 yet):\n  " + "\n  ".join(missing), flush=True)
        targets = [t for t in targets if t[0] not in missing]
        cold_targets = [t for t in cold_targets if t[0] not in missing]
        workday_targets = [t for t in workday_targets if t[0] not in missing]
        rows = []
        workday: dict = {}
        phases = [(name, t) for name, t in (("warm", targets), ("cold", cold_targets), ("workday", workday_targets))
                  if name in args.phases.split(",")]
        writer = None
        for phase, phase_targets in phases:
            if phase == "workday":
                # Long enough for every round of reads; it stops by itself, and is stopped after them.
                writer = subprocess.Popen(
                    [sys.executable, str(ROOT / "bench" / "workday.py"), "write", "--plan", str(plan_file),
                     "--port", str(args.port), "--rate", str(args.workday_rate), "--seconds", "3600"],
                    env=env, stdout=subprocess.PIPE, text=True,
                )
                time.sleep(2)
                reports_before, phase_started = int(sql(args.database_url, REPORTS)), time.monotonic()
            for _, client, path, headers in phase_targets:
                for _ in range(10):
                    status, body = client.request("GET", str(path), headers=headers)
                    if status != 200:
                        raise SystemExit(f"{path} answered {status}")
                    if isinstance(path, PageWalk):
                        path.saw(body)
            timings: dict[str, list[float]] = {name: [] for name, *_ in phase_targets}
            for _ in range(args.requests):
                for name, client, target, headers in phase_targets:
                    path = str(target)
                    t0 = time.perf_counter()
                    _status, body = client.request("GET", path, headers=headers)
                    timings[name].append((time.perf_counter() - t0) * 1000)
                    if isinstance(target, PageWalk):
                        target.saw(body)
            if writer is not None:
                writer.terminate()
                writer.wait(timeout=20)
                writer = None
                filed = int(sql(args.database_url, REPORTS)) - reports_before
                workday = {"reports_filed": filed, "seconds": round(time.monotonic() - phase_started, 1),
                           "per_second": round(filed / (time.monotonic() - phase_started), 1),
                           # Reports on tasks then red or amber move what the province's board shows
                           # (ADR 0052): the writers' order is known, so this is counted, not sampled.
                           "to_red_or_amber_tasks": to_listed(json.loads(plan_file.read_text()), filed)}
                print(f"working day: {workday}", flush=True)
            floor = statistics.median(timings[phase_targets[0][0]])
            for name, *_ in phase_targets:
                p50, p95 = statistics.median(timings[name]), percentile(timings[name], 0.95)
                rows.append({"phase": phase, "target": name, "p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
                             "ratio_p50": round(p50 / floor, 2),
                             "ratio_p95": round(p95 / floor, 2),
                             "ratio_p95_to_bare_p95": round(p95 / percentile(timings[phase_targets[0][0]], 0.95), 2)})
    finally:
        server.terminate()
        server.wait(timeout=20)
    # Queries per request, counted in process; a cold target is counted on one of its pages (page 7).
    count_paths = {
        name: ("province:" if client is province or headers is p_bearer else "office:")
        + (f"{path.prefix}7" if isinstance(path, PageWalk) else str(path))
        for name, client, path, headers in targets[1:] + cold_targets[1:]
    }
    counted = json.loads(subprocess.run(
        [sys.executable, str(ROOT / "bench" / "queries.py"), "--token", token, "--province-token", province_token,
         *count_paths.values()],
        env=env, check=True, capture_output=True, text=True,
    ).stdout)
    for row in rows:
        path = count_paths.get(row["target"])
        if path in counted:
            row["queries_first"], row["queries_cached"] = counted[path]["first"], counted[path]["second"]

    result = {
        "machine": machine(),
        "postgresql": pg_version,
        "districts": args.districts,
        "requests_per_target": args.requests,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "generate_seconds": round(generated_in, 1),
        "tasks": tasks,
        "scans": scans,
        "left_out": missing,
        "cache": cache_kind,
        "workday": workday,
        "rows": rows,
    }
    (OUT / ("results-redis.json" if args.redis_url else "results-memory.json" if args.cache_in_memory else "results.json")).write_text(
        json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\nMachine: {result['machine']}; PostgreSQL {pg_version}; {args.districts} districts;"
          f" {args.requests} requests per target; gunicorn {args.workers} workers × {args.threads} threads\n")
    print(f"Cache: {result['cache']}; working day: {workday}\n")
    print("| phase | target | p50 ms | p95 ms | p50 ÷ bare p50 | p95 ÷ bare p50 | queries (empty cache / cached) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        queries = f"{row['queries_first']} / {row['queries_cached']}" if "queries_first" in row else ""
        print(f"| {row['phase']} | {row['target']} | {row['p50_ms']} | {row['p95_ms']} | {row['ratio_p50']}× "
              f"| {row['ratio_p95']}× | {queries} |")
    if scans:
        print("\n| `scan-deadlines` over all tasks | command, s | scan, s | tasks changed | reminders made |")
        print("|---|---:|---:|---:|---:|")
        for scan in scans:
            print(f"| {scan['run']} | {scan['wall_s']} | {scan['scan_s']} | {scan['tasks_changed']:,} | {scan['reminders']:,} |")


if __name__ == "__main__":
    main()
