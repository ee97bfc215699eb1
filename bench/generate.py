"""Make a province for the benchmark: N districts like the demo's (540 reforms each), one database,
and about ten supervision tasks per reform (540,000 for 100 districts).

    DATABASE_URL=postgresql://... python bench/generate.py --districts 100

Idempotent: districts already there are left alone, and so are reforms that already have tasks.
Each district is built by the demo's own generator (``demo.district.build_district``) with bulk
inserts, so 100 districts take about a minute. Also makes ``bench-office`` (password
``bench-office-pw``), a member of the first district's reform office (who sees that district), and
``bench-province`` (password ``bench-province-pw``), a member of the province reform office (who
reads every district).

Tasks are shaped by the demo's planner (``reformledger.demo.generator``: ten tasks in two or three
layers, weights, which unit carries each task: lead unit, co-units, communities) with dates around today:

* completed reforms (2014–2018): every task done in its year;
* suspended and terminated reforms: done up to where the reform stopped, the rest left open (red);
* reforms in progress (each district's programme year, as the demo's: ``demo.story.programme_year``)
  run from a few months ago: most on track, a fifth with a task due within days and
  behind (amber), a fifth with an overdue or silent task (red);
* approved reforms start in the coming weeks.

``--levels compute`` (default) fills parents' progress and status, every level and each reform's
warning with the same code as the writes and the scan (``rollup.compute``) before inserting;
``--levels scan`` leaves all of that to the first ``scan-deadlines``. Tasks go in with
``bulk_create`` (explicit ids, so a tree's paths are known before the insert).

Every cache scope of every district gets a version, as in a province at work (``touch_versions``:
about 1,100 rows that every signed-in request reads).

``--reset-tasks`` removes every task (and what hangs on them) first; ``--reset-levels`` and
``--reset-reminders`` put the computed columns / the reminders back to before the first scan
(``bench/run.py`` uses them to time a first scan).
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from reformledger.demo import generator as planner  # noqa: E402
from reformledger.demo.district import build_district  # noqa: E402
from reformledger.org.models import Membership, Role, Unit, UnitKind, User  # noqa: E402
from reformledger.reforms.models import Reform, Status  # noqa: E402
from reformledger.supervision import levels  # noqa: E402
from reformledger.supervision.models import (  # noqa: E402
    Delivery,
    ReformWarning,
    Reminder,
    ScanRun,
    Task,
    TaskStatus,
)
from reformledger.supervision.rollup import REFORM_FIELDS, compute  # noqa: E402

CHUNK = 2000
ROOT_TITLES = ("调查摸底与方案制定", "组织实施与推进", "试点推广与评估")
CHILD_TITLES = ("制定工作方案", "召开推进协调会", "建立工作台账", "组织业务培训", "试点运行", "全面推开", "督导检查", "验收总结")
DELIVERABLES = ("工作方案", "工作台账", "会议纪要", "培训材料", "运行报告", "验收材料")
SUPERVISION_TABLES = (
    "supervision_delivery", "supervision_reminder", "supervision_scanrun", "supervision_evidence",
    "supervision_helprequest", "supervision_progressreport", "supervision_orderitem", "supervision_ordertarget",
    "supervision_order", "supervision_reformwarning", "supervision_task",
)


def make_districts(n: int) -> None:
    existing = set(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("code", flat=True))
    for i in range(1, n + 1):
        code = f"d{i:03d}"
        if code in existing:
            continue
        result = build_district(code=code, name=f"第{i}区", seed=i, with_people=True, bulk=True, audit=False)
        print(f"{code}: {sum(result.created_reforms.values())} reforms in {result.seconds:.1f} s", flush=True)
    user, created = User.objects.get_or_create(username="bench-office", defaults={"full_name": "基准测试改革办"})
    if created:
        user.set_password("bench-office-pw")
        user.save()
        office_unit = Unit.objects.filter(kind=UnitKind.REFORM_OFFICE).order_by("code").first()
        Membership.objects.create(user=user, unit=office_unit, role=Role.OFFICE)
    province, created = User.objects.get_or_create(username="bench-province", defaults={"full_name": "基准测试省改革办"})
    if created:
        province.set_password("bench-province-pw")
        province.save()
        Membership.objects.create(user=province, unit=None, role=Role.PROVINCE_OFFICE)


class Province:
    """What the trees are made of, read once: units, people, co-units."""

    def __init__(self) -> None:
        self.kind: dict[int, str] = {}
        self.communities: dict[int, list[int]] = defaultdict(list)
        self.sub_districts: dict[int, list[int]] = defaultdict(list)
        for pk, parent, kind, district in Unit.objects.values_list("pk", "parent_id", "kind", "district_id").order_by("pk"):
            self.kind[pk] = kind
            if kind == UnitKind.COMMUNITY:
                self.communities[parent].append(pk)
            elif kind == UnitKind.SUB_DISTRICT:
                self.sub_districts[district].append(pk)
        self.people: dict[int, list[int]] = defaultdict(list)
        rows = Membership.objects.filter(role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD), unit__isnull=False).values_list(
            "unit_id", "user_id", "role"
        )
        for unit, user, _role in sorted(rows, key=lambda r: (r[0], r[2] != Role.UNIT_STAFF, r[1])):
            self.people[unit].append(user)
        self.co_units: dict[int, list[int]] = defaultdict(list)
        for reform, unit in Reform.co_units.through.objects.values_list("reform_id", "unit_id").order_by("pk"):
            self.co_units[reform].append(unit)

    def grassroots(self, rng: random.Random, reform: int, district: int, lead: int) -> list[int]:
        return planner.grassroots(
            rng, lead=lead, kind=self.kind[lead], co=self.co_units[reform], communities=self.communities[lead],
            sub_districts=self.sub_districts[district], kind_of=self.kind.__getitem__,
        )


def plan_reform(province: Province, reform: tuple, today: dt.date) -> tuple[list[planner.Planned], list[int]]:
    """One reform's ten tasks (dates and leaf facts) and the unit of each."""
    pk, district, status, r_start, r_due, r_progress, lead = reform
    rng = random.Random(pk)
    stopped_on = None
    if status in (Status.IN_PROGRESS,):
        start = max(r_start, today - dt.timedelta(days=rng.randint(120, 330)))
        nodes = planner.plan_tree(rng, start=start, due=r_due)
        mood = planner.draw_mood(rng)
        planner.apply_mood(rng, nodes, mood, today=today)
    elif status in (Status.COMPLETED,) or r_due < today and status not in (Status.SUSPENDED, Status.TERMINATED):
        nodes = planner.plan_tree(rng, start=r_start, due=r_due)
    elif status in (Status.SUSPENDED, Status.TERMINATED):
        nodes = planner.plan_tree(rng, start=r_start, due=r_due)
        stopped_on = r_start + dt.timedelta(days=(r_due - r_start).days * r_progress // 100)
        for node in nodes:
            node.mood = planner.STOPPED
    else:  # approved (or a draft): starts in the coming weeks
        start = min(r_due, today + dt.timedelta(days=rng.randint(10, 45)))
        nodes = planner.plan_tree(rng, start=max(start, r_start), due=r_due)
    for node in nodes:
        if node.leaf:
            planner.leaf_facts(rng, node, today=today, stopped_on=stopped_on)
    grassroots = province.grassroots(rng, pk, district, lead)
    choose = planner.UnitChooser(rng, lead=lead, co=province.co_units[pk], grassroots=grassroots)
    return nodes, [choose(node) for node in nodes]


def add_tasks(today: dt.date, *, mode: str) -> int:
    """Ten tasks for every reform that has none, in chunks of reforms, each chunk one transaction."""
    started = time.perf_counter()
    have = set(Task.objects.values_list("reform_id", flat=True).distinct())
    todo = [row for row in Reform.objects.order_by("pk").values_list(*planner.REFORM_ROW) if row[0] not in have]
    if not todo:
        return 0
    province = Province()
    limits = levels.Thresholds.from_settings()
    next_id = (Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    made = 0
    for begin in range(0, len(todo), CHUNK):
        tasks: list[Task] = []
        warnings: list[ReformWarning] = []
        progress: dict[int, list[int]] = defaultdict(list)
        for reform in todo[begin : begin + CHUNK]:
            pk, district, status = reform[:3]
            nodes, units = plan_reform(province, reform, today)
            first_id, next_id = next_id, next_id + len(nodes)
            ids = [first_id + n.key for n in nodes]
            computed = {}
            if mode == "compute":
                rows = [planner.node_row(n, first_id=first_id) for n in nodes]
                out, result = compute(reform[: len(REFORM_FIELDS)], rows, on=today, limits=limits)
                computed = {node.pk: node for node in out}
                warnings.append(ReformWarning(
                    reform_id=pk, district_id=district, level=result.level, reason=result.reason,
                    open_tasks=result.open_tasks, red_tasks=result.red_tasks, amber_tasks=result.amber_tasks,
                    computed_on=today,
                ))
                if result.progress is not None and status not in (Status.COMPLETED, Status.TERMINATED):
                    progress[result.progress].append(pk)
            paths: dict[int, str] = {}
            for n, unit in zip(nodes, units, strict=True):
                task_id = ids[n.key]
                parent_id = ids[n.parent] if n.parent is not None else None
                paths[task_id] = f"{paths[parent_id]}{parent_id}/" if parent_id else ""
                people = province.people.get(unit, ())
                c = computed.get(task_id)
                title = (
                    ROOT_TITLES[n.index[0] % len(ROOT_TITLES)] if n.depth == 0
                    else CHILD_TITLES[(n.index[0] * 3 + n.index[1]) % len(CHILD_TITLES)] if n.depth == 1
                    else f"第{n.index[2] + 1}片区落实"
                )
                fields = planner.task_fields(n)
                if c:
                    fields.update(status=c.status, progress=c.progress, completed_on=c.completed_on, level=c.level,
                                  level_reason=c.level_reason)
                tasks.append(Task(
                    pk=task_id, reform_id=pk, district_id=district, parent_id=parent_id, path=paths[task_id],
                    title=title, unit_id=unit, assignee_id=people[n.key % len(people)] if people else None,
                    deliverable=DELIVERABLES[n.key % len(DELIVERABLES)], original_due_date=fields["due_date"], **fields,
                ))
        with transaction.atomic():
            Task.objects.bulk_create(tasks, batch_size=2000)
            ReformWarning.objects.bulk_create(warnings, batch_size=2000)
            for value, pks in progress.items():
                Reform.objects.filter(pk__in=pks).update(progress=value)
        made += len(tasks)
        print(f"tasks: {made:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('supervision_task', 'id'), (SELECT MAX(id) FROM supervision_task))"
            )
    return made


def truncate(tables) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def reset_reminders() -> None:
    """No reminder, delivery or scan yet: the state before the first ``scan-deadlines``."""
    truncate([Delivery._meta.db_table, Reminder._meta.db_table, ScanRun._meta.db_table])


def reset_levels() -> None:
    """What ``--levels scan`` leaves: leaves' own facts only; parents, levels, warnings to compute."""
    with transaction.atomic():
        Task.objects.exclude(level="green", level_reason="").update(level="green", level_reason="")
        parents = Task.objects.filter(pk__in=Task.objects.filter(parent__isnull=False).values("parent_id"))
        parents.update(status=TaskStatus.NOT_STARTED, progress=0, completed_on=None)
        ReformWarning.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--levels", choices=("compute", "scan"), default="compute",
                        help="compute parents and levels while generating (default), or leave them to the first scan")
    parser.add_argument("--today", help="generate around this date (YYYY-MM-DD); default: today")
    parser.add_argument("--reset-tasks", action="store_true", help="remove every task and all supervision data first")
    parser.add_argument("--reset-levels", action="store_true", help="only: put levels and parents back to before the first scan")
    parser.add_argument("--reset-reminders", action="store_true", help="only: remove reminders, deliveries and scan runs")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today) if args.today else timezone.localdate()
    started = time.perf_counter()
    if args.reset_levels or args.reset_reminders:
        if args.reset_reminders:
            reset_reminders()
        if args.reset_levels:
            reset_levels()
        _vacuum()
        print(f"reset in {time.perf_counter() - started:.1f} s")
        return
    if args.reset_tasks:
        truncate(SUPERVISION_TABLES)
    make_districts(args.districts)
    made = add_tasks(today, mode=args.levels)
    touched = touch_versions()
    _vacuum()
    print(
        f"province: {Unit.objects.filter(kind=UnitKind.DISTRICT).count()} districts, "
        f"{Reform.objects.count():,} reforms, {Unit.objects.count():,} units, {Task.objects.count():,} tasks "
        f"({made:,} new, levels: {args.levels}; around {today}; {touched:,} cache versions) "
        f"({time.perf_counter() - started:.1f} s)"
    )


def touch_versions() -> int:
    """Every cache scope a working province has a version for: each family of each district, and
    each family's ``every`` and ``*`` (bulk inserts write no audit entries, so none would exist).
    A province page reads them all (``core.versions``): measured with the few rows of a generated
    province, it would cost less than it does in a province at work.
    Versions already there are left as they are; the new ones are the audit chain's length, as
    an audited write would leave them (each process keeps the versions it read and then reads only
    those above the chain's head it read them at, ADR 0054)."""
    from reformledger.core.cache import families
    from reformledger.core.models import AuditHead, CacheVersion

    head = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0

    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("pk", flat=True))
    scopes = [f"{family}:{part}" for family in sorted(families()) for part in ("every", "*", *(f"d{pk}" for pk in districts))]
    CacheVersion.objects.bulk_create([CacheVersion(scope=scope, seq=head) for scope in scopes], ignore_conflicts=True)
    return CacheVersion.objects.count()


def _vacuum() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics and visibility map, as autovacuum would leave them
            cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
