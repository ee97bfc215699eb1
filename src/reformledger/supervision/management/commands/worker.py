"""``reformledger worker``: the background worker (django-tasks' database worker) plus the daily
schedule: at ``SCAN_AT`` local time it queues the day's ``scan-deadlines`` once, however many
workers run (the day's :class:`~reformledger.supervision.models.ScanRun` row is the claim).

Each queue runs in a thread of its own (ADR 0031): reminders and the scan on ``default``, ledger
imports on ``imports``, so that neither waits for the other. ``--queue-name imports`` (or
``default``) runs one of them, say on another machine. When it starts, and on every tick of its
schedule, the worker ends the jobs a dead worker left running (:func:`~reformledger.supervision.jobs.
recover_stuck_jobs`): it names itself ``HOST:PID:TOKEN:QUEUE`` so that another worker can tell."""

import datetime as dt
import logging
import os
import signal
import threading
from types import FrameType

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.management.commands.db_worker import Worker

from reformledger.core import registry
from reformledger.core.jobs import Identity, worker_identity
from reformledger.supervision.delivery import wake_if_stalled
from reformledger.supervision.jobs import recover_stuck_jobs, scan_deadlines
from reformledger.supervision.models import ScanRun

logger = logging.getLogger(__name__)
TICK_SECONDS = 30


def scan_time() -> dt.time:
    hours, minutes = (int(part) for part in settings.SCAN_AT.split(":"))
    return dt.time(hours, minutes)


def schedule_once(now: dt.datetime | None = None) -> bool:
    """Queue today's scan if it is time and nobody has; True when this call queued it."""
    now = timezone.localtime(now)
    if now.time() < scan_time():
        return False
    day = now.date()
    if ScanRun.objects.filter(day=day).exists():
        return False
    try:
        with transaction.atomic():
            ScanRun.objects.create(day=day)
            scan_deadlines.enqueue(day.isoformat())
    except IntegrityError:
        return False  # another worker claimed the day
    logger.info("Queued the deadline scan of %s", day)
    return True


def configured_queues() -> list[str]:
    return list(settings.TASKS["default"].get("QUEUES", ["default"]))


def tick(me: Identity) -> None:
    """One tick of the schedule: stuck jobs, the day's scan, deliveries a killed worker left, then
    the steps other apps register (``core.registry.register_worker_step``)."""
    for what, step in (
        ("end the jobs a dead worker left", lambda: recover_stuck_jobs(me)),
        ("schedule the deadline scan", schedule_once),
        ("queue the pending deliveries", wake_if_stalled),
        *registry.worker_steps(),
    ):
        try:
            step()
        except Exception:
            logger.exception("Could not %s", what)
    close_old_connections()


class Command(DatabaseWorker):
    help = "Run the background worker (each queue in a thread of its own) and the daily deadline scan."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name=",".join(configured_queues()), reload=False)

    def handle(self, *args, **options):
        self.configure_logging(options["verbosity"])
        me = worker_identity(options["worker_id"])
        queues = [name for name in options["queue_name"].split(",") if name] or ["default"]
        workers = [
            Worker(
                queue_names=[queue],
                interval=options["interval"],
                batch=options["batch"],
                backend_name=options["backend_name"],
                startup_delay=options["startup_delay"],
                max_tasks=options["max_tasks"],
                worker_id=me.worker_id(queue),
                excluded_queue_names=[e for e in options["exclude_queues"].split(",") if e],
            )
            for queue in queues
        ]
        tick(me)  # before any job: what a killed worker left is ended first
        stop = threading.Event()
        schedule = threading.Thread(target=self._schedule, args=(me, stop), name="reformledger-schedule", daemon=True)
        schedule.start()
        threads = [threading.Thread(target=self._run, args=(w,), name=f"reformledger-{q}") for w, q in zip(workers, queues, strict=True)]
        self._catch_signals(workers)
        for thread in threads:
            thread.start()
        try:
            while any(thread.is_alive() for thread in threads):
                for thread in threads:
                    thread.join(0.5)
        finally:
            stop.set()

    @staticmethod
    def _run(worker: Worker) -> None:
        try:
            worker.run()
        finally:
            close_old_connections()

    @staticmethod
    def _schedule(me: Identity, stop: threading.Event) -> None:
        while not stop.wait(TICK_SECONDS):
            tick(me)

    @staticmethod
    def _catch_signals(workers: list[Worker]) -> None:
        """First SIGTERM/SIGINT: every queue finishes the job in hand, then stops; a second: exit now."""

        def shutdown(signum: int, frame: FrameType | None) -> None:
            if not any(worker.running for worker in workers):
                logger.warning("Received %s again - stopping now.", signal.strsignal(signum))
                os._exit(1)
            logger.warning("Received %s - finishing the jobs in hand, then stopping.", signal.strsignal(signum))
            for worker in workers:
                worker.running = False

        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), shutdown)
