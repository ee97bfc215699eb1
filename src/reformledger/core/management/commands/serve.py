"""Serve Reform Ledger in production: gunicorn for the web, plus the background worker.

One command for one machine. Stops both on Ctrl-C or SIGTERM; if either dies, stops the other
and exits non-zero, so a supervisor (systemd) restarts the pair.
"""

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Serve with gunicorn on HOST:PORT and run the background worker beside it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, no_worker: bool, **options: Any
    ) -> None:
        python = sys.executable
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "reformledger.settings")}
        web = [
            python, "-m", "gunicorn", "reformledger.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(workers),
            "--threads", str(threads),
            "--access-logfile", "-",
            "--graceful-timeout", "10",
        ]
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
