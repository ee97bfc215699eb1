"""Background jobs of supervision (django-tasks on the database backend, run by the worker).

The daily deadline scan is defined here and queued by the worker's schedule (``reformledger
worker``). The delivery run (``delivery.deliver_pending``) sits with the deliveries it sends, below
the scan: whatever writes messages wakes it (:mod:`.notify`), the scan included, so the arrows run
jobs -> scan -> notify -> delivery and never back.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django_tasks import task

from . import scan


@task()
def scan_deadlines(day: str = "") -> dict:
    """The daily scan (scheduled by ``reformledger worker``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return scan.scan_deadlines(on=dt.date.fromisoformat(day) if day else None)
