"""Background jobs of supervision (django-tasks on the database backend, run by the worker).

The daily deadline scan is defined here and queued by the worker's schedule (``reformledger
worker``), and so is what the worker does with the jobs a dead worker left running
(:func:`recover_stuck_jobs`). The delivery run (``delivery.deliver_pending``) sits with the deliveries it sends, below
the scan: whatever writes messages wakes it (:mod:`.notify`), the scan included, so the arrows run
jobs -> scan -> notify -> delivery and never back.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from reformledger.core.jobs import Identity, end_stuck_jobs
from reformledger.reforms.jobs import import_lost

from . import scan

logger = logging.getLogger(__name__)


@task()
def scan_deadlines(day: str = "") -> dict:
    """The daily scan (scheduled by ``reformledger worker``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return scan.scan_deadlines(on=dt.date.fromisoformat(day) if day else None)


def recover_stuck_jobs(me: Identity) -> int:
    """End the jobs a dead worker left running (:func:`reformledger.core.jobs.end_stuck_jobs`) and
    do what each kind needs; returns how many were ended (ADR 0031).

    - a ledger import's check or apply: the import is marked failed, to be retried from its page
      (a job that killed its worker, say by its memory, is not run again by itself);
    - the daily scan: queued again (it is idempotent, and the day's claim is already taken);
    - the delivery run: nothing here; ``wake_if_stalled`` queues a new run for what it left pending.
    """
    ended = end_stuck_jobs(me)
    for result in ended:
        args, kwargs = result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {})
        if import_lost(result.task_path, args, kwargs):
            continue
        if result.task_path == scan_deadlines.module_path:
            scan_deadlines.enqueue(*args, **kwargs)
            logger.info("Queued again the deadline scan a dead worker left (%s)", args or kwargs)
    return len(ended)
