"""The versioned cache's store in front of a shared Redis cache (core.store, ADR 0057).

A near copy in each process saves the round trip of a lookup, and the writes of a request wait until
its response is sent; neither may serve anything that a lookup in the shared cache would not.
These run against the real Redis (``make test`` starts it; a missing Redis fails, never skips).
"""

from __future__ import annotations

import os

import pytest
import redis
from django.test import override_settings

from reformledger.core import versions
from reformledger.core.cache import tracked
from reformledger.core.models import AuditHead
from reformledger.core.store import NearCopies, store
from reformledger.core.versions import Snapshot, current_snapshot
from reformledger.reforms.models import Status

REDIS_URL = os.environ.get("TEST_STORE_REDIS_URL", "redis://127.0.0.1:6379/13")
SHARED = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "t"}}


@pytest.fixture
def shared_cache():
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # Redis must be running: fail, never skip
    with override_settings(CACHES=SHARED):
        store.clear()
        yield client
        store.clear()


def stored_keys(client: redis.Redis) -> set[str]:
    return {key.decode().split(":", 2)[2] for key in client.keys("t:*")}


@pytest.mark.django_db
def test_a_value_read_once_is_read_again_from_the_near_copy(shared_cache):
    store.set("rl:value:a", ("x", 1))
    store.near.clear()  # as another process would find it: in the shared cache only
    assert store.get("rl:value:a") == ("x", 1)
    shared_cache.flushdb()  # gone from the shared cache: this process still has its copy
    assert store.get("rl:value:a") == ("x", 1)
    assert store.get_many(["rl:value:a", "rl:value:b"]) == {"rl:value:a": ("x", 1)}


class Counted:
    """A value of one district's work, computed on demand and counting how often; ``rewrite()``
    is an audited write to that district (its version moves)."""

    def __init__(self, people, reform) -> None:
        self.people, self.reform, self.calls = people, reform, 0
        self.scopes = (f"work:d{reform.district_id}",)

    def value(self) -> str:
        def compute() -> str:
            self.calls += 1
            return f"v{self.calls}"

        return tracked("rl:value:t", compute, scopes=self.scopes)

    def rewrite(self) -> None:
        from reformledger.reforms.services import update_reform

        update_reform(user=self.people.office, reform=self.reform, data={"title": f"改革{self.calls}"})


@pytest.fixture
def counted(shared_cache, people, reform_factory) -> Counted:
    return Counted(people, reform_factory(title="改革甲", status=Status.IN_PROGRESS))


@pytest.mark.django_db
def test_a_near_copy_is_believed_only_while_the_versions_it_read_stand(counted):
    assert counted.value() == "v1"
    assert counted.value() == "v1"  # the near copy
    counted.rewrite()
    assert counted.value() == "v2"  # the copy's versions no longer stand
    assert counted.calls == 2


@pytest.mark.django_db
def test_a_near_copy_that_no_longer_stands_gives_way_to_the_shared_entry(counted):
    """Another process computed the value afresh after a write: this one uses it, not computing it a third time."""
    assert counted.value() == "v1"
    old = store.near.get("rl:value:t")
    counted.rewrite()
    store.near.clear()  # "another process": computes v2 and shares it
    assert counted.value() == "v2"
    store.near.put("rl:value:t", old, 60)  # this process still holds the copy from before the write
    assert counted.value() == "v2"
    assert counted.calls == 2
    assert store.near.get("rl:value:t")[2] == "v2"  # and now holds the shared one


@pytest.mark.django_db
def test_a_requests_writes_reach_the_shared_cache_when_it_finishes(shared_cache):
    store.defer_writes()
    store.set_many({"rl:row:1": "<tr>1</tr>", "rl:row:2": "<tr>2</tr>"})
    store.set("rl:fragment:f", ("scopes", (1,), "html"), 60)
    assert stored_keys(shared_cache) == set()  # nothing written yet
    assert store.get("rl:row:1") == "<tr>1</tr>"  # but the request (and the process) reads it
    store.near.clear()
    assert store.get_many(["rl:row:2", "rl:row:3"]) == {"rl:row:2": "<tr>2</tr>"}  # from what waits
    store.flush()
    assert stored_keys(shared_cache) == {"rl:row:1", "rl:row:2", "rl:fragment:f"}
    assert 0 < shared_cache.ttl("t:2:rl:fragment:f") <= 60  # the key version of entries pickled by the store
    store.set("rl:row:4", "<tr>4</tr>")  # outside a request: written at once
    assert "rl:row:4" in stored_keys(shared_cache)


@pytest.mark.django_db
def test_a_page_served_leaves_its_parts_in_the_shared_cache(shared_cache, client, people, reform_factory):
    reform_factory(title="改革甲", status=Status.IN_PROGRESS)
    client.force_login(people.office)
    assert client.get("/office/reforms/").status_code == 200
    kept = stored_keys(shared_cache)
    assert any(key.startswith("rl:row:catalogue") for key in kept), kept
    assert any(key.startswith("rl:fragment:") for key in kept), kept
    assert client.get("/office/reforms/").status_code == 200  # with its CSRF cookie: a page kept whole
    assert any(key.startswith("rl:page:") for key in stored_keys(shared_cache))


def test_near_copies_are_bounded_in_bytes_least_recently_used_out_first():
    near = NearCopies(5_000)
    for i in range(5):
        near.put(f"k{i}", "x" * 900, 60)
    assert near.get("k0") == "x" * 900  # used: kept
    near.put("k5", "x" * 900, 60)
    assert near.get("k1") is None and near.get("k0") is not None
    assert near.size <= 5_000
    near.put("big", "x" * 6_000, 60)  # larger than the bound: not kept
    assert near.get("big") is None
    near.put("gone", "x", -1)  # expired
    assert near.get("gone") is None


def test_a_near_copy_is_a_copy_not_the_callers_object():
    near = NearCopies(10_000)
    parts = {1: "a"}
    near.put("k", parts, 60)
    parts[2] = "b"
    got = near.get("k")
    got[3] = "c"
    assert near.get("k") == {1: "a"}


@pytest.mark.django_db(transaction=True)
def test_near_copies_are_dropped_when_the_database_is_not_the_one_they_came_from(shared_cache):
    head = AuditHead.objects.get(pk=1)
    current_snapshot()  # read outside a transaction: kept
    store.near.put("rl:value:old", "from another database", 60)
    # As after a restore: the kept versions were read from a chain whose entry has another hash.
    versions._kept = Snapshot(head.seq + 1, "not this chain", {})
    current_snapshot()
    assert store.near.get("rl:value:old") is None
