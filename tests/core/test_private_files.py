"""What the service writes is readable by the service only, and each served instance has its own
gunicorn control socket (issue 9 part 9, ADR 0027)."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from reformledger import umask
from reformledger.core.management.commands.serve import SOCKET_PATH_MAX, control_socket, gunicorn_command

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def command_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a real ``reformledger`` process with its own var dir and SQLite file."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "MEDIA_ROOT"}}
    return {**env, "DJANGO_SETTINGS_MODULE": "reformledger.settings", "REFORMLEDGER_VAR_DIR": str(var_dir), **extra}


def test_the_sqlite_file_made_by_migrate_is_not_world_readable(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)  # as a release before this one left it
    var.chmod(0o755)
    old_umask = os.umask(0o022)  # the usual login umask: the command must not rely on it
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "reformledger", "migrate", "--noinput", "-v0"],
            cwd=tmp_path, env=command_env(var), capture_output=True, text=True, timeout=300,
        )
    finally:
        os.umask(old_umask)
    assert done.returncode == 0, done.stderr
    database = var / "reformledger.sqlite3"
    assert database.exists()
    assert mode(database) & 0o077 == 0, oct(mode(database))
    assert mode(var / "secret_key") == 0o600
    assert mode(var) == 0o700
    for extra in var.glob("reformledger.sqlite3-*"):  # the WAL and its index, when left
        assert mode(extra) & 0o077 == 0, extra


@pytest.mark.parametrize(
    ("setting", "expected"), [("", 0o077), ("027", 0o027), ("002", 0o007), ("0o22", 0o027), ("rw", None)]
)
def test_the_umask_never_opens_files_to_other_users(monkeypatch, setting: str, expected: int | None):
    monkeypatch.setenv("REFORMLEDGER_UMASK", setting)
    if expected is None:
        with pytest.raises(SystemExit, match="REFORMLEDGER_UMASK"):
            umask.configured()
        return
    assert umask.configured() == expected
    assert umask.file_mode() == 0o666 & ~expected and umask.dir_mode() == 0o777 & ~expected


def test_a_var_dir_owned_by_the_service_is_narrowed(tmp_path):
    var = tmp_path / "open"
    var.mkdir()
    var.chmod(0o755)
    umask.secure_dir(var)
    assert mode(var) == 0o700
    fresh = tmp_path / "fresh"
    umask.secure_dir(fresh)
    assert mode(fresh) == 0o700


# --- the control socket ------------------------------------------------------------------------------


def test_two_instances_get_their_own_control_sockets(tmp_path):
    one, two = tmp_path / "a" / "var", tmp_path / "b" / "var"
    commands = [
        gunicorn_command(host="127.0.0.1", port=port, workers=1, threads=1, socket=control_socket(var))
        for port, var in ((8001, one), (8002, two))
    ]
    sockets = [command[command.index("--control-socket") + 1] for command in commands]
    assert sockets == [str(one.resolve() / "gunicorn.ctl"), str(two.resolve() / "gunicorn.ctl")]
    assert all(command[command.index("--control-socket-mode") + 1] == "0600" for command in commands)


def test_a_var_dir_too_deep_for_a_socket_serves_without_one(tmp_path):
    deep = tmp_path / ("d" * SOCKET_PATH_MAX)
    assert control_socket(deep) is None
    command = gunicorn_command(host="127.0.0.1", port=8001, workers=1, threads=1, socket=None)
    assert "--no-control-socket" in command and "--control-socket" not in command


def wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists():
            return True
        time.sleep(0.2)
    return path.exists()


def test_gunicorn_makes_the_socket_in_the_var_dir(tmp_path):
    """The installed gunicorn takes the options serve gives it: the socket appears where asked."""
    var = Path(tempfile.mkdtemp(prefix="rl-ctl-"))  # short: a socket's path is limited
    socket = control_socket(var)
    assert socket is not None
    command = gunicorn_command(host="127.0.0.1", port=0, workers=1, threads=1, socket=socket)
    env = command_env(var, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with (tmp_path / "gunicorn.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        assert wait_for(socket, process), (tmp_path / "gunicorn.log").read_text()
        assert stat.S_ISSOCK(socket.stat().st_mode) and mode(socket) == 0o600
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(var, ignore_errors=True)
