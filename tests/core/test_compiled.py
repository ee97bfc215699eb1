"""Queries compiled once a process (core.compiled) give exactly what the ORM gives, and refuse what
they cannot keep safely."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings

from reformledger.core import compiled as compiled_module
from reformledger.core.compiled import compiled, compiled_one, forget
from reformledger.reforms.models import Reform
from reformledger.supervision.models import Task
from tests.factories import TaskFactory


@pytest.fixture(autouse=True)
def _fresh():
    forget()
    yield
    forget()


@pytest.fixture
def tasks(district, reform_factory):
    reforms = [reform_factory(code=f"C-{i}") for i in range(3)]
    return [TaskFactory(reform=reforms[i % 3], title=f"任务 {i}", progress=10 * i) for i in range(9)]


def _shown(rows):
    return [(t.pk, t.title, t.reform.code, t.reform.domain.name, t.unit.name) for t in rows]


def test_model_rows_with_their_joins_are_the_orms(tasks):
    def build():
        return Task.objects.select_related("reform", "reform__domain", "unit").order_by("-progress", "pk")[:5]

    expected = _shown(build())
    assert _shown(compiled("t", build)) == expected
    with CaptureQueriesContext(connection) as queries:
        again = compiled("t", build)
        assert _shown(again) == expected  # the joined objects came with the one query
    assert len(queries) == 1


def test_arguments_change_from_call_to_call(tasks):
    def build(reform_id: int, pks: tuple[int, ...]):
        return Task.objects.filter(reform_id=reform_id, pk__in=pks).order_by("pk").values_list("pk", "title")

    everyone = tuple(t.pk for t in tasks)
    for reform in {t.reform_id for t in tasks}:
        assert compiled("by-reform", build, reform, everyone) == list(build(reform, everyone))
    assert compiled("by-reform", build, tasks[0].reform_id, everyone[:2]) == list(build(tasks[0].reform_id, everyone[:2]))
    assert compiled("by-reform", build, tasks[0].reform_id, ()) == []


def test_text_arguments_and_grouped_counts(tasks):
    def build(code: str):
        return Task.objects.filter(reform__code=code).order_by().values("reform_id").annotate(n=Count("pk")).values_list("n", flat=True)

    assert compiled("count", build, "C-1") == [3]
    assert compiled("count", build, "C-9") == []


def test_works_from_another_thread(tasks, transactional_db):
    def build(pk: int):
        return Task.objects.filter(pk=pk).values_list("title", flat=True)

    assert compiled("thread", build, tasks[0].pk) == [tasks[0].title]
    out = []
    thread = threading.Thread(target=lambda: (out.append(compiled("thread", build, tasks[1].pk)), connection.close()))
    thread.start()
    thread.join()
    assert out == [[tasks[1].title]]


def test_an_argument_that_does_not_reach_the_sql_as_given_is_refused(tasks):
    with pytest.raises(ImproperlyConfigured, match="put that value in the key"):
        compiled("contains", lambda text: Task.objects.filter(title__icontains=text), "任务")


def test_only_whole_numbers_and_text_are_arguments(tasks):
    with pytest.raises(TypeError):
        compiled("flag", lambda flag: Task.objects.filter(progress=flag), True)
    with pytest.raises(TypeError):
        compiled("none", lambda pk: Task.objects.filter(pk=pk), None)


def test_a_read_that_locks_keeps_its_lock(tasks, transactional_db):
    def build(pk: int):
        return Task.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert compiled("lock", build, tasks[0].pk) == [tasks[0].pk]
        assert compiled("lock", build, tasks[1].pk) == [tasks[1].pk]
    if connection.features.has_select_for_update:
        assert all("FOR UPDATE" in q["sql"] for q in queries.captured_queries if "SELECT" in q["sql"])


def test_a_queryset_already_read_is_refused(tasks):
    read = Task.objects.all()
    list(read)
    with pytest.raises(ImproperlyConfigured):
        compiled("read", lambda: read)


def test_the_check_catches_a_key_that_leaves_something_out(tasks):
    """The tests run with COMPILED_QUERIES_CHECK: a value read by build() but not named by the key
    would run the first call's SQL for the second; the check fails loudly instead."""
    for code in ("C-0", "C-1"):
        def build(code=code):
            return Reform.objects.filter(code=code).values_list("code", flat=True)

        if code == "C-0":
            assert compiled("leaky", build) == ["C-0"]
        else:
            with pytest.raises(AssertionError, match="leaves"):
                compiled("leaky", build)


@override_settings(COMPILED_QUERIES_CHECK=False)
def test_without_the_check_the_kept_sql_runs(tasks):
    calls = []

    def build(pk: int):
        calls.append(pk)
        return Task.objects.filter(pk=pk).values_list("pk", flat=True)

    for task in tasks:
        assert compiled("once", build, task.pk) == [task.pk]
    assert len(calls) == 1  # built once, with its stand-in


def test_a_process_keeps_a_bounded_number(tasks, monkeypatch):
    monkeypatch.setattr(compiled_module, "KEEP", 3)
    for i in range(5):
        compiled(("bounded", i), lambda: Task.objects.values_list("pk", flat=True)[:1])
    assert len(compiled_module._kept) == 3


def test_prefetch_related_lookups_are_made(tasks):
    def build(code: str):
        return Reform.objects.filter(code=code).prefetch_related("tasks")

    (reform,) = compiled("prefetch", build, "C-1")
    with CaptureQueriesContext(connection) as queries:
        assert sorted(t.title for t in reform.tasks.all()) == sorted(t.title for t in tasks if t.reform_id == reform.pk)
    assert len(queries) == 0  # fetched with the reform


def test_compiled_one_gives_the_row_or_none(tasks):
    def build(pk: int):
        return Task.objects.filter(pk=pk)

    assert compiled_one("one", build, tasks[0].pk) == tasks[0]
    assert compiled_one("one", build, -1) is None


def test_a_shape_the_orm_empties_for_its_stand_ins_goes_the_plain_way_and_is_remembered(tasks):
    """A stand-in out of a small column's range makes the ORM drop the query (EmptyResultSet): that
    shape is remembered, and each of its calls runs the query as built for its own values."""
    def build(pk: int):
        # As the ORM does for a value out of a column's range: nothing can match a negative id.
        return Task.objects.filter(pk__in=[] if pk < 0 else [pk]).values_list("pk", flat=True)

    assert compiled("small", build, tasks[0].pk) == [tasks[0].pk]
    assert compiled_module._kept[("small", (-1,))] is compiled_module._PLAIN
    assert compiled("small", build, tasks[1].pk) == [tasks[1].pk]
