"""The ``reformledger`` command: every Django management command plus the project's own.

``reformledger serve`` runs the production server (gunicorn) and the background worker together,
so that one machine needs one command. Every command starts by setting the umask, so what it
writes (the SQLite file, uploads, exports) is readable by the service only (:mod:`.umask`).
"""

import os
import sys

from reformledger import umask


def main(argv: list[str] | None = None) -> None:
    umask.restrict()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reformledger.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "reformledger"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
