"""Each process keeps the versions it read last, and a request reads only those written since, yet
sees exactly what a whole read would (``core.versions``, ADR 0054). Run on committed data
(``transaction=True``): a process keeps nothing read inside a transaction."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from reformledger.core import versions
from reformledger.core.audit import log_action
from reformledger.core.cache import cached_value, scope_versions
from reformledger.core.models import AuditHead, CacheVersion
from reformledger.core.versions import DataVersionMiddleware, current_snapshot
from reformledger.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db(transaction=True)


def in_request(view):
    """Run ``view()`` as a request does: inside the middleware that keeps the request's versions."""
    seen = {}

    def run(request):
        seen["value"] = view()

    DataVersionMiddleware(run)(RequestFactory().get("/"))
    return seen["value"]


def whole():
    """What a whole read returns: every version in the table."""
    return dict(CacheVersion.objects.values_list("scope", "seq"))


@pytest.fixture
def districts(db):
    cache.clear()
    versions._kept = None
    made = [Unit.objects.create(name=f"区{n}", code=f"V{n}", kind=UnitKind.DISTRICT) for n in range(3)]
    for unit in made:
        log_action(None, "org.unit.create", unit, {"name": [None, unit.name]})
    return made


def test_a_request_reads_only_what_was_written_since_the_process_last_read(districts):
    in_request(lambda: scope_versions(("work:*",)))  # the process keeps every version
    assert versions._kept is not None and versions._kept.versions == whole()
    log_action(None, "org.unit.update", districts[1], {"name": ["区1", "一区"]})

    def view():
        with CaptureQueriesContext(connection) as read:
            got = scope_versions((f"org:d{districts[1].pk}", f"org:d{districts[0].pk}", "org:*"))
            scope_versions(("work:every",))  # the request's set: no second read
        return got, read.captured_queries

    got, queries = in_request(view)
    assert len(queries) == 1
    assert queries[0]["sql"].count("core_cacheversion") == 1 and '"seq" >' in queries[0]["sql"]
    head = AuditHead.objects.get(pk=1).seq
    assert got == (head, head - 1 - 2, head)  # the update; district 0's creation, three entries back; any org write
    assert versions._kept.versions == whole() and versions._kept.seq == head


def test_cached_values_follow_every_write_through_the_kept_versions(districts):
    computed = []

    def name_of(unit):
        computed.append(unit.pk)
        return Unit.objects.get(pk=unit.pk).name

    key, scopes = f"name:{districts[2].pk}", (f"org:d{districts[2].pk}",)
    assert in_request(lambda: cached_value(key, lambda: name_of(districts[2]), scopes=scopes)) == "区2"
    assert in_request(lambda: cached_value(key, lambda: name_of(districts[2]), scopes=scopes)) == "区2"
    with transaction.atomic():
        Unit.objects.filter(pk=districts[2].pk).update(name="三区")
        log_action(None, "org.unit.update", districts[2], {"name": ["区2", "三区"]})
    assert in_request(lambda: cached_value(key, lambda: name_of(districts[2]), scopes=scopes)) == "三区"
    assert computed == [districts[2].pk, districts[2].pk]
    # A write to another district leaves the value as it was kept.
    log_action(None, "org.unit.update", districts[0], {"name": ["区0", "零区"]})
    assert in_request(lambda: cached_value(key, lambda: name_of(districts[2]), scopes=scopes)) == "三区"
    assert len(computed) == 2


def test_a_restored_or_flushed_chain_is_read_whole(districts):
    in_request(lambda: scope_versions(("org:*",)))
    kept = versions._kept
    # The database goes back to an older state (a restore): its chain is not the kept one.
    CacheVersion.objects.all().delete()
    AuditHead.objects.filter(pk=1).update(seq=1, last_hash="0" * 64)
    CacheVersion.objects.create(scope="org:*", seq=1)
    assert in_request(lambda: scope_versions(("org:*", f"org:d{districts[1].pk}"))) == (1, 0)
    assert versions._kept is not kept and versions._kept.versions == {"org:*": 1}
    # The same length as the kept chain but another chain (entry number `seq` is not the kept
    # set's last): read whole too.
    versions._kept = kept._replace(last_hash="f" * 64, versions={"org:*": 999})
    AuditHead.objects.filter(pk=1).update(seq=kept.seq)
    assert current_snapshot().versions == {"org:*": 1}


def test_nothing_read_inside_a_transaction_is_kept(districts):
    versions._kept = None
    with transaction.atomic():
        log_action(None, "org.unit.update", districts[0], {"name": ["区0", "零区"]})
        assert current_snapshot().versions == whole()  # its own write, uncommitted
        assert versions._kept is None
        transaction.set_rollback(True)
    assert current_snapshot().versions == whole() and versions._kept is not None


def test_inside_a_transaction_only_what_changed_since_the_kept_set_is_read(districts):
    current_snapshot()  # kept, committed
    kept = versions._kept
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        log_action(None, "org.unit.update", districts[0], {"name": ["区0", "零区"]})
        start = len(queries)
        seen = current_snapshot().versions
        read = queries.captured_queries[start:]
        assert len(read) == 1 and '"seq" >' in read[0]["sql"]  # the versions since the kept head only
        assert seen == whole()  # its own write, uncommitted, with everything kept before it
        assert versions._kept is kept  # and nothing kept
        transaction.set_rollback(True)
    # A kept set from a chain rolled back under it (a test's database): read whole inside too.
    with transaction.atomic():
        log_action(None, "org.unit.update", districts[0], {"name": ["区0", "一区"]})
        versions._kept = kept._replace(last_hash="e" * 64)
        assert current_snapshot().versions == whole()
        transaction.set_rollback(True)


def test_outside_a_request_every_lookup_reads_the_database(districts):
    scope = f"org:d{districts[0].pk}"
    before = scope_versions((scope,))
    log_action(None, "org.unit.update", districts[0], {"name": ["区0", "零区"]})
    assert scope_versions((scope,))[0] > before[0]
