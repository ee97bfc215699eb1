"""Writes released at the same moment, for the PostgreSQL race tests of every app."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

#: A race test's marks: a real transaction per thread, and PostgreSQL (SQLite lets one writer in at
#: a time: the whole database is the lock).
RACE = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers are a PostgreSQL matter"),
]


def at_once(*calls: Callable[[], object], raising: bool = False) -> list[object]:
    """Run the calls in threads released together; each one's result, or the exception it raised
    (``raising``: re-raise the first exception instead)."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(10)
            results[i] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            results[i] = exc
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if raising and errors:
        raise errors[0]
    return results
