"""Two app processes on different ports, one database and one shared cache: they agree (core.cache).

Each process serves with gunicorn and a shared cache — Redis (``REDIS_URL``), or the server's disk
cache (``CACHE_DIR``, ADR 0060) — so cached pages are shared: a page read through one process is
stored in the shared cache, a write through the other bumps the versions in the database, and the
next read through the first process sees the write at once.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import diskcache
import pytest
import redis

from reformledger.core.tokens import create_token
from reformledger.reforms.models import Status
from tests.supervision.test_worker import shared_db  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database_url: str, port: int, var_dir: Path, log: Path, cache: dict[str, str]) -> subprocess.Popen:
    env = {
        **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "CACHE_DIR", "CACHE_IN_MEMORY")},
        **cache,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "REFORMLEDGER_VAR_DIR": str(var_dir),
        "SECRET_KEY": "two-processes-" + "x" * 40,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "gunicorn", "reformledger.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--log-level", "warning", "--control-socket", str(var_dir / f"gunicorn-{port}.ctl")]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def call(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data or b"{}")


def wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app process exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the app process did not answer:\n{log.read_text(errors='replace')[-3000:]}")


class SharedRedis:
    def __init__(self, tmp_path: Path) -> None:
        self.client = redis.Redis.from_url(REDIS_URL)
        self.client.ping()  # Redis must be running (CI starts it): fail, never skip
        self.client.flushdb()
        self.env = {"REDIS_URL": REDIS_URL}

    def has_page(self) -> bool:
        return bool(self.client.keys("*rl:value:*"))

    def empty(self) -> None:
        self.client.flushdb()


class SharedDisk:
    def __init__(self, tmp_path: Path) -> None:
        self.directory = tmp_path / "cache"
        self.env = {"CACHE_DIR": str(self.directory)}

    def has_page(self) -> bool:
        if not self.directory.exists():
            return False
        with diskcache.FanoutCache(str(self.directory), shards=4) as files:
            return any("rl:value:" in str(key) for key in files)

    def empty(self) -> None:
        pass


@pytest.mark.parametrize("shared_cache", [SharedRedis, SharedDisk], ids=["redis", "disk"])
def test_a_write_through_one_process_is_seen_by_the_next_read_through_the_other(
    shared_db, people, reform_factory, tmp_path, shared_cache  # noqa: F811
):
    shared = shared_cache(tmp_path)
    reform = reform_factory(title="改革甲", status=Status.IN_PROGRESS)
    token = create_token(user=people.office)
    ports = [free_port(), free_port()]
    log = tmp_path / "servers.log"
    servers = [serve(shared_db, port, tmp_path, log, shared.env) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_up(port, server, log)
        first, second = ports
        path = f"/api/v1/reforms?q={reform.code}"
        status, page = call(first, "GET", path, token)
        assert status == 200 and [item["title"] for item in page["items"]] == ["改革甲"]
        # Written to the shared cache once the response is sent (core.store): at most a moment later.
        deadline = time.monotonic() + 10
        while not shared.has_page() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert shared.has_page(), "the page was not stored in the shared cache"
        # The other process serves the same page from the shared cache (the same bytes).
        assert call(second, "GET", path, token)[1] == page

        status, changed = call(second, "PATCH", f"/api/v1/reforms/{reform.pk}", token, {"title": "改革乙"})
        assert status == 200, changed
        status, page = call(first, "GET", path, token)
        assert [item["title"] for item in page["items"]] == ["改革乙"]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(20)
        shared.empty()
