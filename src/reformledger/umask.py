"""What the service writes is readable by the service only (ADR 0027).

Every process of Reform Ledger (``reformledger serve``, its gunicorn workers and background worker,
every management command, a WSGI server importing :mod:`reformledger.wsgi`) sets its umask at start
with :func:`restrict`, so the SQLite file, its journal, uploaded evidence and attachments, the
secret key and exported files are created without access for other users of the host. The default,
``077``, leaves nothing to the group either; ``REFORMLEDGER_UMASK=027`` lets the service's group
read (a backup agent in that group). Access for everyone else is never given, whatever is set.

Settings read :func:`file_mode` and :func:`dir_mode` for Django's upload permissions, and
:func:`secure_dir` narrows the var dir (and the media directory) made by an older release.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_UMASK = 0o077
#: Bits every umask keeps: nothing for other users.
ALWAYS_MASKED = 0o007


def configured() -> int:
    """The umask: ``REFORMLEDGER_UMASK`` (octal, e.g. ``027``) or 077, always masking other users."""
    text = os.environ.get("REFORMLEDGER_UMASK", "").strip()
    try:
        value = int(text, 8) if text else DEFAULT_UMASK
    except ValueError as exc:
        raise SystemExit(f"REFORMLEDGER_UMASK={text!r} is not an octal umask such as 077 or 027") from exc
    return (value & 0o777) | ALWAYS_MASKED


def restrict() -> int:
    """Set the process's umask (:func:`configured`); the previous one."""
    return os.umask(configured())


def file_mode() -> int:
    """The mode of a file the service creates (0600 by default)."""
    return 0o666 & ~configured()


def dir_mode() -> int:
    """The mode of a directory the service creates (0700 by default)."""
    return 0o777 & ~configured()


def secure_dir(path: Path) -> None:
    """Make ``path`` (created if missing) no more open than :func:`dir_mode`, when it is ours.

    A directory owned by someone else (root's ``/srv``) is left alone: that is its owner's choice.
    """
    path.mkdir(parents=True, exist_ok=True, mode=dir_mode())
    stat = path.stat()
    if stat.st_uid == os.geteuid() and stat.st_mode & 0o777 & ~dir_mode():
        try:
            path.chmod(stat.st_mode & 0o777 & dir_mode())
        except OSError:  # a read-only mount: nothing to write there either
            pass
