"""The demo district's supervision (督查督办): task trees, reports with evidence, orders, help
needed, a completion application, change requests, and today's warnings and reminders.

``load_supervision_demo(district)`` adds them to the demo district loaded by
``demo.district.load_demo`` (``reformledger demo-data`` calls both). It works in two parts:

1. **Trees.** Every reform of the programme year (``story.programme_year``) still open (in progress
   or approved) gets a task tree of ten tasks in two or three layers: the reform's measures are the
   first layer, their steps the second, the communities or sub-districts that carry them out the
   third, with weights, co-units, communities and responsible people. The article's reforms
   (2014–2018) are history and get none. The trees, and what happened before today — progress reports with their evidence files, the
   office's reviews, help needed — are written as rows (the services date everything today, and
   730 tasks one by one through ``services.create_task`` take ten times longer), in a few bulk
   inserts, recorded in the audit trail in one bulk append (action ``demo.create``) like the district
   loader's rows; the planner keeps every task inside its parent's and its reform's dates and gives
   it a person of its unit. Each tree is then rolled up by ``rollup.refresh_reform``. Each reform
   is given a mood (the parts some play are in ``story``: :class:`~.story.Cast`): most are on track, some are behind with a task due within days (amber), some
   have an overdue or silent task (red), one has finished every task and applied for completion.
2. **Today's work**, through the services: a report filed by ``unit`` and one asking for help, one
   report accepted and one returned, help resolved, four supervision orders (one not acknowledged,
   so it escalates), a completion application, a change request awaiting the office for a key
   reform and one approved with the committee's meeting, an urging. Then ``scan_deadlines`` runs
   once: levels, reminders and the inbox exist for the demo logins.

Dates are relative to the day it runs (``rollup.today()``). Like the district loader it only fills
gaps: a reform that already has tasks is left alone, and today's work is done once per district
(when the district has no supervision order yet). A second run changes nothing.

The pure planner (:mod:`.generator`: ``plan_tree``, ``apply_mood``, ``leaf_facts``, the unit
choice) also shapes the benchmark's 540,000 tasks (``bench/generate.py``). What happened before
today is in :mod:`.history`, today's work in :mod:`.today`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reformledger.org.models import Membership, Role, SpecialGroup, Unit, UnitKind, User
from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision import rollup
from reformledger.supervision.models import HelpRequest, Order, Task
from reformledger.supervision.scan import scan_deadlines

from . import documents
from .catalogue import split_measures
from .generator import (
    DONE,
    GREEN,
    Planned,
    UnitChooser,
    apply_mood,
    draw_mood,
    grassroots,
    leaf_facts,
    plan_tree,
    task_fields,
)
from .history import write_history
from .story import (
    DEMO_CODE,
    DEMO_SEED,
    ESCALATE,
    KEY_MOODS,
    SHOWCASE_ROLES,
    SHOWCASE_SUB_DISTRICT,
    STAGE_DELIVERABLES,
    STAGES,
    Cast,
    programme_year,
)
from .today import todays_work
from .writing import Writes


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _short(text: str) -> str:
    head = text.split("，")[0]
    return head if len(head) <= 16 else head[:16]


@dataclass
class Tree:
    reform: Reform
    mood: str
    plan: list[Planned]
    marked: list[Planned]
    tasks: list[Task] = field(default_factory=list)


@dataclass
class SupervisionResult:
    district: Unit
    created: Counter[str]
    seconds: float
    scan: dict | None = None

    @property
    def created_anything(self) -> bool:
        return any(v for k, v in self.created.items() if k != "audit_entries")


class Story(Writes):
    """What the writers share: the day, the people, the trees, the audit entries."""

    def __init__(self, district: Unit, today: dt.date, cast: Cast):
        super().__init__()
        self.district, self.today, self.cast = district, today, cast
        code = district.code
        self.users = {u.username: u for u in User.objects.filter(
            username__in=["office", "leader", "unit", f"{code}-office-1", f"{code}-office-4"]
        )}
        self.office_head = self.users.get(f"{code}-office-1") or self.users["office"]
        self.office = self.users.get("office") or self.office_head
        self.inspector = self.users.get(f"{code}-office-4") or self.office
        self.members: dict[int, list[User]] = defaultdict(list)
        memberships = (
            Membership.objects.filter(unit__district=district, role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD), user__is_active=True)
            .select_related("user")
            .order_by("unit_id", "role", "user__username")
        )
        for m in sorted(memberships, key=lambda m: (m.unit_id or 0, m.role != Role.UNIT_STAFF, m.user.username)):
            self.members[m.unit_id or 0].append(m.user)  # unit__district: never without a unit
        self.showcase = Unit.objects.filter(code=f"{code}-{SHOWCASE_SUB_DISTRICT}").first()
        self.sub_districts = list(Unit.objects.filter(district=district, kind=UnitKind.SUB_DISTRICT).order_by("sort_order"))
        self.communities: dict[int, list[Unit]] = defaultdict(list)
        for community in Unit.objects.filter(district=district, kind=UnitKind.COMMUNITY).order_by("sort_order", "code"):
            self.communities[community.parent_id or 0].append(community)  # a community has a sub-district
        self.leaders = {
            g.domain_id: g.leader for g in SpecialGroup.objects.filter(district=district).select_related("leader") if g.leader_id
        }
        self.trees: dict[str, Tree] = {}
        self.pictures: dict[int, bytes] = {}
        self.to_resolve: list[tuple[HelpRequest, str]] = []

    # who
    def actor(self, unit: Unit) -> User:
        people = self.members.get(unit.pk) or []
        if self.showcase and unit.pk == self.showcase.pk and "unit" in self.users:
            return self.users["unit"]
        return people[0] if people else self.office

    def assignee(self, rng: random.Random, unit: Unit) -> User | None:
        if self.showcase and unit.pk == self.showcase.pk and "unit" in self.users:
            return self.users["unit"] if rng.random() < 0.75 else (self.members[unit.pk] + [self.users["unit"]])[0]
        people = self.members.get(unit.pk) or []
        return people[0] if people else None

    def member(self, unit: Unit) -> User | None:
        """Someone of ``unit`` who acts for it today (``unit`` for the showcase sub-district)."""
        people = self.members.get(unit.pk) or []
        if self.showcase is not None and unit.pk == self.showcase.pk:
            return self.users.get("unit") or (people[0] if people else None)
        return people[0] if people else None

    def help_leader(self, reform: Reform) -> User | None:
        leader = self.leaders.get(reform.domain_id)
        return leader if leader is not None and leader.is_active else reform.responsible_leader

    # when
    def at(self, day: dt.date, rng: random.Random) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
        return min(timezone.make_aware(moment), timezone.now())

    # files
    def evidence_file(self, kind: str, *, title: str, stage: str, lines: Sequence[str], seed: int) -> ContentFile:
        return documents.evidence_file(kind, title=title, stage=stage, lines=lines, seed=seed, pictures=self.pictures)


@transaction.atomic
def load_supervision_demo(*, district: Unit | None = None, on: dt.date | None = None) -> SupervisionResult:
    """Add supervision to the demo district (``lh``), creating only what is missing; see the module."""
    started = time.perf_counter()
    district = district or Unit.objects.get(code=DEMO_CODE)
    today = on or rollup.today()
    year = programme_year(today)
    prefix = f"{district.code.upper()}-{year}-"
    reforms = list(
        Reform.objects.filter(
            district=district, year=year, code__startswith=prefix, status__in=(Status.IN_PROGRESS, Status.APPROVED)
        )
        .exclude(pk__in=Task.objects.filter(district=district).values("reform_id"))
        .select_related("lead_unit", "domain", "responsible_leader")
        .prefetch_related("co_units")
        .order_by("code")
    )
    first_time = not Order.objects.filter(district=district).exists()
    if not reforms and not first_time:
        return SupervisionResult(district=district, created=Counter(), seconds=time.perf_counter() - started)
    story = Story(district, today, cast_of(district, year))
    completion_code = _completion_reform(story, reforms) if first_time else None
    for reform in reforms:
        _build_tree(story, reform, done=reform.code == completion_code)
    _insert_trees(story)
    write_history(story)
    story.append_audit()
    for tree in story.trees.values():
        rollup.refresh_reform(tree.reform.pk, on=today)
    if first_time:
        todays_work(story)
    scan = None
    if story.created_anything():
        scan = scan_deadlines(on=today)
    return SupervisionResult(district=district, created=story.created, seconds=time.perf_counter() - started, scan=scan)


def cast_of(district: Unit, year: int) -> Cast:
    """Who plays which part this year: the key reforms by code suffix, and the showcase
    sub-district's first three micro-reforms in progress (by code)."""
    prefix = f"{district.code.upper()}-{year}-"
    codes = {role: f"{prefix}{role}" for role in KEY_MOODS}
    showcase = (
        Reform.objects.filter(
            district=district, year=year, tier=Tier.MICRO, status=Status.IN_PROGRESS,
            lead_unit__code=f"{district.code}-{SHOWCASE_SUB_DISTRICT}",
        )
        .order_by("code")
        .values_list("code", flat=True)[: len(SHOWCASE_ROLES)]
    )
    codes.update(zip(SHOWCASE_ROLES, showcase, strict=False))
    return Cast(codes=codes)


def _completion_reform(story: Story, reforms: list[Reform]) -> str | None:
    """A micro-reform in progress, led by a sub-district other than the showcase, whose tasks are
    all done: its lead unit applies for completion."""
    for reform in reforms:
        if (
            reform.tier == Tier.MICRO and reform.status == Status.IN_PROGRESS and story.cast.role(reform.code) is None
            and reform.lead_unit.kind == UnitKind.SUB_DISTRICT
            and (story.showcase is None or reform.lead_unit_id != story.showcase.pk)
        ):
            return reform.code
    return None


def _build_tree(story: Story, reform: Reform, *, done: bool) -> None:
    """Plan a reform's tree: the tasks, their units and people, and the leaves' facts as of today
    (inserted by :func:`_insert_trees`)."""
    today = story.today
    rng = random.Random(f"{DEMO_SEED}-supervision-{reform.code}")
    mood = DONE if done else story.cast.mood(reform.code) or draw_mood(rng)
    if reform.status == Status.APPROVED:
        mood = GREEN
    end = reform.due_date
    assert end is not None  # every reform of the programme year has its dates
    if reform.status == Status.APPROVED:
        start = today + _days(rng.randint(10, 40))
    elif done:
        start, end = today - _days(rng.randint(200, 300)), today - _days(rng.randint(5, 15))
    else:
        start = today - _days(rng.randint(150, 300))
    start = max(start, reform.start_date or start)
    plan = plan_tree(rng, start=start, due=end)
    escalate = story.cast.role(reform.code) in ESCALATE
    marked = apply_mood(rng, plan, mood, today=today, escalate=escalate) if mood != GREEN else []
    for node in plan:
        if node.leaf:
            leaf_facts(rng, node, today=today)
    tasks = _tasks(story, reform, rng, plan, marked)
    story.trees[reform.code] = Tree(reform=reform, mood=mood, plan=plan, marked=marked, tasks=tasks)


def _tasks(story: Story, reform: Reform, rng: random.Random, plan: list[Planned], marked: list[Planned]) -> list[Task]:
    """The planned tree as tasks: titles from the reform's measures, units, people."""
    lead = reform.lead_unit
    co = [u for u in reform.co_units.all() if u.is_active]
    carriers = grassroots(
        rng, lead=lead, kind=lead.kind, co=co, communities=story.communities.get(lead.pk, []),
        sub_districts=story.sub_districts, kind_of=lambda u: u.kind,
    )
    choose = UnitChooser(rng, lead=lead, co=co, grassroots=carriers)
    showcase_led = story.showcase is not None and lead.pk == story.showcase.pk
    marked_keys = {n.key for n in marked}
    steps = split_measures(reform)
    deliverables = [d for d in (reform.deliverables or "").rstrip("。").split("；") if d] or ["工作总结"]
    children = Counter(n.parent for n in plan)
    tasks: list[Task] = []
    for node in plan:
        measure = steps[node.index[0] % len(steps)]
        mine = node.key in marked_keys and showcase_led  # the showcase login's own overdue / behind work
        unit = choose(node, pinned=lead if mine else None)
        siblings = children[node.parent]
        if node.depth == 0:
            title, deliverable = measure, deliverables[node.index[0] % len(deliverables)]
        elif node.depth == 1:
            stages = STAGES[min(3, siblings)]
            title = f"{_short(measure)}：{stages[node.index[1] % len(stages)]}"
            deliverable = STAGE_DELIVERABLES[min(3, siblings)][node.index[1] % len(stages)]
        else:
            title, deliverable = f"{unit.name}落实“{_short(measure)}”", f"{unit.name}工作台账"
        assignee = (story.users.get("unit") if mine and unit == lead else None) or story.assignee(rng, unit)
        tasks.append(Task(
            reform=reform, district_id=reform.district_id, title=title[:200], unit=unit, assignee=assignee,
            deliverable=deliverable, **task_fields(node),
        ))
    return tasks


def _insert_trees(story: Story) -> None:
    """Every planned tree in three inserts, one per layer (parents first, for their ids and paths),
    recorded in the audit trail like the services record a new task."""
    trees = list(story.trees.values())
    for depth in range(3):
        layer = []
        for tree in trees:
            for node, task in zip(tree.plan, tree.tasks, strict=True):
                if node.depth != depth:
                    continue
                if node.parent is not None:
                    parent = tree.tasks[node.parent]
                    task.parent, task.path = parent, f"{parent.path}{parent.pk}/"
                task.original_due_date = task.due_date
                layer.append(task)
        Task.objects.bulk_create(layer, batch_size=500)
    for tree in trees:
        for task in tree.tasks:
            story.record(task, {
                "reform": task.reform_id, "parent": task.parent_id, "title": task.title, "unit": task.unit_id,
                "assignee": task.assignee_id, "start_date": task.start_date, "due_date": task.due_date,
                "weight": task.weight, "deliverable": task.deliverable, "sort_order": task.sort_order,
            })
        story.created["task_trees"] += 1
        story.created["tasks"] += len(tree.tasks)

