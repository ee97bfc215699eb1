"""The real worker (``reformledger worker``) as a separate process, killed mid-delivery.

Each reminder is delivered exactly once per channel (issue 3, part 5): a worker killed with
``kill -9`` while a group robot holds its request, then a new worker, must leave every delivery
sent once in the database; the robot sees every idempotency key, and sees twice only the key that
was in flight at the kill. Two workers at once (PostgreSQL) send each message once.

The worker process must reach the test's data, so the test commits it (``transaction=True``): on
PostgreSQL the worker uses the test database itself; SQLite's test database lives in memory, so
the test copies it to a file and works on that file too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reformledger.org.models import UnitKind
from reformledger.supervision import notify
from reformledger.supervision.delivery import deliver_pending
from reformledger.supervision.models import Channel, Delivery, ReminderKind, ScanRun
from tests.factories import UnitFactory

from .test_delivery import LOCAL_ROBOTS_ENV, RobotServer

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
Status = Delivery.DeliveryStatus
MESSAGES = 30
STALL_AT = 12


def postgres_url(s: dict) -> str:
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{s['NAME']}"


@pytest.fixture
def shared_db(transactional_db, tmp_path):
    """A ``DATABASE_URL`` another process can open, holding what this test writes."""
    if connection.vendor == "postgresql":
        yield postgres_url(connection.settings_dict)
        return
    assert connection.vendor == "sqlite"
    path = tmp_path / "shared.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])  # schema and reference rows
    memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None  # keep the in-memory database alive; connect to the file
    connection.settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def start_worker(database_url: str, log: Path, **extra_env: str) -> subprocess.Popen:
    """``reformledger worker`` on ``database_url``; the stored files are this test process's."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "WEBHOOK_TIMEOUT": "30",
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **LOCAL_ROBOTS_ENV,
        **extra_env,
    }
    command = [sys.executable, "-m", "reformledger", "worker", "--no-startup-delay", "--no-reload", "--interval", "0.1"]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # graceful: the worker finishes its task, then exits
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_until(check: Callable[[], bool], *, seconds: float, what: str, log: Path) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting until {what}. Worker log:\n{log.read_text(errors='replace')[-3000:]}")


def make_deliveries(url: str, count: int) -> list[Delivery]:
    """``count`` reminders to a unit whose only channel is its group robot; committing them queues
    the worker's delivery run, as in the application."""
    district = UnitFactory(code="w-lh", name="罗湖区", kind=UnitKind.DISTRICT)
    unit = UnitFactory(code="w-data", name="区政务服务数据管理局", kind=UnitKind.DEPARTMENT, parent=district, webhook_url=url)
    messages = [
        notify.Message(
            key=f"test:worker:{i:03d}", kind=ReminderKind.URGE, district_id=district.pk,
            subject=f"催办第{i}号", text="请于今日报送进展", unit_id=unit.pk,
        )
        for i in range(count)
    ]
    with transaction.atomic():
        assert notify.send(messages) == count
    # Today's deadline scan is already claimed: the worker's schedule has nothing to add here.
    ScanRun.objects.get_or_create(day=timezone.localdate())
    rows = list(Delivery.objects.filter(channel=Channel.WEBHOOK).select_related("reminder"))
    assert len(rows) == count and not Delivery.objects.exclude(channel=Channel.WEBHOOK).exists()
    return rows


def wait_for_unlock(pk: int) -> None:
    end = time.monotonic() + 30
    while True:
        try:
            with transaction.atomic():
                list(Delivery.objects.select_for_update(nowait=True).filter(pk=pk))
            return
        except OperationalError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


def pending() -> int:
    return Delivery.objects.filter(status=Status.PENDING).count()


def test_a_worker_killed_mid_delivery_neither_loses_nor_repeats(shared_db, tmp_path):
    log = tmp_path / "worker.log"
    with RobotServer(stall_at=STALL_AT) as robot:
        rows = make_deliveries(robot.url, MESSAGES)
        assert DBTaskResult.objects.filter(task_path=deliver_pending.module_path).count() == 1

        first = start_worker(shared_db, log)
        try:
            if not robot.stalled.wait(60):
                pytest.fail(f"The worker never reached request {STALL_AT}. Log:\n{log.read_text(errors='replace')}")
        finally:
            first.kill()  # SIGKILL while the robot holds request STALL_AT: no answer, no commit
            first.wait()
        in_flight = robot.keys[STALL_AT - 1]
        held = next(d for d in rows if d.idempotency_key == in_flight)
        wait_for_unlock(held.pk)  # the dead worker's connection is gone (PostgreSQL notices at once)
        # Nothing after the kill: the sent ones are recorded, the one in flight is not.
        assert Delivery.objects.filter(status=Status.SENT).count() == STALL_AT - 1
        assert pending() == MESSAGES - STALL_AT + 1
        assert set(Delivery.objects.filter(status=Status.PENDING).values_list("attempts", flat=True)) == {0}
        robot.release.set()

        second = start_worker(shared_db, log)
        try:
            wait_until(lambda: pending() == 0, seconds=60, what="every delivery is sent", log=log)
        finally:
            stop(second)

    rows = list(Delivery.objects.filter(channel=Channel.WEBHOOK).select_related("reminder"))
    assert {(d.status, d.attempts) for d in rows} == {(Status.SENT, 1)}
    assert all(d.sent_at is not None for d in rows)
    received = Counter(robot.keys)
    assert set(received) == {d.idempotency_key for d in rows}  # nothing lost
    repeated = {key: n for key, n in received.items() if n > 1}
    assert repeated == {in_flight: 2}  # only the message in flight at the kill, with the same key
    assert sum(received.values()) == MESSAGES + 1


def test_two_workers_at_once_send_each_message_once(shared_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time and a worker holds the write lock while it sends, "
            "so two workers take turns rather than run at once: there is nothing concurrent to test."
        )
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    with RobotServer() as robot:
        robot.gate.clear()  # hold every request until both workers are sending
        rows = make_deliveries(robot.url, MESSAGES)
        deliver_pending.enqueue()  # a run for each worker
        workers = [start_worker(shared_db, log) for log in logs]
        try:
            # A worker sends one message at a time: two requests held at once come from two workers.
            wait_until(lambda: len(robot.keys) >= 2, seconds=60, what="both workers are sending", log=logs[1])
            held = robot.keys[:2]
            assert held[0] != held[1]
            robot.gate.set()
            wait_until(lambda: pending() == 0, seconds=60, what="every delivery is sent", log=logs[0])
        finally:
            for worker in workers:
                stop(worker)

    rows = list(Delivery.objects.filter(channel=Channel.WEBHOOK).select_related("reminder"))
    assert {(d.status, d.attempts) for d in rows} == {(Status.SENT, 1)}
    assert Counter(robot.keys) == Counter({d.idempotency_key: 1 for d in rows})
