"""Two submissions of one sheet at the same moment (PostgreSQL): one wins, the other is refused,
and the audit chain records one submission. Writers are released together (a barrier) in threads
with their own connections, on committed data (``transaction=True``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import Mark, Sheet, SheetStatus
from reformledger.evaluation.services import sheets as sheet_services
from reformledger.org.models import User
from tests.evaluation.panel_factories import PanelSetup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite lets one writer in at a time: concurrent writers are a PostgreSQL matter; "
        "run with DATABASE_URL=postgresql://...",
    ),
]


def at_once(*calls: Callable[[], object]) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(10)
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def test_double_submit_of_a_sheet_racing_one_wins(district, people):
    setup = PanelSetup(district, people)
    sheet_id = setup.sheet(0, 1).pk
    first, second = setup.marks(20, 30, 15, 15), setup.marks(25, 35, 20, 20)

    def submit(marks):
        def call():
            expert = User.objects.get(pk=people.expert.pk)
            return sheet_services.submit_sheet(user=expert, sheet=Sheet.objects.get(pk=sheet_id), marks=marks)
        return call

    results, errors = at_once(submit(first), submit(second))
    assert len(errors) == 1 and isinstance(errors[0], ValidationError) and "status" in errors[0].message_dict
    winner = next(r for r in results if r is not None)
    sheet = Sheet.objects.get(pk=sheet_id)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at == winner.submitted_at
    assert Mark.objects.filter(sheet_id=sheet_id).count() == 4  # one set of marks, the winner's
    assert AuditEntry.objects.filter(action="sheet.submit", object_id=str(sheet_id)).count() == 1
