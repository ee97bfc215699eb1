"""Background jobs of supervision (django-tasks on the database backend, run by the worker)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from . import delivery, scan

BATCH = 500
RETRY_AFTER = dt.timedelta(seconds=60)


@task()
def deliver_pending() -> dict:
    """Send every pending e-mail and webhook delivery. Runs queued after each batch of messages;
    a batch that leaves retries behind queues another run a minute later."""
    outcome: Counter = Counter()
    seen: set[int] = set()
    while ids := [pk for pk in delivery.pending_ids(BATCH + len(seen)) if pk not in seen][:BATCH]:
        for pk in ids:
            seen.add(pk)
            outcome[delivery.deliver_one(pk)] += 1
    if outcome.get("retry"):
        deliver_pending.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    return dict(outcome)


def wake_if_stalled() -> bool:
    """Queue a delivery run when deliveries wait and no run is queued; True when it queued one.

    A worker killed in the middle of :func:`deliver_pending` leaves that run marked running for
    ever and the rest of its deliveries pending, with nothing left to wake them (a retry run is
    queued only by a run that ends). The worker calls this when it starts and on every tick of its
    schedule, so a restarted worker finishes what the killed one left.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not delivery.pending_ids(1):
        return False
    queued = DBTaskResult.objects.filter(task_path=deliver_pending.module_path, status=TaskResultStatus.READY)
    if queued.exists():
        return False
    deliver_pending.enqueue()
    return True


@task()
def scan_deadlines(day: str = "") -> dict:
    """The daily scan (scheduled by ``reformledger worker``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return scan.scan_deadlines(on=dt.date.fromisoformat(day) if day else None)
