"""The demo district's story: its names, codes and dates, the demo logins, and what its
supervision shows today (which reforms are red or amber, the orders, the help asked). One
definition of each, for the catalogue, the supervision and the command.

The catalogue has two parts. The article's programme, 2014–2018 (540 reforms), is history: its
reforms are completed, a few terminated, and carry no open work. Today's work belongs to the
reforms of the **programme year** (:func:`programme_year`), whose plan the demo adds: upper-level
tasks, key reforms and micro-reforms that started this year and run around today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .generator import AMBER, GREEN, RED

#: The password of the demo logins (and only of them; every other generated person has an
#: unusable password). Printed by ``reformledger demo-data``.
DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, printed for the user
DEMO_CODE = "lh"
DEMO_NAME = "罗湖区"
DEMO_SEED = 2019  # the article's year, Luohu's 40th
#: The article's programme: history in the demo.
YEARS = (2014, 2015, 2016, 2017, 2018)


def programme_year(today: dt.date) -> int:
    """The year whose plan is under way on ``today``: a plan is adopted in February and its
    reforms run into the next spring, so early in a year the last year's plan is still the one at
    work. Never one of the article's years (a clock set in the past still gets a plan of its own)."""
    return max((today - dt.timedelta(days=120)).year, YEARS[-1] + 1)

#: The audit action of every row the loaders write themselves (not through a service).
AUDIT_ACTION = "demo.create"

#: The six seeded domains (org/0002_seed_domains) by code, with the names the groups are named after.
DOMAIN_NAMES = {
    "party-building": "城市基层党建",
    "government-functions": "政府职能转变",
    "development-space": "发展空间拓展",
    "public-services": "公共服务提升",
    "industry": "产业转型升级",
    "grassroots-governance": "基层治理完善",
}
DOMAIN_CODES = tuple(DOMAIN_NAMES)

#: The sub-district whose staff is the ``unit`` demo login; it leads the most micro-reforms.
SHOWCASE_SUB_DISTRICT = "dongmen"

#: The key of the province reform office's member (no unit: reads every district, changes none;
#: ADR 0025). Generated with the demo district's people only (the ``province`` demo login).
PROVINCE_OFFICE_KEY = "province-office-1"

#: The demo logins: username -> the key of the generated person who gets it.
DEMO_LOGINS = {
    "office": "office-2",
    "committee": "committee-1",
    "leader": "leader-main-1",
    "unit": f"{SHOWCASE_SUB_DISTRICT}-staff-1",
    "expert": "expert-1",
    "resident": "resident-1",
    "province": PROVINCE_OFFICE_KEY,
}

# ----------------------------------------------------------------------------------------------
# Supervision: what the demo logins meet today
# ----------------------------------------------------------------------------------------------

#: The roles reforms play in today's story (:class:`Cast`): the key reforms by code suffix, and
#: the showcase sub-district's micro-reforms under way.
SHOWCASE_ROLES = ("showcase-amber", "showcase-red", "showcase-green")
UNIT_REPORTS_ON = "showcase-green"  # ``unit`` files a report with a photo
ASKS_FOR_HELP = "ZD-03"  # a key reform's unit asks ``leader`` for help; its change request awaits the office
CHANGE_APPROVED = "ZD-04"  # a change approved with the committee's meeting
URGED = "showcase-red"  # the office urges ``unit``'s sub-district about its overdue task
ASKS_FOR_TIME = "showcase-red"  # ``unit`` asks for more time (an extension request awaits the office)
GRANTED_TIME = "ZD-01"  # the office granted an overdue task more time (its overdue spell stays on record)
#: Red reforms whose overdue task is a week late or more (escalated to the responsible leader).
ESCALATE = frozenset({"ZD-01", "ZD-02", "showcase-red"})


@dataclass(frozen=True)
class Cast:
    """Which reform of the programme year plays which role: ``{role: reform code}``."""

    codes: dict[str, str] = field(default_factory=dict)

    def code(self, role: str) -> str | None:
        return self.codes.get(role)

    def role(self, code: str) -> str | None:
        return next((r for r, c in self.codes.items() if c == code), None)

    def mood(self, code: str) -> str | None:
        role = self.role(code)
        if role in KEY_MOODS:
            return KEY_MOODS[role]
        if role in SHOWCASE_ROLES:
            return SHOWCASE_MOODS[SHOWCASE_ROLES.index(role)]
        return None


#: The programme year's key reforms whose mood is set, by code suffix (the rest draw one).
KEY_MOODS = {
    "ZD-01": RED,  # 民生首善区 health: overdue a week and more, escalated to its leader (``leader``)
    "ZD-02": RED,  # 城市更新片区统筹: an overdue task, a supervision order, help needed, a reply to review
    "ZD-03": AMBER,  # 民生诉求一网统管: behind, due within days; help asked of ``leader``; a change request
    "ZD-04": GREEN,  # 查违智慧监管: on track; a change approved by the committee
}
#: The moods of the showcase sub-district's first three micro-reforms under way (by code): what
#: ``unit`` meets — one due within days and behind, one overdue (urged, an order not yet
#: acknowledged, an extension asked), one on track (help given and resolved; today's report).
SHOWCASE_MOODS = (AMBER, RED, GREEN)
#: The key reform whose responsible leader is the ``leader`` login (main leaders rotate, and the
#: first key reform of a year goes to the first main leader).
LEADER_REFORM = "ZD-01"
#: The special group the ``leader`` login leads (help asked in its domain waits for them).
LEADER_GROUP_DOMAIN = "grassroots-governance"

STAGES = {
    1: ("组织实施",),
    2: ("制定方案、部署推进", "组织实施、形成成果"),
    3: ("调查摸底、制定方案", "组织实施", "验收总结、固化机制"),
}
STAGE_DELIVERABLES = {
    1: ("推进台账",),
    2: ("工作方案", "阶段成果材料"),
    3: ("调查报告和工作方案", "推进台账", "验收报告"),
}
#: Report texts: ``{n}`` a few (2–9), ``{m}`` many (20–300), ``{k}`` some of the many (never more).
REPORT_TEXTS = (
    "组织召开专题推进会，明确责任分工和时间节点。",
    "完成调查摸底，建立工作台账，梳理问题清单{n}项。",
    "工作方案已印发，各责任单位按方案推进。",
    "开展业务培训{n}场，覆盖工作人员{m}人次。",
    "试点工作有序开展，收集意见建议{m}条，已采纳{k}条。",
    "深入社区开展政策宣传{n}场次，发放宣传资料{m}份。",
    "与配合单位召开联席会议，协调解决跨部门问题{n}个。",
    "完成阶段性工作，形成阶段总结材料。",
)
PROBLEMS = (
    "部分居民对政策理解不到位，需加强宣传解释。",
    "涉及多个部门数据共享，接口对接进度偏慢。",
    "专项经费尚未全部到位。",
    "场地协调存在困难，部分工作需顺延。",
    "基层工作人员力量不足，任务较重。",
)
RETURN_COMMENTS = (
    "佐证材料不足，请补充现场照片和工作台账后重新报送。",
    "完成比例与佐证材料不符，请核实后重新报送。",
)
ACCEPT_COMMENTS = ("", "", "材料齐全，同意。", "进展符合计划。")
EVIDENCE_NAMES = {
    "pdf": "{stage}佐证材料.pdf",
    "png": "现场照片.png",
    "xlsx": "工作台账.xlsx",
    "docx": "工作总结.docx",
}
#: Help needed: (reform role, text, resolution or "" while it is open). Roles as in :class:`Cast`.
HISTORIC_HELP = (
    ("ZD-02", "片区统筹范围内回迁安置房配套学校建设资金缺口较大，请区财政局协调落实专项资金。", ""),
    ("showcase-green", "请区住房和建设局明确物业服务企业党组织与社区党委共建的政策口径。",
     "已协调区住房和建设局印发指导意见，明确共建政策口径，东门街道按意见推进。"),
)

ORDERS = (
    # (days ago, reform roles, extra target unit suffixes, title, findings, acknowledged by all?, replied?)
    (35, ("ZD-02",), ("renewal",), "关于加快推进城市更新“片区统筹”改革的督查令",
     "片区内回迁安置房配套设施建设滞后，部分任务已超过完成时限", True, True),
    (16, ("ZD-01",), ("civil",), "关于“民生首善区”社区健康服务改革逾期任务的督查令",
     "部分社区健康服务改革任务超过完成时限，进展报告不及时", True, False),
    (5, ("showcase-red", "showcase-amber"), (), "关于东门街道微改革进度滞后的督查令",
     "东门街道两项微改革进度滞后于计划", False, False),
    (0, ("ZD-04",), ("data",), "关于加快查违“智慧监管”平台提升的督查令",
     "智慧监管平台提升需与数据共享工作同步推进", None, False),
)

