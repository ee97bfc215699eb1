"""Count the SQL queries of benchmark targets, in process, against the benchmark database.

    python bench/queries.py --token TOKEN --province-token TOKEN office:/office/reforms/ province:/api/v1/warnings ...

Each path is requested twice as ``bench-office`` or ``bench-province`` (its prefix; pages through
the session, ``/api/`` paths with that person's bearer token): the first request finds an empty cache, the second the cache the first filled.
Prints ``{path: {"status": ..., "first": n, "second": n}}`` as JSON (``bench/run.py`` runs it).
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from reformledger.org.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--province-token", required=True)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    setup_test_environment()
    pages = {"office": Client(), "province": Client()}
    pages["office"].force_login(User.objects.get(username="bench-office"))
    pages["province"].force_login(User.objects.get(username="bench-province"))
    apis = {"office": Client(headers={"Authorization": f"Bearer {args.token}"}),
            "province": Client(headers={"Authorization": f"Bearer {args.province_token}"})}
    cache.clear()
    out = {}
    for who_path in args.paths:
        who, path = who_path.split(":", 1)
        client = apis[who] if path.startswith("/api/") else pages[who]
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts.append(len(queries))
        out[who_path] = {"status": response.status_code, "first": counts[0], "second": counts[1]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
