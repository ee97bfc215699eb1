"""Jobs a dead worker left running, found and ended (ADR 0031).

django-tasks-db marks a job ``RUNNING`` when a worker claims it and ``SUCCESSFUL``/``FAILED`` when the
worker is done with it. A worker killed in between (``kill -9``, out of memory, a power cut) leaves
the job ``RUNNING`` for ever, and whatever the job was recording (a ledger import "applying")
with it. The worker (``reformledger worker``) therefore names itself ``HOST:PID:TOKEN:QUEUE``
(:func:`worker_identity`), and at its start and on every tick of its schedule calls
:func:`end_stuck_jobs`, which marks failed every running job whose worker

- ran on this host and its process is gone (or its process id is now this worker's own), or
- started it longer than ``JOB_TIMEOUT`` minutes ago (a worker on another machine that died, a
  job that hangs, a worker that does not name itself this way).

Each job is ended once, however many workers look (a conditional update); the caller then does
what the job's kind needs (mark its import failed, queue it again where it is idempotent).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)
WORKER_ID = re.compile(r"^(?P<host>[^:]*):(?P<pid>\d+):(?P<token>[A-Za-z0-9]+)(?::|$)")
#: What the traceback of an ended job says (django-tasks-db keeps one per failed job).
LOST = "The worker running this job stopped (killed, or out of memory) before it finished."
TIMED_OUT = "The job ran longer than JOB_TIMEOUT minutes and was taken for stuck."


class WorkerLost(Exception):
    """Recorded as the exception of a job that a dead worker left running."""


@dataclass(frozen=True)
class Identity:
    """Who this worker process is: its host, process id and a token of its own."""

    host: str
    pid: int
    token: str

    def worker_id(self, queue: str) -> str:
        return f"{self.host}:{self.pid}:{self.token}:{queue}"[:64]


def host_name() -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname())[:30] or "host"


def worker_identity(token: str = "") -> Identity:
    token = re.sub(r"[^A-Za-z0-9]", "", token)[:12] or get_random_string(12)
    return Identity(host_name(), os.getpid(), token)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def worker_is_gone(worker_id: str, me: Identity) -> bool:
    """True when the worker that wrote ``worker_id`` surely no longer runs (see the module's doc)."""
    match = WORKER_ID.match(worker_id or "")
    if match is None or match["host"] != me.host:
        return False  # not ours to judge: the timeout decides
    pid = int(match["pid"])
    if pid == me.pid:
        return match["token"] != me.token  # an earlier process that had this process id
    return not _process_exists(pid)


def end_stuck_jobs(me: Identity, *, now: dt.datetime | None = None) -> list[DBTaskResult[..., Any]]:
    """Mark failed every running job of a dead worker or past ``JOB_TIMEOUT``; returns the jobs this
    call ended (a job another worker ended at the same moment is not among them)."""
    now = now or timezone.now()
    too_old = now - dt.timedelta(minutes=settings.JOB_TIMEOUT)
    ended = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at"):
        last = result.worker_ids[-1] if result.worker_ids else ""
        if worker_is_gone(last, me):
            why = LOST
        elif result.started_at is not None and result.started_at < too_old:
            why = TIMED_OUT
        else:
            continue
        won = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"{why} (worker {last or '?'})",
        )
        if won:
            logger.warning("Ended job %s (%s) of worker %s: %s", result.pk, result.task_path, last or "?", why)
            ended.append(result)
    return ended
