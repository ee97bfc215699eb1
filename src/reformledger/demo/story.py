"""The demo district's story: its names, codes and dates, the demo logins, and what its
supervision shows today (which reforms are red or amber, the orders, the help asked). One
definition of each, for the catalogue, the supervision and the command.
"""

from __future__ import annotations

from .generator import AMBER, GREEN, RED

#: The password of the demo logins (and only of them; every other generated person has an
#: unusable password). Printed by ``reformledger demo-data``.
DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, printed for the user
DEMO_CODE = "lh"
DEMO_NAME = "罗湖区"
DEMO_SEED = 2019  # the article's year, Luohu's 40th
YEARS = (2014, 2015, 2016, 2017, 2018)
#: The year of the catalogue whose open reforms are supervised today.
CURRENT_YEAR = YEARS[-1]
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

#: The demo logins: username -> the key of the generated person who gets it.
DEMO_LOGINS = {
    "office": "office-2",
    "committee": "committee-1",
    "leader": "leader-main-1",
    "unit": f"{SHOWCASE_SUB_DISTRICT}-staff-1",
    "expert": "expert-1",
    "resident": "resident-1",
}

# ----------------------------------------------------------------------------------------------
# Supervision: what the demo logins meet today
# ----------------------------------------------------------------------------------------------

#: Reforms whose mood is set (the rest draw one): what the demo logins should meet.
MOODS = {
    "LH-2018-ZD-02": RED,  # 棚改回迁安置: an overdue task, a supervision order, help needed
    "LH-2018-ZD-03": RED,  # 民生首善区: overdue a week and more, escalated to the leader (``leader``)
    "LH-2018-ZD-05": AMBER,  # 民生诉求: behind, due within days; a change request awaits the office
    "LH-2018-ZD-08": GREEN,  # 查违智慧监管: on track; a change approved by the committee
    "LH-2018-WG-015": AMBER,  # 东门街道 (``unit``): due within days and behind
    "LH-2018-WG-054": RED,  # 东门街道 (``unit``): overdue, urged, an order not yet acknowledged
    "LH-2018-WG-070": GREEN,  # 东门街道 (``unit``): on track; help given and resolved
}
#: Red reforms whose overdue task is a week late or more (escalated to the responsible leader).
ESCALATE = frozenset({"LH-2018-ZD-02", "LH-2018-ZD-03", "LH-2018-WG-054"})
#: The key reform whose responsible leader becomes the ``leader`` login (main leaders rotate).
LEADER_REFORM = "LH-2018-ZD-03"

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
REPORT_TEXTS = (
    "组织召开专题推进会，明确责任分工和时间节点。",
    "完成调查摸底，建立工作台账，梳理问题清单{n}项。",
    "工作方案已印发，各责任单位按方案推进。",
    "开展业务培训{n}场，覆盖工作人员{m}人次。",
    "试点工作有序开展，收集意见建议{n}条，已整改{m}条。",
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
#: Help needed: (reform code, text, resolution or "" while it is open).
HISTORIC_HELP = (
    ("LH-2018-ZD-02", "回迁安置房配套学校建设资金缺口较大，请区财政局协调落实专项资金。", ""),
    ("LH-2018-WG-070", "请区住房和建设局明确物业服务企业党组织与社区党委共建的政策口径。",
     "已协调区住房和建设局印发指导意见，明确共建政策口径，东门街道按意见推进。"),
)


#: The reforms today's work happens on (``today.py``).
UNIT_REPORTS_ON = "LH-2018-WG-070"  # ``unit`` files a report with a photo
ASKS_FOR_HELP = "LH-2018-ZD-05"  # a key reform's unit asks for help; its change request awaits the office
CHANGE_APPROVED = "LH-2018-ZD-08"  # a change approved with the committee's meeting
URGED = "LH-2018-WG-054"  # the office urges ``unit``'s sub-district about its overdue task

ORDERS = (
    # (days ago, reform codes, extra target unit suffixes, title, findings, acknowledged by all?)
    (35, ("LH-2018-ZD-02",), ("renewal",), "关于加快推进棚改回迁安置与社区融入改革的督查令",
     "回迁安置房配套设施建设滞后，部分任务已超过完成时限", True),
    (16, ("LH-2018-ZD-03",), ("civil",), "关于“民生首善区”四个层面民生改革逾期任务的督查令",
     "部分民生改革任务超过完成时限，进展报告不及时", True),
    (5, ("LH-2018-WG-054", "LH-2018-WG-015"), (), "关于东门街道微改革进度滞后的督查令",
     "“空间挖潜”“绿色低碳”两项微改革进度滞后于计划", False),
    (0, ("LH-2018-ZD-08",), ("data",), "关于加快查违“智慧监管”平台建设的督查令",
     "智慧监管平台建设需与数据共享工作同步推进", None),
)

