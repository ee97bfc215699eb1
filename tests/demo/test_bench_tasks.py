"""``bench/generate.py`` gives every reform ten tasks around today, and its levels are the scan's."""

from collections import Counter

import pytest
from bench import generate
from django.db import connection
from django.db.models import Count

from reformledger.demo.district import build_district
from reformledger.reforms.models import Reform, Status
from reformledger.supervision import rollup
from reformledger.supervision.models import Level, ReformWarning, Task
from reformledger.supervision.rollup import NODE_FIELDS
from reformledger.supervision.scan import scan_deadlines

pytestmark = pytest.mark.django_db


def _state():
    return sorted(Task.objects.values_list(*NODE_FIELDS)), sorted(
        ReformWarning.objects.values_list("reform_id", "level", "reason", "open_tasks", "red_tasks", "amber_tasks")
    )


def test_ten_tasks_per_reform_with_levels_the_scan_agrees_with(reference_data):
    build_district(code="d901", name="第901区", seed=901, with_people=True, bulk=True, audit=False)
    today = rollup.today()
    open_reforms = Reform.objects.filter(status__in=(Status.APPROVED, Status.IN_PROGRESS))
    assert open_reforms.exists() and not open_reforms.filter(due_date__lt=today).exists()

    assert generate.add_tasks(today, mode="compute") == 6100
    assert generate.add_tasks(today, mode="compute") == 0  # idempotent
    assert set(Task.objects.values_list("reform_id").annotate(n=Count("pk")).values_list("n", flat=True)) == {10}
    assert set(Task.objects.values_list("depth", flat=True)) == {0, 1, 2}
    for task in Task.objects.filter(parent__isnull=False).select_related("parent")[:500]:
        assert task.parent.start_date <= task.start_date <= task.due_date <= task.parent.due_date
        assert task.path == f"{task.parent.path}{task.parent_id}/"
    levels = Counter(Task.objects.values_list("level", flat=True))
    assert levels[Level.DONE] > levels[Level.GREEN] > levels[Level.AMBER] > 0 and levels[Level.RED] > 0
    assert ReformWarning.objects.count() == 610

    # The scan finds nothing to change: the generator computed what the scan computes.
    computed = _state()
    summary = scan_deadlines(on=today)
    assert summary.get("tasks_changed", 0) == 0 and summary["reform_warnings_changed"] == 0
    assert summary["reminders_made"] > 0
    assert _state() == computed

    # Left to the scan (``--levels scan``), the first scan computes the same.
    generate.reset_levels()
    if connection.vendor == "postgresql":  # TRUNCATE refuses pending deferred checks in the test's transaction
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    generate.reset_reminders()
    assert not ReformWarning.objects.exists()
    summary = scan_deadlines(on=today)
    assert summary["tasks_changed"] > 4000
    assert _state() == computed
