"""Make a province for the benchmark: N districts like the demo's (540 reforms each), one database.

    DATABASE_URL=postgresql://... python bench/generate.py --districts 100

Idempotent: districts already there are left alone. Each district is built by the demo's own
generator (``reforms.demo.build_district``) with bulk inserts, so 100 districts take about a minute.
Also makes ``bench-office`` (password ``bench-office-pw``), a reform-office member who sees everything.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from reformledger.org.models import Membership, Role, Unit, UnitKind, User  # noqa: E402
from reformledger.reforms.demo import build_district  # noqa: E402
from reformledger.reforms.models import Reform  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    existing = set(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("code", flat=True))
    for n in range(1, args.districts + 1):
        code = f"d{n:03d}"
        if code in existing:
            continue
        result = build_district(code=code, name=f"第{n}区", seed=n, with_people=True, bulk=True, audit=False)
        print(f"{code}: {sum(result.created_reforms.values())} reforms in {result.seconds:.1f} s", flush=True)
    user, created = User.objects.get_or_create(username="bench-office", defaults={"full_name": "基准测试改革办"})
    if created:
        user.set_password("bench-office-pw")
        user.save()
        office_unit = Unit.objects.filter(kind=UnitKind.REFORM_OFFICE).order_by("code").first()
        Membership.objects.create(user=user, unit=office_unit, role=Role.OFFICE)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics and visibility map, as autovacuum would leave them
            cursor.execute("VACUUM ANALYZE")
    print(
        f"province: {Unit.objects.filter(kind=UnitKind.DISTRICT).count()} districts, "
        f"{Reform.objects.count():,} reforms, {Unit.objects.count():,} units "
        f"({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
