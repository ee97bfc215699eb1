"""Serve Reform Ledger in production: gunicorn for the web, plus the background worker.

One command for one machine. Without Redis, its processes share the server's disk cache, removed
first (``core.servercache``). Stops both on Ctrl-C or SIGTERM; if either dies, stops the other
and exits non-zero, so a supervisor (systemd) restarts the pair.

Each instance gets its own gunicorn control socket, ``gunicorn.ctl`` in its var dir (mode 0600), not
gunicorn's default shared by every instance of the user on the host (``~/.gunicorn/gunicorn.ctl``):
``gunicornc -s var/gunicorn.ctl`` reaches this instance and no other. ``--no-control-socket`` (or a
var dir too deep for a Unix socket's path) runs without one (ADR 0027).
"""

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reformledger.core.servercache import remove_server_cache_files

#: The longest path a Unix socket may have, with room to spare (Linux allows 107 bytes, macOS 103).
SOCKET_PATH_MAX = 100


def control_socket(var_dir: Path) -> Path | None:
    """This instance's control socket (in its var dir), or None when its path is too long for one."""
    path = Path(var_dir).resolve() / "gunicorn.ctl"
    return path if len(os.fsencode(path)) <= SOCKET_PATH_MAX else None


def gunicorn_command(
    *, host: str, port: int, workers: int, threads: int, socket: Path | None, python: str = sys.executable
) -> list[str]:
    """The command line that serves the site: gunicorn with this instance's control socket or none."""
    return [
        python, "-m", "gunicorn", "reformledger.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--access-logfile", "-",
        "--graceful-timeout", "10",
        *(["--control-socket", str(socket), "--control-socket-mode", "0600"] if socket else ["--no-control-socket"]),
    ]


class Command(BaseCommand):
    help = "Serve with gunicorn on HOST:PORT and run the background worker beside it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")
        parser.add_argument(
            "--no-control-socket", action="store_true", help="Run gunicorn without a control socket (gunicornc)."
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, no_worker: bool, no_control_socket: bool,
        **options: Any,
    ) -> None:
        python = sys.executable
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "reformledger.settings")}
        socket = None if no_control_socket else control_socket(settings.VAR_DIR)
        if socket is None and not no_control_socket:
            self.stderr.write(_("The var dir's path is too long for a control socket; serving without one."))
        # The server's disk cache outlives its processes: start without it (ADR 0060).
        remove_server_cache_files(settings.CACHES)
        web = gunicorn_command(host=host, port=port, workers=workers, threads=threads, socket=socket, python=python)
        children = [subprocess.Popen(web, env=env)]  # noqa: S603 - our own interpreter and arguments
        if not no_worker:
            worker = [python, "-m", "reformledger", "worker", "--interval", "1"]
            children.append(subprocess.Popen(worker, env=env))  # noqa: S603
        db = settings.DATABASES["default"]
        self.stdout.write(
            _("Reform Ledger on http://%(host)s:%(port)s/ (%(engine)s: %(name)s); Ctrl-C stops it.")
            % {"host": host, "port": port, "engine": db["ENGINE"].rsplit(".", 1)[-1], "name": db["NAME"]}
        )

        def stop() -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            stop()
            sys.exit(0)

        signal.signal(signal.SIGTERM, on_sigterm)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            stop()
            return
        stop()
        sys.exit(1)
