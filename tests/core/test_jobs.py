"""Ending the jobs a dead worker left running (ADR 0031): whose worker is gone, what has run too long,
and what each kind of job gets afterwards. The whole story with a real killed worker is in
``tests/reforms/ledger/test_stuck_jobs.py``."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reformledger.core.jobs import Identity, end_stuck_jobs, host_name, worker_identity, worker_is_gone
from reformledger.supervision.jobs import recover_stuck_jobs, scan_deadlines

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    process = subprocess.Popen(["true"])  # noqa: S607 - a process that is gone once reaped
    process.wait()
    return process.pid


def running_scan(worker_id: str, *, minutes_ago: float = 0, day: str = "2026-03-02") -> DBTaskResult:
    result = DBTaskResult.objects.get(pk=scan_deadlines.enqueue(day).id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return result


def test_who_is_gone():
    me = worker_identity()
    host = host_name()
    assert not worker_is_gone(me.worker_id("default"), me)
    assert worker_is_gone(f"{host}:{os.getpid()}:someoneelse1:default", me)  # this pid, an earlier life
    assert worker_is_gone(f"{host}:{dead_pid()}:abc:imports", me)
    assert not worker_is_gone(f"{host}:1:abc:imports", me)  # pid 1 runs (not ours to signal, but alive)
    assert not worker_is_gone(f"other-host:{dead_pid()}:abc:imports", me)  # another machine: the timeout decides
    assert not worker_is_gone("0123456789abcdef0123456789abcdef", me)  # a plain db_worker's id
    assert not worker_is_gone("", me)


def test_a_dead_workers_job_is_ended_once_a_live_workers_job_is_left(settings):
    settings.JOB_TIMEOUT = 60
    me = Identity(host_name(), os.getpid(), "me")
    dead = running_scan(f"{host_name()}:{dead_pid()}:gone:default")
    alive = running_scan(me.worker_id("default"), day="2026-03-03")
    elsewhere = running_scan("other-host:123:tok:default", minutes_ago=5, day="2026-03-04")
    assert [r.pk for r in end_stuck_jobs(me)] == [dead.pk]
    assert end_stuck_jobs(me) == []  # ended once
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == TaskResultStatus.FAILED
    assert statuses[alive.pk] == statuses[elsewhere.pk] == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=dead.pk).exception_class_path == "reformledger.core.jobs.WorkerLost"


def test_a_job_running_longer_than_the_timeout_is_ended(settings):
    settings.JOB_TIMEOUT = 30
    me = Identity(host_name(), os.getpid(), "me")
    old = running_scan("other-host:123:tok:default", minutes_ago=31)
    young = running_scan("other-host:123:tok:default", minutes_ago=29, day="2026-03-05")
    assert [r.pk for r in end_stuck_jobs(me)] == [old.pk]
    assert "JOB_TIMEOUT" in DBTaskResult.objects.get(pk=old.pk).traceback
    assert DBTaskResult.objects.get(pk=young.pk).status == TaskResultStatus.RUNNING


def test_a_lost_scan_is_queued_again():
    """The scan is idempotent and its day is already claimed: it is run again, not left undone."""
    me = Identity(host_name(), os.getpid(), "me")
    running_scan(f"{host_name()}:{dead_pid()}:gone:default", day="2026-03-06")
    assert recover_stuck_jobs(me) == 1
    again = DBTaskResult.objects.filter(task_path=scan_deadlines.module_path, status=TaskResultStatus.READY)
    assert [r.args_kwargs["args"] for r in again] == [["2026-03-06"]]
