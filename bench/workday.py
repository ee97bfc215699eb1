"""The "working day": people across the province file progress reports while others read.

    python bench/workday.py setup --districts 20          # prints JSON: writers' tokens and tasks, the readers
    python bench/workday.py write --plan plan.json --port 8199 --rate 20 --seconds 60

``setup`` (in process, against the benchmark database) picks, in each of ``--districts`` districts
spread over the province, up to 200 open leaf tasks of reforms under way that have not reported yet
today, of up to 100 units (green, amber and red as the district has them) and makes a writer
(``bench-writer-<district>``) staff of those units, with an API token; it also makes ``bench-unit``,
staff of one of those units, whose My tasks page the readers open. ``write`` files reports through
the API (``POST /api/v1/tasks/{id}/reports``) at ``--rate`` a second, round-robin over the
districts, each district's tasks in a shuffled order (a report on a red or amber task moves what the
province's board shows: ADR 0052), for ``--seconds``, over fresh connections, and prints how many
it sent, how many were refused, and how many went to tasks then red or amber. Each run's reports
carry its own mark, so a run started right after another is not refused as a repeat.
It stops by itself; it sends only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(districts: int, tasks_per_district: int = 200, units_per_district: int = 100) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import random

    import django

    django.setup()
    from django.db.models import Q
    from django.utils import timezone

    from reformledger.core.tokens import create_token
    from reformledger.org.models import Membership, Role, Unit, UnitKind, User
    from reformledger.reforms.models import Status
    from reformledger.supervision.models import Task, TaskStatus

    today = timezone.localdate()
    all_districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk").values_list("pk", flat=True))
    step = max(1, len(all_districts) // max(1, districts))
    chosen = all_districts[::step][:districts]
    writers = []
    for district_id in chosen:
        # Tasks not reported yet today, as most are on a working day: a report is then its task's
        # first of the day, and moves what the province's board shows when the task is red or amber.
        leaves = (
            Task.objects.filter(district_id=district_id, reform__status=Status.IN_PROGRESS, children__isnull=True)
            .exclude(status=TaskStatus.DONE)
            .filter(Q(last_report_on__isnull=True) | Q(last_report_on__lt=today))
            .order_by("unit_id", "pk")
        )
        units = list(leaves.values_list("unit_id", flat=True).distinct().order_by("unit_id")[:units_per_district])
        if not units:
            continue
        rows = list(leaves.filter(unit_id__in=units).values_list("pk", "level")[:tasks_per_district])
        random.Random(district_id).shuffle(rows)  # the same order every run: comparable runs
        user, _created = User.objects.get_or_create(
            username=f"bench-writer-{district_id}", defaults={"full_name": f"基准测试填报员{district_id}"}
        )
        for unit_id in units:
            Membership.objects.get_or_create(user=user, unit_id=unit_id, role=Role.UNIT_STAFF)
        writers.append({
            "district": district_id, "token": create_token(user=user, name="workday"),
            "tasks": [pk for pk, _level in rows], "listed": [pk for pk, level in rows if level != "green"],
        })
    reader, created = User.objects.get_or_create(username="bench-unit", defaults={"full_name": "基准测试单位"})
    if created:
        reader.set_password("bench-unit-pw")
        reader.save()
        Membership.objects.create(user=reader, unit_id=Task.objects.get(pk=writers[0]["tasks"][0]).unit_id,
                                  role=Role.UNIT_STAFF)
    return {"writers": writers, "unit_reader": {"username": "bench-unit", "password": "bench-unit-pw"}}


def write(plan: dict, *, port: int, rate: float, seconds: float, threads: int = 4) -> dict:
    writers = plan["writers"]
    interval = 1.0 / rate
    started = time.monotonic()
    stop_at = started + seconds
    lock = threading.Lock()
    state = {"next": started, "n": 0, "sent": 0, "refused": 0, "errors": 0, "listed": 0, "ms": []}
    mark = time.strftime("%H:%M:%S")  # this run's reports differ from the last run's
    listed = {task for who in writers for task in who.get("listed", [])}

    def worker() -> None:
        while True:
            with lock:
                slot, n = state["next"], state["n"]
                state["next"] += interval
                state["n"] += 1
            if slot >= stop_at:
                return
            delay = slot - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            who = writers[n % len(writers)]
            task = who["tasks"][(n // len(writers)) % len(who["tasks"])]
            body = json.dumps({"percent": 1 + n % 99, "text": f"{mark} 第{n}次进展：按计划推进。"})
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", f"/api/v1/tasks/{task}/reports", body=body, headers={
                    "Authorization": f"Bearer {who['token']}", "Content-Type": "application/json"})
                status = conn.getresponse().status
                conn.close()
            except OSError:
                status = 0
            with lock:
                state["ms"].append((time.perf_counter() - t0) * 1000)
                if status == 201:
                    state["sent"] += 1
                    state["listed"] += task in listed
                elif status == 0:
                    state["errors"] += 1
                else:
                    state["refused"] += 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    ms = sorted(state["ms"]) or [0.0]
    return {
        "sent": state["sent"], "refused": state["refused"], "errors": state["errors"], "to_red_or_amber": state["listed"],
        "per_second": round(state["sent"] / elapsed, 1), "p50_ms": round(ms[len(ms) // 2], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_setup = sub.add_parser("setup")
    p_setup.add_argument("--districts", type=int, default=20)
    p_write = sub.add_parser("write")
    p_write.add_argument("--plan", required=True)
    p_write.add_argument("--port", type=int, required=True)
    p_write.add_argument("--rate", type=float, default=20)
    p_write.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if args.command == "setup":
        print(json.dumps(setup(args.districts)))
    else:
        plan = json.loads(Path(args.plan).read_text())
        print(json.dumps(write(plan, port=args.port, rate=args.rate, seconds=args.seconds)))


if __name__ == "__main__":
    main()
