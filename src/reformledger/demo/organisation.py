"""The demo district's organisation: the district, its committee and reform office, 25 district
departments, the 10 sub-districts with 83 communities and a few hundred estates, leaders by tier,
special groups. People have invented names.

Pure builders (:func:`units`, :func:`people`, :func:`groups`) compute it from a seed; the writers
(:func:`ensure_units`, :func:`ensure_people`, :func:`ensure_groups`) insert what is missing by
natural key (unit code, username, group domain), in bulk, recorded for the audit trail.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from reformledger.org.models import LeaderTier, Membership, Role, SpecialGroup, Unit, UnitKind, User

from .story import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DOMAIN_CODES,
    DOMAIN_NAMES,
    LEADER_GROUP_DOMAIN,
    PROVINCE_OFFICE_KEY,
    SHOWCASE_SUB_DISTRICT,
)
from .writing import Context, DemoDataError

#: District departments: (code suffix, name, head's title, domains it usually works in).
DEPARTMENTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("gov-office", "区政府办公室", "主任", ("government-functions",)),
    ("org", "区委组织部", "部长", ("party-building",)),
    ("publicity", "区委宣传部", "部长", ("party-building",)),
    ("law", "区委政法委", "书记", ("grassroots-governance",)),
    ("staffing", "区委编办", "主任", ("grassroots-governance", "government-functions")),
    ("drc", "区发展和改革局", "局长", ("industry", "government-functions")),
    ("economy", "区经济促进局", "局长", ("industry",)),
    ("sci", "区科技创新局", "局长", ("industry",)),
    ("finance", "区财政局", "局长", ("government-functions",)),
    ("hr", "区人力资源局", "局长", ("public-services", "government-functions")),
    ("data", "区政务服务数据管理局", "局长", ("government-functions",)),
    ("market", "区市场监督管理局", "局长", ("government-functions", "industry")),
    ("health", "区卫生健康局", "局长", ("public-services",)),
    ("hospital", "区医疗健康集团", "院长", ("public-services",)),
    ("edu", "区教育局", "局长", ("public-services",)),
    ("civil", "区民政局", "局长", ("grassroots-governance", "public-services")),
    ("justice", "区司法局", "局长", ("grassroots-governance", "government-functions")),
    ("housing", "区住房和建设局", "局长", ("development-space", "grassroots-governance")),
    ("renewal", "区城市更新和土地整备局", "局长", ("development-space",)),
    ("inspection", "区规划土地监察局", "局长", ("development-space",)),
    ("eco", "区生态环境分局", "局长", ("industry",)),
    ("culture", "区文化广电旅游体育局", "局长", ("public-services", "industry")),
    ("emergency", "区应急管理局", "局长", ("grassroots-governance",)),
    ("veterans", "区退役军人事务局", "局长", ("public-services",)),
    ("affairs", "区机关事务管理局", "局长", ("government-functions",)),
)

#: The 10 sub-districts of Luohu, each with its communities (83 in all).
SUB_DISTRICTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("guiyuan", "桂园街道", ("松园", "老围", "新围", "宝安", "大塘龙", "人民桥", "桂木园", "红围")),
    ("huangbei", "黄贝街道", ("黄贝岭", "新谊", "罗芳", "凤凰", "文华", "怡景", "新秀", "碧波", "文锦")),
    ("dongmen", "东门街道", ("湖贝", "东门", "立新", "城东", "新园", "花场", "赤水洞", "向西", "晒布")),
    ("cuizhu", "翠竹街道", ("翠竹", "木头龙", "民新", "水贝", "翠锦", "翠达", "华丽", "董家", "北斗")),
    ("nanhu", "南湖街道", ("渔邨", "新南", "罗湖", "嘉北", "火车站", "南湖", "友谊", "海关", "滨河")),
    ("sungang", "笋岗街道", ("笋岗", "田心", "笋西", "湖景", "洪湖", "梨园", "宝岗")),
    ("donghu", "东湖街道", ("东湖", "大望", "梧桐山", "翠湖", "新田", "布心", "金湖", "东乐", "水库")),
    ("liantang", "莲塘街道", ("莲塘", "仙湖", "鹏兴", "畔山", "坳下", "长岭", "西岭", "莲馨", "聚宝")),
    ("dongxiao", "东晓街道", ("东晓", "独树", "兰花", "绿景", "松泉", "翠鹏", "马山", "草埔")),
    ("qingshuihe", "清水河街道", ("清水河", "草埔东", "草埔西", "玉龙", "银湖", "坭岗")),
)

#: External bodies, for the third-party evaluation of later issues.
EXTERNAL_BODIES: tuple[tuple[str, str], ...] = (
    ("ext-city-office", "市委改革办"),
    ("ext-city-research", "市政府发展研究中心"),
    ("ext-evaluator", "第三方评估机构"),
)


_ESTATE_HEADS = (
    "金湖", "翠竹", "碧波", "宝丽", "华茂", "嘉宾", "鸿翔", "金丽", "银湖", "莲花", "东方", "港逸", "锦绣",
    "丽晶", "朝晖", "景亿", "华城", "泰宁", "湖景", "怡泰", "翠拥", "凤凰", "松涛", "桂苑", "雅园", "世纪",
    "南国", "鹏程", "德兴", "文锦", "向阳", "海丽", "富丽", "安业", "东乐", "永新",
)
_ESTATE_TAILS = ("花园", "大厦", "苑", "新村", "华庭", "山庄", "公寓", "雅居", "家园", "豪园", "名苑", "广场")

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范廖方石邱"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚文华建国志海红玲晓东宁斌鹏辉颖琳婷雪慧思宇浩然涵欣怡佳俊峰凯嘉锐振家卫新春玉兰瑞晨阳帆"
#: Real people named in the article: generated names never take them.
_REAL_NAMES = frozenset({"贺海涛", "罗育德", "李小宁", "罗海鸣"})


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None  # parent's code; None for the district
    sort_order: int = 0


@dataclass(frozen=True)
class MembershipSpec:
    unit: str | None  # unit code
    role: str
    title: str = ""
    leader_tier: str = ""
    domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    memberships: tuple[MembershipSpec, ...]
    is_staff: bool = False
    demo_login: bool = False  # gets DEMO_PASSWORD; everyone else an unusable password


@dataclass(frozen=True)
class GroupSpec:
    domain: str
    name: str
    leader: str | None  # username
    member_units: tuple[str, ...]


def unit_specs(code: str, name: str, rng: random.Random) -> list[UnitSpec]:
    out = [
        UnitSpec(code, name, UnitKind.DISTRICT, None, 0),
        UnitSpec(f"{code}-committee", "区委全面深化改革委员会", UnitKind.COMMITTEE, code, 1),
        UnitSpec(f"{code}-office", "区委改革办", UnitKind.REFORM_OFFICE, code, 2),
    ]
    out += [
        UnitSpec(f"{code}-{slug}", dept_name, UnitKind.DEPARTMENT, code, 10 + i)
        for i, (slug, dept_name, _title, _domains) in enumerate(DEPARTMENTS)
    ]
    out += [
        UnitSpec(f"{code}-{slug}", sub_name, UnitKind.SUB_DISTRICT, code, 100 + i)
        for i, (slug, sub_name, _communities) in enumerate(SUB_DISTRICTS)
    ]
    out += [
        UnitSpec(f"{code}-{slug}", ext_name, UnitKind.EXTERNAL, code, 900 + i)
        for i, (slug, ext_name) in enumerate(EXTERNAL_BODIES)
    ]
    communities: list[UnitSpec] = []
    for slug, _sub_name, places in SUB_DISTRICTS:
        for i, place in enumerate(places, start=1):
            communities.append(UnitSpec(f"{code}-{slug}-c{i:02d}", f"{place}社区", UnitKind.COMMUNITY, f"{code}-{slug}", i))
    out += communities
    # Estates (小区) under about two thirds of the communities, 2-5 each.
    for community in communities:
        if rng.random() < 0.35:
            continue
        names: set[str] = set()
        for i in range(1, rng.randint(2, 5) + 1):
            estate = rng.choice(_ESTATE_HEADS) + rng.choice(_ESTATE_TAILS)
            while estate in names:
                estate = rng.choice(_ESTATE_HEADS) + rng.choice(_ESTATE_TAILS)
            names.add(estate)
            out.append(UnitSpec(f"{community.code}-e{i:02d}", estate, UnitKind.ESTATE, community.code, i))
    return out


class _Names:
    """Invented Chinese names, unique within a district, never a real person's from the article."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set(_REAL_NAMES)

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.choice(_GIVEN) for _i in range(self.rng.choice((1, 2, 2))))
            full = self.rng.choice(_SURNAMES) + given
            if full not in self.used:
                self.used.add(full)
                return full


def person_specs(code: str, units: list[UnitSpec], rng: random.Random, demo_logins: bool) -> list[PersonSpec]:
    new_name = _Names(rng)
    demo_by_key = {key: username for username, key in DEMO_LOGINS.items()} if demo_logins else {}
    people: list[PersonSpec] = []

    def add(key: str, *memberships: MembershipSpec, is_staff: bool = False) -> None:
        demo = key in demo_by_key
        people.append(
            PersonSpec(
                username=demo_by_key.get(key, f"{code}-{key}"),
                full_name=new_name(),
                memberships=memberships,
                is_staff=is_staff,
                demo_login=demo,
            )
        )

    office, committee = f"{code}-office", f"{code}-committee"
    for i, title in enumerate(("主任", "副主任", "综合科科长", "督查科科长", "改革干部", "改革干部"), start=1):
        add(f"office-{i}", MembershipSpec(office, Role.OFFICE, title), is_staff=True)
    for i, title in enumerate(("委员",) * 9, start=1):
        add(f"committee-{i}", MembershipSpec(committee, Role.COMMITTEE, title))
    for i, title in enumerate(("区委书记", "区长", "区委副书记"), start=1):
        add(f"leader-main-{i}", MembershipSpec(code, Role.LEADER, title, LeaderTier.MAIN))
    domain_titles = ("区委常委、组织部部长", "常务副区长", "副区长", "副区长", "副区长", "区委常委、政法委书记")
    for i, (domain, title) in enumerate(zip(DOMAIN_CODES, domain_titles, strict=True), start=1):
        add(f"leader-domain-{i}", MembershipSpec(code, Role.LEADER, title, LeaderTier.DOMAINS, (domain,)))
    for slug, _dept_name, head_title, _domains in DEPARTMENTS:
        unit = f"{code}-{slug}"
        add(f"{slug}-head", MembershipSpec(unit, Role.UNIT_HEAD, head_title))
        add(f"{slug}-staff-1", MembershipSpec(unit, Role.UNIT_STAFF, "改革联络员"))
        add(f"{slug}-staff-2", MembershipSpec(unit, Role.UNIT_STAFF, "科员"))
    for slug, _sub_name, _communities in SUB_DISTRICTS:
        unit = f"{code}-{slug}"
        add(f"{slug}-head", MembershipSpec(unit, Role.UNIT_HEAD, "街道党工委书记"))
        add(f"{slug}-staff-1", MembershipSpec(unit, Role.UNIT_STAFF, "改革联络员"))
        add(f"{slug}-staff-2", MembershipSpec(unit, Role.UNIT_STAFF, "党建办干部"))
    communities = [u for u in units if u.kind == UnitKind.COMMUNITY]
    for community in communities:
        add(f"{community.code.removeprefix(code + '-')}-head", MembershipSpec(community.code, Role.UNIT_HEAD, "社区党委书记"))
    evaluator = f"{code}-ext-evaluator"
    expert_fields = ("公共管理", "城市规划", "卫生政策", "法学", "经济学", "社会学", "教育学", "党建研究")
    for i, speciality in enumerate(expert_fields, start=1):
        unit = evaluator if i > 6 else code
        add(f"expert-{i}", MembershipSpec(unit, Role.EXPERT, f"决策咨询专家（{speciality}）"))
    # Residents: the first lives in the showcase sub-district's first community.
    showcase = [c for c in communities if c.parent == f"{code}-{SHOWCASE_SUB_DISTRICT}"]
    homes = [showcase[0], *rng.sample(communities, 29)]
    for i, home in enumerate(homes, start=1):
        add(f"resident-{i}", MembershipSpec(home.code, Role.RESIDENT, "居民"))
    if demo_logins:  # the province reform office (ADR 0025): with the demo district's logins, last
        add(PROVINCE_OFFICE_KEY, MembershipSpec(None, Role.PROVINCE_OFFICE, "省委改革办督查处"))
    return people


@dataclass
class Leaders:
    main: list[str] = field(default_factory=list)
    by_domain: dict[str, str] = field(default_factory=dict)
    unit_head: dict[str, str] = field(default_factory=dict)  # unit code -> username


def leader_index(people: Iterable[PersonSpec]) -> Leaders:
    leaders = Leaders()
    for person in people:
        for m in person.memberships:
            if m.role == Role.LEADER and m.leader_tier == LeaderTier.MAIN:
                leaders.main.append(person.username)
            elif m.role == Role.LEADER:
                for domain in m.domains:
                    leaders.by_domain.setdefault(domain, person.username)
            elif m.role == Role.UNIT_HEAD and m.unit:
                leaders.unit_head.setdefault(m.unit, person.username)
    return leaders


def group_specs(code: str, leaders: Leaders, rng: random.Random) -> list[GroupSpec]:
    """A special group per domain, led by the leader in charge of it — except grassroots
    governance, which the first main leader leads (``story.LEADER_GROUP_DOMAIN``: the help asked
    in it waits for the ``leader`` login)."""
    subs = [f"{code}-{slug}" for slug, _n, _c in SUB_DISTRICTS]
    out = []
    for domain in DOMAIN_CODES:
        depts = [f"{code}-{slug}" for slug, _n, _t, domains in DEPARTMENTS if domain in domains]
        leader = leaders.by_domain.get(domain)
        if domain == LEADER_GROUP_DOMAIN and leaders.main:
            leader = leaders.main[0]
        out.append(
            GroupSpec(
                domain=domain,
                name=f"{DOMAIN_NAMES[domain]}改革专项小组",
                leader=leader,
                member_units=(f"{code}-office", *depts, *sorted(rng.sample(subs, 3))),
            )
        )
    return out


def unit_ref(code: str, ref: str) -> str:
    """``drc`` is a department's suffix, ``@dongxiao`` a sub-district's."""
    return f"{code}-{ref.lstrip('@')}"


# ----------------------------------------------------------------------------------------------
# Writing it
# ----------------------------------------------------------------------------------------------


def ensure_units(ctx: Context) -> None:
    bp = ctx.bp
    units = ctx.units
    units.update((u.code, u) for u in Unit.objects.filter(code__in=[s.code for s in bp.units]))
    root_spec = bp.units[0]
    root = units.get(root_spec.code)
    if root is None:
        root = Unit(code=root_spec.code, name=root_spec.name, kind=UnitKind.DISTRICT, sort_order=0)
        root.save()  # save() makes the district its own district
        units[root.code] = root
        ctx.created["units"] += 1
        ctx.record(root, {"code": root.code, "name": root.name, "kind": root.kind})
    elif root.kind != UnitKind.DISTRICT:
        raise DemoDataError(_("Unit %(code)s exists and is not a district.") % {"code": root.code})
    # Parents come before children in the blueprint: insert one depth level at a time.
    depth = {root.code: 0}
    levels: dict[int, list[UnitSpec]] = defaultdict(list)
    for s in bp.units[1:]:
        assert s.parent is not None  # only the district has none
        depth[s.code] = depth[s.parent] + 1
        if s.code not in units:
            levels[depth[s.code]].append(s)
    for level in sorted(levels):
        new = [
            Unit(code=s.code, name=s.name, kind=s.kind, parent=units[s.parent or ""], district_id=root.pk, sort_order=s.sort_order)
            for s in levels[level]
        ]
        Unit.objects.bulk_create(new, batch_size=500)
        for unit in new:
            units[unit.code] = unit
            ctx.record(unit, {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id})
        ctx.created["units"] += len(new)


def ensure_people(ctx: Context) -> None:
    bp, users, units, domains = ctx.bp, ctx.users, ctx.units, ctx.domains
    users.update((u.username, u) for u in User.objects.filter(username__in=[p.username for p in bp.people]))
    missing = [p for p in bp.people if p.username not in users]
    # One PBKDF2 for all demo logins: they share the documented password anyway.
    demo_hash = make_password(DEMO_PASSWORD) if any(p.demo_login for p in missing) else ""
    new = [
        User(
            username=p.username,
            full_name=p.full_name,
            is_staff=p.is_staff,
            password=demo_hash if p.demo_login else make_password(None),
        )
        for p in missing
    ]
    User.objects.bulk_create(new, batch_size=500)
    for user in new:
        users[user.username] = user
        ctx.record(user, {"username": user.username, "full_name": user.full_name, "is_staff": user.is_staff})
    ctx.created["people"] += len(new)

    have = set(
        Membership.objects.filter(user__in=[users[p.username] for p in bp.people]).values_list("user_id", "unit_id", "role")
    )
    pending: list[tuple[Membership, tuple[str, ...]]] = []
    for person in bp.people:
        user = users[person.username]
        for spec in person.memberships:
            unit = units[spec.unit] if spec.unit else None
            if (user.pk, unit.pk if unit else None, spec.role) in have:
                continue
            membership = Membership(user=user, unit=unit, role=spec.role, title=spec.title, leader_tier=spec.leader_tier)
            pending.append((membership, spec.domains))
    Membership.objects.bulk_create([m for m, _codes in pending], batch_size=500)
    through = Membership.domains.through
    through.objects.bulk_create(
        [through(membership_id=m.pk, domain_id=domains[d].pk) for m, codes in pending for d in codes], batch_size=500
    )
    for m, codes in pending:
        ctx.record(m, {
            "user": m.user_id, "unit": m.unit_id, "role": m.role, "title": m.title, "leader_tier": m.leader_tier,
            "domains": sorted(domains[d].pk for d in codes),
        })
    ctx.created["memberships"] += len(pending)


def ensure_groups(ctx: Context) -> None:
    district, domains, units = ctx.district, ctx.domains, ctx.units
    have = set(SpecialGroup.objects.filter(district=district).values_list("domain_id", flat=True))
    pending = [
        (SpecialGroup(district=district, domain=domains[s.domain], name=s.name, leader=ctx.users.get(s.leader or "")), s)
        for s in ctx.bp.groups
        if domains[s.domain].pk not in have
    ]
    SpecialGroup.objects.bulk_create([g for g, _spec in pending])
    through = SpecialGroup.member_units.through
    through.objects.bulk_create(
        [through(specialgroup_id=g.pk, unit_id=units[c].pk) for g, s in pending for c in s.member_units]
    )
    for g, s in pending:
        ctx.record(g, {
            "district": g.district_id, "domain": g.domain_id, "name": g.name, "leader": g.leader_id,
            "member_units": sorted(units[c].pk for c in s.member_units),
        })
    ctx.created["special_groups"] += len(pending)

