"""Jobs that recover (issue 9, finding 9; ADR 0031), with the real worker as a separate process.

A worker killed (SIGKILL) while an import is applying leaves the import "applying" and its job
"running"; the next worker, when it starts, marks both failed; the import's page offers a retry,
which applies it. A long import does not hold up a reminder: imports run on their own queue, in a
thread of their own. ``LEDGER_JOB_TEST_DELAY`` (a setting for tests) makes an import job wait
before it reads its file, so that it is still under way when the test acts.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reformledger.core.models import AuditEntry
from reformledger.reforms import jobs
from reformledger.reforms.ledger.uploads import CHECK, confirm_import, fail, start_import
from reformledger.reforms.models import LedgerImport, Reform
from reformledger.supervision.models import Channel, Delivery
from tests.clients import english_client
from tests.supervision.test_delivery import RobotServer
from tests.supervision.test_worker import make_deliveries, shared_db, start_worker, wait_until  # noqa: F401

from .conftest import good_row, write

pytestmark = pytest.mark.django_db(transaction=True)
S = LedgerImport.ImportStatus


def upload(tmp_path, user) -> LedgerImport:
    content = write(tmp_path / "ledger.xlsx", [good_row(code="NEW-KILL")]).read_bytes()
    return start_import(
        user=user,
        uploaded_file=SimpleUploadedFile("ledger.xlsx", content),
        language="en",
        enqueue=jobs.check_ledger_import.enqueue,
    )


def job_of(task, item: LedgerImport) -> DBTaskResult | None:
    rows = DBTaskResult.objects.filter(task_path=task.module_path).order_by("-enqueued_at")
    return next((row for row in rows if row.args_kwargs["args"][:1] == [item.pk]), None)


def running(task, item: LedgerImport) -> bool:
    job = job_of(task, item)
    return job is not None and job.status == TaskResultStatus.RUNNING


def status(item: LedgerImport) -> str:
    return LedgerImport.objects.get(pk=item.pk).status


def kill(worker) -> None:
    worker.kill()  # SIGKILL: no clean-up of any kind
    worker.wait()


def test_an_import_killed_while_applying_is_marked_failed_and_can_be_retried(shared_db, tmp_path, district, people):  # noqa: F811
    log = tmp_path / "worker.log"
    item = upload(tmp_path, people.office)
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--queue-name", "imports", verbosity=0)
    assert status(item) == S.READY
    confirm_import(user=people.office, ledger_import=item, language="en", enqueue=jobs.apply_ledger_import.enqueue)
    assert status(item) == S.APPLYING

    first = start_worker(shared_db, log, LEDGER_JOB_TEST_DELAY="120")
    try:
        wait_until(lambda: running(jobs.apply_ledger_import, item), seconds=60, what="the apply runs", log=log)
    finally:
        kill(first)
    # What the killed worker left: the import applying and its job running, for ever.
    assert status(item) == S.APPLYING
    assert running(jobs.apply_ledger_import, item)
    assert not Reform.objects.filter(code="NEW-KILL").exists()

    second = start_worker(shared_db, log)
    try:
        wait_until(lambda: status(item) == S.FAILED, seconds=60, what="the import is marked failed", log=log)
        job = job_of(jobs.apply_ledger_import, item)
        assert job is not None and job.status == TaskResultStatus.FAILED
        assert job.exception_class_path == "reformledger.core.jobs.WorkerLost"
        assert not Reform.objects.filter(code="NEW-KILL").exists()

        client = english_client()
        client.force_login(people.office)
        page = client.get(reverse("reforms:ledger-import-detail", args=[item.pk])).content.decode()
        assert "The background worker stopped while applying this ledger" in page
        assert 'id="ledger-retry"' in page
        response = client.post(reverse("reforms:ledger-import-retry", args=[item.pk]))
        assert response.status_code == 302
        wait_until(lambda: status(item) == S.APPLIED, seconds=60, what="the retried import applies", log=log)
    finally:
        kill(second)
    assert Reform.objects.filter(code="NEW-KILL").count() == 1
    trail = list(AuditEntry.objects.filter(object_type="reforms.ledgerimport").order_by("seq").values_list("action", "actor_id"))
    assert trail == [("ledger_import.fail", None), ("ledger_import.retry", people.office.pk)]
    # Retrying what is not failed is refused, and says why.
    client.post(reverse("reforms:ledger-import-retry", args=[item.pk]))
    assert status(item) == S.APPLIED


def test_a_long_import_does_not_hold_up_a_reminder(shared_db, tmp_path, people):  # noqa: F811
    log = tmp_path / "worker.log"
    item = upload(tmp_path, people.office)
    worker = start_worker(shared_db, log, LEDGER_JOB_TEST_DELAY="60")
    try:
        wait_until(lambda: running(jobs.check_ledger_import, item), seconds=60, what="the check runs", log=log)
        with RobotServer() as robot:
            started = time.monotonic()
            make_deliveries(robot.url, 1)  # committing it queues the delivery run
            wait_until(lambda: len(robot.keys) == 1, seconds=30, what="the reminder is delivered", log=log)
            took = time.monotonic() - started
        # Delivered while the import was still being checked, in seconds, not after it.
        assert running(jobs.check_ledger_import, item) and status(item) == S.CHECKING
        assert took < 20
        wait_until(
            lambda: Delivery.objects.filter(channel=Channel.WEBHOOK, status=Delivery.DeliveryStatus.SENT).exists(),
            seconds=30, what="the delivery is recorded", log=log,
        )
    finally:
        kill(worker)


@pytest.mark.django_db(transaction=False)
def test_only_the_office_retries_and_only_a_failed_import(tmp_path, district, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        item = upload(tmp_path, people.office)
    url = reverse("reforms:ledger-import-retry", args=[item.pk])
    office = english_client()
    office.force_login(people.office)
    office.post(url)
    assert status(item) == S.CHECKING  # not failed: nothing to retry
    assert fail(item.pk, step=CHECK, message="stopped")
    staff = english_client()
    staff.force_login(people.unit_staff)
    assert staff.post(url).status_code == 403
    assert status(item) == S.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        assert office.post(url).status_code == 302
    assert status(item) == S.CHECKING  # the check is queued again (a check failed)
    assert job_of(jobs.check_ledger_import, item).status == TaskResultStatus.READY
