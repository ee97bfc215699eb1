"""``reformledger worker``: the background worker (django-tasks' database worker) plus the daily
schedule: at ``SCAN_AT`` local time it queues the day's ``scan-deadlines`` once, however many
workers run (the day's :class:`~reformledger.supervision.models.ScanRun` row is the claim)."""

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from reformledger.supervision.delivery import wake_if_stalled
from reformledger.supervision.jobs import scan_deadlines
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


class Command(DatabaseWorker):
    help = "Run the background worker and the daily deadline scan."

    def handle(self, *args, **options):
        stop = threading.Event()

        def loop():
            while True:
                try:
                    schedule_once()
                except Exception:
                    logger.exception("Could not schedule the deadline scan")
                try:
                    wake_if_stalled()  # deliveries a killed worker left pending
                except Exception:
                    logger.exception("Could not queue the pending deliveries")
                finally:
                    close_old_connections()
                if stop.wait(TICK_SECONDS):
                    return

        threading.Thread(target=loop, name="reformledger-schedule", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
