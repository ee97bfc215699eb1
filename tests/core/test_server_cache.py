"""Without Redis, the processes of one server share the disk cache (core.servercache, ADR 0060)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import override_settings

from reformledger.core import servercache, versions
from reformledger.core.models import AuditHead
from reformledger.core.servercache import ServerCache, empty_if_server_cache, remove_server_cache_files
from reformledger.core.store import store
from reformledger.core.versions import Snapshot, current_snapshot

ROOT = Path(__file__).resolve().parents[2]


def disk(directory: Path) -> dict:
    return {"default": {
        "BACKEND": "reformledger.core.servercache.ServerCache", "LOCATION": str(directory), "KEY_PREFIX": "t",
        "SHARDS": 4, "DATABASE_TIMEOUT": 0.05, "OPTIONS": {"disk_min_file_size": 4 * 1024 * 1024, "cull_limit": 0, "sqlite_synchronous": 0},
    }}


@pytest.fixture
def disk_cache(tmp_path):
    with override_settings(CACHES=disk(tmp_path / "cache")):
        store.clear()
        yield tmp_path / "cache"
        store.clear()


def python(code: str, **env: str) -> str:
    """Run ``code`` in another process with the production settings (and ``env``); its output."""
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_DIR", "CACHE_IN_MEMORY", "DJANGO_SETTINGS_MODULE")}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean, "PYTHONPATH": str(ROOT), "SECRET_KEY": "server-cache-" + "x" * 40, **env},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


SHOW_CACHE = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'reformledger.settings'); django.setup(); "
    "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', ''))"
)


def test_without_redis_a_server_shares_a_disk_cache_in_its_var_dir(tmp_path):
    backend, location = python(SHOW_CACHE, REFORMLEDGER_VAR_DIR=str(tmp_path / "var")).split()
    assert backend == "reformledger.core.servercache.ServerCache"
    assert location == str((tmp_path / "var" / "cache").resolve())
    assert python(SHOW_CACHE, REFORMLEDGER_VAR_DIR=str(tmp_path / "var"), CACHE_IN_MEMORY="1").split() == [
        "django.core.cache.backends.locmem.LocMemCache"
    ]
    assert python(SHOW_CACHE, REFORMLEDGER_VAR_DIR=str(tmp_path / "var"), REDIS_URL="redis://127.0.0.1:6379/9").split()[0] == (
        "django.core.cache.backends.redis.RedisCache"
    )


@pytest.mark.django_db
def test_what_one_process_computed_another_reads_from_the_disk(disk_cache):
    store.set("rl:value:shared", ("computed once", 1))
    read = (
        "import django; django.setup(); from django.test import override_settings; "
        "from tests.core.test_server_cache import disk; from reformledger.core.store import store; "
        f"from pathlib import Path\nwith override_settings(CACHES=disk(Path({str(disk_cache)!r}))): "
        "print(store.get('rl:value:shared'))"
    )
    assert python(read, DJANGO_SETTINGS_MODULE="tests.settings") == "('computed once', 1)"


def test_its_connections_stay_open_when_a_request_finishes(disk_cache):
    cache = caches["default"]
    assert isinstance(cache, ServerCache)
    cache.set("k", 1)
    shard = cache._cache._shards[0]
    connection = shard._con
    cache.close()  # what Django does when a request finishes
    assert shard._con is connection
    assert cache.get("k") == 1


@pytest.mark.django_db(transaction=True)
def test_it_is_emptied_when_a_process_finds_another_database_under_it(disk_cache):
    head = AuditHead.objects.get(pk=1)
    current_snapshot()  # read outside a transaction: kept
    caches["default"].set("rl:value:old", "from another database")
    # As after a restore: the kept versions were read from a chain whose entry has another hash.
    versions._kept = Snapshot(head.seq + 1, "not this chain", {})
    current_snapshot()
    assert caches["default"].get("rl:value:old") is None


def test_only_the_servers_disk_cache_is_removed_on_start(disk_cache):
    caches["default"].set("left", 1)
    assert (disk_cache / "000" / "cache.db").exists()
    assert remove_server_cache_files(disk(disk_cache)) is True
    assert not disk_cache.exists()
    assert remove_server_cache_files({"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}) is False
    assert remove_server_cache_files(
        {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": str(disk_cache.parent)}}
    ) is False
    assert disk_cache.parent.exists()


def test_a_running_process_empties_only_the_servers_disk_cache(disk_cache):
    caches["default"].set("left", 1)
    assert empty_if_server_cache(caches["default"]) is True
    assert caches["default"].get("left") is None
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        caches["default"].set("kept", 1)
        assert empty_if_server_cache(caches["default"]) is False
        assert caches["default"].get("kept") == 1


SHOW_PREFIX = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'reformledger.settings'); django.setup(); "
    "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
)


def test_its_keys_name_the_database_they_were_read_from(tmp_path):
    """The files outlive the processes: a server pointed at another database never reads them."""
    var = str(tmp_path / "var")
    one = python(SHOW_PREFIX, REFORMLEDGER_VAR_DIR=var, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/one")
    again = python(SHOW_PREFIX, REFORMLEDGER_VAR_DIR=var, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/one")
    other = python(SHOW_PREFIX, REFORMLEDGER_VAR_DIR=var, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/two")
    assert one == again and one != other


def test_many_read_at_once_are_what_one_at_a_time_would_read(disk_cache):
    cache = caches["default"]
    cache.set_many({f"k{i}": f"value {i}".encode() for i in range(30)} | {"big": b"x" * 200_000}, 60)
    cache.set("gone", b"expired", timeout=0.01)
    time.sleep(0.05)
    names = [f"k{i}" for i in range(30)] + ["big", "gone", "never"]
    one_at_a_time = {name: value for name in names if (value := cache.get(name)) is not None}
    assert cache.get_many(names) == one_at_a_time
    assert set(one_at_a_time) == {f"k{i}" for i in range(30)} | {"big"}
    assert cache.get_many(names, version=2) == {}  # another version's keys are other keys


def test_writes_cull_the_expired_and_the_oldest_beyond_the_size_limit(tmp_path):
    directory = tmp_path / "small"
    settings = disk(directory)
    settings["default"]["OPTIONS"] = {**settings["default"]["OPTIONS"], "size_limit": 2_000_000}
    with override_settings(CACHES=settings):
        cache = caches["default"]
        cache.set("short", b"s", timeout=0.01)
        time.sleep(0.05)
        for round_ in range(servercache.CULL_EVERY):  # 6.4 MB written in all
            cache.set_many({f"r{round_}-{i}": b"y" * 10_000 for i in range(10)}, 300)
        fanout = cache._cache
        assert fanout.volume() < 2_000_000 * 1.2  # culled back to about the limit
        assert cache.get("short") is None and "short" not in set(fanout)  # the expired entry removed
        assert cache.get(f"r{servercache.CULL_EVERY - 1}-0") is not None  # the newest kept
        assert cache.get("r0-0") is None  # the oldest out


def test_many_written_at_once_keep_diskcaches_own_counts_and_replace_files(tmp_path):
    settings = disk(tmp_path / "files")
    settings["default"]["OPTIONS"] = {**settings["default"]["OPTIONS"], "disk_min_file_size": 1_000}
    with override_settings(CACHES=settings):
        cache = caches["default"]
        cache.set("was-a-file", b"f" * 5_000)  # stored as a file of its own
        files = {path for path in (tmp_path / "files").rglob("*.val")}
        assert len(files) == 1
        cache.set_many({"was-a-file": b"small now", "new": b"n", "also": b"a" * 500}, 60)
        cache.set_many({"new": b"n again", "object": {"not": "bytes"}, "large": b"L" * 3_000}, 60)
        assert cache.get_many(["was-a-file", "new", "also", "object", "large"]) == {
            "was-a-file": b"small now", "new": b"n again", "also": b"a" * 500, "object": {"not": "bytes"},
            "large": b"L" * 3_000,
        }
        assert not any(path.exists() for path in files)  # the old file removed with its entry
        for shard in cache._cache._shards:  # diskcache's own counts agree with its rows
            count, size = shard._sql("SELECT count(*), coalesce(sum(size), 0) FROM Cache").fetchone()
            assert shard.reset("count") == count and shard.reset("size") == size
