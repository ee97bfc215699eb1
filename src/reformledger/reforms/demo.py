"""The demo district, and the generator behind it.

``load_demo()`` loads a district like Luohu's reform programme of 2014–2018 as the article tells
it (``/work/shared/seed``, DOMAIN.md): the district, its committee and reform office, 25 district
departments, the 10 sub-districts with 83 communities and a few hundred estates, leaders by tier,
special groups, a plan per year, and 11 upper-level tasks, 38 key reforms and 491 micro-reforms.
People have invented names.

``build_district(code=..., name=..., seed=...)`` builds ONE such district under another code
prefix; the benchmark calls it a hundred times to make a province. It works in two steps:

1. :func:`blueprint` computes the whole district in memory from the seed (pure, deterministic:
   the same arguments always give the same units, people and reforms, codes included);
2. :func:`_apply` writes what is missing, matching existing rows by their natural keys (unit code,
   username, reform code, plan year, special group domain), with ``bulk_create`` per kind, in one
   transaction, and records every created object in the audit trail with ONE bulk append
   (action ``demo.create``, by the system).

So a second run creates nothing (and says so), and a run after someone deleted a few demo reforms
puts back exactly those. Existing rows are never updated: whatever a person changed while trying
the demo stays changed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, diff, log_actions
from reformledger.org.models import Domain, LeaderTier, Membership, Role, SpecialGroup, Unit, UnitKind, User

from .models import Plan, Reform, SourceLevel, Status, Tier
from .services import create_reform, snapshot

#: The password of the demo logins (and only of them; every other generated person has an
#: unusable password). Printed by ``reformledger demo-data``.
DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo password, printed for the user
DEMO_CODE = "lh"
DEMO_NAME = "罗湖区"
DEMO_SEED = 2019  # the article's year, Luohu's 40th
YEARS = (2014, 2015, 2016, 2017, 2018)
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

# ----------------------------------------------------------------------------------------------
# The organisation
# ----------------------------------------------------------------------------------------------

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

#: The sub-district whose staff is the ``unit`` demo login; it leads the most micro-reforms.
SHOWCASE_SUB_DISTRICT = "dongmen"

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

# ----------------------------------------------------------------------------------------------
# The reforms
# ----------------------------------------------------------------------------------------------

#: Upper-level tasks (11, all completed): year, source level, domain, title, lead, co-units, goal.
UPPER_TASKS: tuple[tuple[int, str, str, str, str, tuple[str, ...], str], ...] = (
    (2014, SourceLevel.MUNICIPAL, "grassroots-governance", "街道综合执法体制改革试点", "justice",
     ("law", "staffing"), "整合街道执法力量，形成权责统一、运转高效的基层综合执法体制"),
    (2014, SourceLevel.MUNICIPAL, "party-building", "社区党群服务中心标准化建设", "org",
     ("civil",), "全区社区党群服务中心按统一标准建成并运行"),
    (2015, SourceLevel.NATIONAL, "public-services", "公立医院综合改革国家级示范（罗湖医疗集团）", "health",
     ("hospital", "finance"), "以医疗集团为载体推进公立医院综合改革，形成可在全国推广的经验"),
    (2015, SourceLevel.MUNICIPAL, "development-space", "查违治违专项行动改革任务", "inspection",
     ("law", "housing"), "新增违法建筑零增长，存量违法建筑分类处置"),
    (2016, SourceLevel.PROVINCIAL, "development-space", "棚户区改造省级重点任务（“二线插花地”）", "housing",
     ("renewal", "@dongxiao"), "完成“二线插花地”棚户区改造签约、搬迁和安置任务"),
    (2016, SourceLevel.PROVINCIAL, "public-services", "家庭医生签约服务制度改革", "hospital",
     ("health",), "重点人群家庭医生签约服务全覆盖"),
    (2016, SourceLevel.MUNICIPAL, "development-space", "城市更新“强区放权”改革试点", "renewal",
     ("drc", "inspection"), "承接市级下放的城市更新审批事权，审批时限大幅压缩"),
    (2017, SourceLevel.NATIONAL, "government-functions", "基层政务公开标准化规范化试点", "gov-office",
     ("data",), "编制基层政务公开事项目录和标准，实现政务公开标准化"),
    (2017, SourceLevel.MUNICIPAL, "development-space", "土地整备利益统筹试点", "renewal",
     ("finance",), "以利益统筹方式完成试点片区土地整备"),
    (2018, SourceLevel.PROVINCIAL, "government-functions", "商事制度“证照分离”改革", "market",
     ("data",), "涉企经营许可事项实行“证照分离”分类改革"),
    (2018, SourceLevel.NATIONAL, "industry", "国家可持续发展议程创新示范区建设任务", "drc",
     ("eco", "sci"), "完成示范区年度建设任务，形成可持续发展的城区样板"),
)

#: Key reforms (38): year, domain, title, lead department, co-units, goal, and for 2014–2017 the
#: exceptions to "completed" / for 2018 the status as of the article (early 2019).
KEY_REFORMS: tuple[tuple[int, str, str, str, tuple[str, ...], str, str], ...] = (
    (2014, "grassroots-governance", "街道“大部制”改革", "staffing", ("civil", "gov-office"),
     "整合街道内设机构，形成“大部门”运行体制", ""),
    (2014, "grassroots-governance", "社区体制改革（居站分设）", "civil", ("staffing", "org"),
     "理顺社区居委会、工作站和党组织的关系，实现居站分设", ""),
    (2014, "government-functions", "商事登记制度改革", "market", ("data",),
     "推行注册资本认缴和“先照后证”，企业开办时间明显缩短", ""),
    (2014, "party-building", "“质量党建”工程", "org", ("publicity",),
     "以标准化提升基层党组织建设质量", ""),
    (2014, "public-services", "公立医院管理体制改革", "health", ("finance", "hr"),
     "建立现代医院管理制度，实行管办分开", ""),
    (2014, "development-space", "城市更新审批流程优化改革", "renewal", ("inspection",),
     "压减城市更新项目审批环节和时限", Status.TERMINATED),
    (2014, "development-space", "违法建筑“查控一体”长效机制改革", "inspection", ("law",),
     "建立查违与控违一体化的长效机制", ""),
    (2015, "public-services", "罗湖医改：组建区医疗健康集团", "health", ("hospital", "finance", "hr"),
     "组建区医疗健康集团，推动优质资源下沉社区", ""),
    (2015, "government-functions", "“互联网+政务服务”改革", "data", ("gov-office",),
     "政务服务事项网上可办率大幅提升", ""),
    (2015, "government-functions", "放管服改革：行政审批事项清理", "gov-office", ("data", "market"),
     "清理规范行政审批事项，公布权责清单", ""),
    (2015, "party-building", "“力量党建”改革", "org", ("civil",),
     "把党建力量下沉到社区一线", ""),
    (2015, "industry", "消费型经济改革", "economy", ("market", "culture"),
     "打造国际消费中心核心区，提升消费品质", ""),
    (2015, "grassroots-governance", "物业管理改革", "housing", ("civil",),
     "规范业委会运作和物业服务，破解住宅区治理难题", ""),
    (2015, "public-services", "“大学区”招生制度改革", "edu", (),
     "推进学区化办学，促进义务教育优质均衡", ""),
    (2016, "development-space", "棚改“政府主导、国企实施、公众参与”模式改革", "housing",
     ("renewal", "finance", "@dongxiao"), "探索棚改新模式，攻克“中国棚改第一难”", ""),
    (2016, "development-space", "城市更新项目审批“一站式”改革", "renewal", ("drc",),
     "城市更新项目审批“一站式”办理", ""),
    (2016, "government-functions", "营商环境改革", "drc", ("market", "data"),
     "营商环境便利度明显提升，企业满意度提高", ""),
    (2016, "public-services", "社康机构“强基层”改革", "hospital", ("health",),
     "社康机构服务能力提升，群众就近看病", ""),
    (2016, "party-building", "“小区党建”改革", "org", ("housing", "civil"),
     "在住宅小区建立党组织，实现小区党建全覆盖", ""),
    (2016, "government-functions", "政务公开“五公开”改革", "gov-office", ("data",),
     "决策、执行、管理、服务、结果全过程公开", ""),
    (2016, "public-services", "教育集团化办学改革", "edu", (),
     "组建教育集团，扩大优质教育资源覆盖面", ""),
    (2016, "industry", "可持续发展改革（绿色低碳城区）", "eco", ("drc",),
     "建设绿色低碳城区，形成可持续发展机制", ""),
    (2017, "development-space", "土地整备“整村统筹”改革", "renewal", ("finance",),
     "以整村统筹方式释放发展空间", ""),
    (2017, "government-functions", "放管服改革深化（“秒批”）", "data", ("market",),
     "推出一批“秒批”“不见面审批”事项", ""),
    (2017, "grassroots-governance", "基层社会治理“织网工程”改革", "law", ("civil",),
     "建立全区统一的社会治理信息网络", ""),
    (2017, "grassroots-governance", "区直部门“大科室”改革", "staffing", ("org",),
     "整合区直部门内设科室，提升行政效能", ""),
    (2017, "public-services", "医养融合改革", "hospital", ("civil",),
     "社康机构与养老机构融合发展", ""),
    (2017, "grassroots-governance", "“智慧罗湖”城区治理改革", "data", ("law",),
     "以大数据支撑城区精细化治理", ""),
    (2017, "industry", "总部经济与楼宇经济提质改革", "economy", ("sci",),
     "提升楼宇产出和总部企业集聚度", Status.SUSPENDED),
    (2017, "party-building", "党建引领“民生微实事”改革", "org", ("civil",),
     "由群众点单、党组织落实民生小事", ""),
    (2018, "government-functions", "营商环境改革2.0（商事登记“全城通办”）", "market", ("data",),
     "商事登记全城通办，企业开办一日办结", Status.COMPLETED),
    (2018, "development-space", "棚改回迁安置与社区融入改革", "housing", ("renewal", "finance"),
     "棚改居民顺利回迁并融入新社区", Status.IN_PROGRESS),
    (2018, "public-services", "“民生首善区”四个层面民生改革", "drc", ("civil", "hr", "edu"),
     "推进基本、重点、底线、精神民生四个层面的改革", Status.IN_PROGRESS),
    (2018, "party-building", "社区党群服务中心“一门式”改革", "org", (),
     "党群服务“一门式”办理，群众一次办成", Status.COMPLETED),
    (2018, "grassroots-governance", "社区“民生诉求”一体化处置改革", "law", ("civil", "data"),
     "民生诉求一口受理、分类处置、闭环反馈", Status.IN_PROGRESS),
    (2018, "industry", "“湾区金融+科技”产业升级改革", "sci", ("economy",),
     "推动金融与科技融合，培育新兴产业", Status.APPROVED),
    (2018, "grassroots-governance", "安全生产“四个联动”改革", "emergency", ("housing",),
     "空间更新与安全生产联动，消除重大隐患", Status.COMPLETED),
    (2018, "development-space", "查违“智慧监管”改革", "inspection", ("data",),
     "以信息化手段实现违法建筑全天候监管", Status.IN_PROGRESS),
)

#: Micro-reforms per year (491 in all).
MICRO_PER_YEAR = {2014: 72, 2015: 90, 2016: 105, 2017: 112, 2018: 112}

#: Micro-reform themes: domain, slogan, topic, which grassroots units lead such a reform (S
#: sub-district, C community), its goal, and the departments (code suffixes) that lead it in their
#: own line of work. Titles read "<unit>“<slogan>”<topic>".
MICRO_THEMES: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    ("party-building", "小区党建", "党支部全覆盖改革", "SC", "实现住宅小区党组织全覆盖", ()),
    ("party-building", "党建+物业", "小区治理融合改革", "SC", "党组织、业委会、物业企业协同治理小区", ()),
    ("party-building", "楼宇党建", "商务楼宇党组织建设改革", "S", "商务楼宇党的组织和工作有效覆盖", ()),
    ("party-building", "双报到", "在职党员进社区改革", "SC", "在职党员到社区报到并认领服务岗位", ()),
    ("party-building", "红色议事厅", "居民议事机制改革", "C", "党组织领导下的居民议事常态化", ()),
    ("party-building", "一站式", "党群服务中心改革", "SC", "党群服务事项一站办结", ()),
    ("party-building", "质量党建", "支部标准化建设改革", "SC", "支部建设全面达标",
     ("org", "publicity", "finance", "market", "health", "edu")),
    ("party-building", "力量党建", "党务工作者队伍改革", "S", "建设专业化的党务工作者队伍", ("org",)),
    ("party-building", "党员积分", "量化管理改革", "C", "党员履职情况量化考评", ("org", "affairs")),
    ("party-building", "两新党建", "非公企业党建改革", "S", "非公企业和社会组织党建工作提质", ("org", "market")),
    ("party-building", "智慧党建", "党建信息平台改革", "S", "党建工作全程信息化管理", ("org", "data")),
    ("party-building", "红色物业", "物业企业党组织共建改革", "C", "物业企业党组织与社区党委共建", ()),
    ("government-functions", "一窗通办", "便民服务改革", "S", "办事群众只进一扇门、只到一个窗口", ("data", "market", "hr")),
    ("government-functions", "秒批", "审批流程再造改革", "", "高频审批事项实现即报即批", ("data", "market", "housing", "health")),
    ("government-functions", "不见面审批", "政务服务改革", "", "审批事项全程网上办理", ("data", "renewal", "housing")),
    ("government-functions", "证照分离", "涉企审批改革", "", "企业办证时间明显缩短", ("market",)),
    ("government-functions", "最多跑一次", "办事流程改革", "SC", "群众办事最多跑一次", ("data", "hr", "civil", "veterans")),
    ("government-functions", "容缺受理", "行政审批改革", "", "次要材料缺失时先受理后补正", ("data", "market", "housing")),
    ("government-functions", "政务公开", "基层政务公开标准化改革", "S", "基层政务公开事项标准化", ("gov-office",)),
    ("government-functions", "互联网+", "政务服务平台改革", "S", "政务服务事项网上办、掌上办", ("data", "gov-office")),
    ("government-functions", "信用监管", "事中事后监管改革", "", "以信用为基础的分级分类监管", ("market", "drc")),
    ("government-functions", "掌上办", "民生事项移动办理改革", "SC", "民生事项手机上即可办理", ("data", "hr", "health")),
    ("government-functions", "就近办", "社区政务服务下沉改革", "SC", "高频事项在社区就近办理", ()),
    ("government-functions", "全城通办", "社保业务办理改革", "", "社保业务全区任一窗口可办", ("hr", "data")),
    ("development-space", "城市更新", "项目全流程服务改革", "S", "城市更新项目全流程跟踪服务", ("renewal",)),
    ("development-space", "棚改", "居民签约服务机制改革", "S", "棚改签约工作依法、公开、高效", ("housing",)),
    ("development-space", "土地整备", "利益统筹实施改革", "S", "土地整备项目按期完成", ("renewal",)),
    ("development-space", "查违", "网格化巡查机制改革", "SC", "违法建筑早发现、早制止、早处置", ()),
    ("development-space", "查违共治", "违建治理长效机制改革", "SC", "形成违建治理的长效机制", ("inspection", "law")),
    ("development-space", "一楼一档", "老旧住宅区安全管理改革", "SC", "老旧住宅区安全隐患台账化管理", ()),
    ("development-space", "城中村", "综合整治改革", "SC", "城中村环境和安全面貌明显改善", ()),
    ("development-space", "旧改", "历史遗留问题处置改革", "S", "一批旧改历史遗留问题得到化解", ("renewal", "housing")),
    ("development-space", "空间挖潜", "低效用地盘活改革", "S", "盘活低效用地，拓展产业空间", ("renewal", "economy")),
    ("development-space", "美丽街区", "环境品质提升改革", "SC", "街区环境品质明显提升", ()),
    ("development-space", "规模化租赁", "城中村住房改造改革", "SC", "城中村住房规范化、规模化租赁", ()),
    ("public-services", "医改", "社康家庭医生服务改革", "SC", "家庭医生服务进社区、进家庭", ("health", "hospital")),
    ("public-services", "医养融合", "社区居家养老改革", "SC", "老人在社区就近享受医养服务", ("civil", "hospital")),
    ("public-services", "长者饭堂", "社区助餐服务改革", "C", "社区长者就近用餐", ()),
    ("public-services", "教育集团", "优质学位扩容改革", "", "新增一批优质学位", ("edu",)),
    ("public-services", "四点半课堂", "课后托管服务改革", "SC", "解决双职工家庭孩子放学后看护难题", ()),
    ("public-services", "民生微实事", "项目征集机制改革", "SC", "民生小事由居民点单、政府买单", ()),
    ("public-services", "智慧社康", "健康服务改革", "C", "居民健康服务线上预约、线下服务", ("hospital", "health")),
    ("public-services", "阳光家园", "残疾人托养服务改革", "SC", "残疾人就近享受托养和康复服务", ("civil",)),
    ("public-services", "就业驿站", "社区就业服务改革", "SC", "就业服务延伸到社区", ("hr",)),
    ("public-services", "文体惠民", "公共文化服务改革", "SC", "公共文化服务供给更加丰富", ("culture",)),
    ("public-services", "退役军人之家", "服务保障改革", "SC", "退役军人服务保障体系全覆盖", ("veterans",)),
    ("public-services", "儿童友好", "社区建设改革", "C", "建成一批儿童友好型社区", ()),
    ("industry", "消费升级", "商圈提质改革", "S", "商圈业态和消费环境全面升级", ("economy", "market")),
    ("industry", "夜间经济", "特色街区运营改革", "S", "打造夜间消费特色街区", ("economy", "culture")),
    ("industry", "楼宇经济", "服务专员制度改革", "S", "重点楼宇服务专员全覆盖", ("economy",)),
    ("industry", "黄金珠宝", "产业集聚区提升改革", "S", "黄金珠宝产业集聚区提质增效", ("economy", "market")),
    ("industry", "企业服务", "挂点服务机制改革", "S", "重点企业诉求及时响应解决", ("economy", "sci", "drc")),
    ("industry", "人才安居", "服务机制改革", "", "人才住房保障更加便利", ("hr", "housing")),
    ("industry", "绿色低碳", "社区节能改革", "SC", "社区能耗明显下降", ()),
    ("industry", "垃圾分类", "减量分类机制改革", "SC", "生活垃圾分类覆盖全部住宅区", ("eco",)),
    ("industry", "老字号", "品牌振兴改革", "S", "老字号品牌焕发新活力", ("economy", "market", "culture")),
    ("industry", "小微企业", "融资服务改革", "", "小微企业融资更便利", ("finance", "economy")),
    ("industry", "科技创新", "孵化载体改革", "", "孵化载体数量和质量双提升", ("sci",)),
    ("industry", "治水提质", "河长制落实改革", "S", "辖区河道水质稳定达标", ("eco",)),
    ("grassroots-governance", "物业管理", "业委会规范化改革", "SC", "业委会依法组建、规范运作", ("housing",)),
    ("grassroots-governance", "街道大部制", "内设机构改革", "S", "街道内设机构精简高效", ("staffing",)),
    ("grassroots-governance", "社区体制", "社区工作站职能改革", "SC", "社区工作站职能清单化", ("civil",)),
    ("grassroots-governance", "网格化", "社会治理网格员改革", "SC", "网格员队伍专业化", ("law",)),
    ("grassroots-governance", "居民议事会", "社区协商机制改革", "C", "社区事务由居民协商议定", ()),
    ("grassroots-governance", "社工+义工", "社区服务联动改革", "SC", "社工、义工联动服务居民", ()),
    ("grassroots-governance", "人民调解", "矛盾纠纷多元化解改革", "SC", "矛盾纠纷化解在基层", ("justice", "law")),
    ("grassroots-governance", "安全生产", "隐患排查联动改革", "SC", "安全隐患及时发现、限期整改", ("emergency", "housing")),
    ("grassroots-governance", "出租屋", "分类分级管理改革", "SC", "出租屋分类分级精细管理", ()),
    ("grassroots-governance", "智慧社区", "基层治理平台改革", "SC", "社区事件一网统管、闭环处置", ()),
    ("grassroots-governance", "一格多员", "网格力量整合改革", "SC", "网格内各类力量统一调度", ()),
    ("grassroots-governance", "一社区一法律顾问", "公共法律服务改革", "C", "居民就近获得法律服务", ("justice",)),
)

_MEASURES = {
    "party-building": (
        "建立党组织并选优配强带头人", "推行党员“双报到”，组织在职党员认领服务岗位",
        "建立党建联席会议制度，统筹辖区单位共驻共建", "制定标准化建设清单，逐项对标验收",
        "开展党员积分管理，量化考评履职情况", "整合党群服务阵地，延长服务时间", "选派党建指导员下沉一线",
    ),
    "government-functions": (
        "梳理事项清单，压减办事材料和环节", "推行“前台综合受理、后台分类审批、统一窗口出件”",
        "打通部门数据，实现信息共享", "上线网上办事和移动端办理渠道", "制定服务标准和办事指南",
        "建立“好差评”评价机制", "开展窗口人员业务培训",
    ),
    "development-space": (
        "开展现状调查和权属核查，建立项目台账", "制定项目实施方案和工作计划",
        "建立“一项目一专班”推进机制", "搭建居民协商平台，做好政策解释", "实行网格化巡查，做到早发现早处置",
        "加强部门联动，形成执法合力", "建立信息化监管平台",
    ),
    "public-services": (
        "摸清服务对象需求，建立需求清单", "整合辖区资源，建设服务站点", "引入专业社会组织参与服务",
        "推行签约服务和上门服务", "建立服务质量评价和回访制度", "完善经费保障和激励机制",
        "利用信息化手段提供预约服务",
    ),
    "industry": (
        "开展企业走访，建立重点企业服务台账", "制定扶持政策和服务清单", "推行服务专员“一对一”挂点服务",
        "引导商家提升业态和服务品质", "搭建政企沟通平台，及时解决企业诉求", "开展节能减排和绿色宣传",
        "建立统计监测和评估机制",
    ),
    "grassroots-governance": (
        "理顺职责清单，明确权责边界", "整合网格力量，实行“一格多员”", "建立居民议事和协商机制",
        "引入社工、义工参与社区服务", "建立矛盾纠纷排查和多元化解机制", "规范业委会组建和运作",
        "建设信息平台，实现事件闭环处置",
    ),
}
_DELIVERABLES = {
    "party-building": ("党建工作制度汇编", "党组织覆盖台账", "党群服务阵地清单", "典型案例材料", "党员积分管理细则"),
    "government-functions": ("事项清单和办事指南", "业务流程图", "系统上线运行报告", "服务评价分析报告", "制度文件"),
    "development-space": ("项目台账", "实施方案", "居民协商会议纪要", "巡查处置记录", "工作机制文件"),
    "public-services": ("服务需求清单", "服务站点建设方案", "服务规范", "群众满意度调查报告", "服务台账"),
    "industry": ("企业服务台账", "扶持政策文件", "服务专员工作制度", "业态提升方案", "监测评估报告"),
    "grassroots-governance": ("职责清单", "工作制度汇编", "议事协商记录", "事件处置台账", "培训材料"),
}
_GOAL_ENDINGS = ("形成可复制推广的经验", "建立长效机制", "群众满意度明显提升", "形成制度化成果")
_ORDINALS = "一二三四五"
_STATUS_NOTES = {
    Status.COMPLETED: "改革已按期完成并通过验收。",
    Status.IN_PROGRESS: "改革正在推进。",
    Status.APPROVED: "改革已列入年度计划，即将启动。",
    Status.SUSPENDED: "改革暂缓推进。",
    Status.TERMINATED: "改革已终止。",
}


# ----------------------------------------------------------------------------------------------
# The blueprint: the whole district in memory
# ----------------------------------------------------------------------------------------------


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
class PlanSpec:
    year: int
    title: str
    adopted_on: dt.date


@dataclass(frozen=True)
class GroupSpec:
    domain: str
    name: str
    leader: str | None  # username
    member_units: tuple[str, ...]


@dataclass(frozen=True)
class ReformSpec:
    code: str
    title: str
    tier: str
    source_level: str
    year: int
    domain: str
    lead_unit: str
    co_units: tuple[str, ...]
    responsible_leader: str | None  # username
    goals: str
    measures: str
    deliverables: str
    start_date: dt.date
    due_date: dt.date
    status: str
    progress: int
    public_summary: str


@dataclass(frozen=True)
class Blueprint:
    code: str
    name: str
    units: tuple[UnitSpec, ...]  # parents before children; the district first
    people: tuple[PersonSpec, ...]
    plans: tuple[PlanSpec, ...]
    groups: tuple[GroupSpec, ...]
    reforms: tuple[ReformSpec, ...]
    office_head: str | None  # username of the reform office's head, who enters the reforms


#: The demo logins: username -> the key of the generated person who gets it.
DEMO_LOGINS = {
    "office": "office-2",
    "committee": "committee-1",
    "leader": "leader-main-1",
    "unit": f"{SHOWCASE_SUB_DISTRICT}-staff-1",
    "expert": "expert-1",
    "resident": "resident-1",
}


def blueprint(
    *, code: str = DEMO_CODE, name: str = DEMO_NAME, seed: int = DEMO_SEED, with_people: bool = True,
    demo_logins: bool = False,
) -> Blueprint:
    """The district ``code`` as data: pure and deterministic for given arguments.

    Unit codes are ``<code>-...``, usernames ``<code>-...`` and reform codes ``<CODE>-<year>-...``,
    so many districts fit in one database. The reforms do not depend on ``with_people`` except
    for their responsible leaders (none without people).
    """
    units = _units(code, name, random.Random(f"{seed}-units"))
    people = _people(code, units, random.Random(f"{seed}-people"), demo_logins) if with_people else ()
    leaders = _leader_index(people)
    return Blueprint(
        code=code,
        name=name,
        units=tuple(units),
        people=tuple(people),
        plans=tuple(
            PlanSpec(year=y, title=f"{name}{y}年度改革计划", adopted_on=dt.date(y, 2, 18 + i)) for i, y in enumerate(YEARS)
        ),
        groups=tuple(_groups(code, leaders, random.Random(f"{seed}-groups"))),
        reforms=tuple(_reforms(code, units, leaders, random.Random(f"{seed}-reforms"))),
        office_head=f"{code}-office-1" if people else None,  # never a demo login (see DEMO_LOGINS)
    )


def _units(code: str, name: str, rng: random.Random) -> list[UnitSpec]:
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
    communities = []
    for slug, _sub_name, names in SUB_DISTRICTS:
        for i, community in enumerate(names, start=1):
            communities.append(UnitSpec(f"{code}-{slug}-c{i:02d}", f"{community}社区", UnitKind.COMMUNITY, f"{code}-{slug}", i))
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


def _people(code: str, units: list[UnitSpec], rng: random.Random, demo_logins: bool) -> list[PersonSpec]:
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
    return people


@dataclass
class _Leaders:
    main: list[str] = field(default_factory=list)
    by_domain: dict[str, str] = field(default_factory=dict)
    unit_head: dict[str, str] = field(default_factory=dict)  # unit code -> username


def _leader_index(people: Iterable[PersonSpec]) -> _Leaders:
    leaders = _Leaders()
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


def _groups(code: str, leaders: _Leaders, rng: random.Random) -> list[GroupSpec]:
    subs = [f"{code}-{slug}" for slug, _n, _c in SUB_DISTRICTS]
    out = []
    for domain in DOMAIN_CODES:
        depts = [f"{code}-{slug}" for slug, _n, _t, domains in DEPARTMENTS if domain in domains]
        out.append(
            GroupSpec(
                domain=domain,
                name=f"{DOMAIN_NAMES[domain]}改革专项小组",
                leader=leaders.by_domain.get(domain),
                member_units=(f"{code}-office", *depts, *sorted(rng.sample(subs, 3))),
            )
        )
    return out


def _unit_ref(code: str, ref: str) -> str:
    """``drc`` is a department's suffix, ``@dongxiao`` a sub-district's."""
    return f"{code}-{ref.lstrip('@')}"


def _numbered(items: Sequence[str], rng: random.Random, k: int) -> str:
    picked = rng.sample(list(items), k)
    return "；".join(f"{_ORDINALS[i]}是{text}" for i, text in enumerate(picked)) + "。"


def _dates(rng: random.Random, year: int, *, first_month: int, last_month: int, min_days: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))
    end_of_year = dt.date(year, 12, 31)
    due = min(start + dt.timedelta(days=rng.randint(min_days, 300)), end_of_year)
    return start, max(due, start)


def _progress(rng: random.Random, status: str) -> int:
    if status == Status.COMPLETED:
        return 100
    if status == Status.IN_PROGRESS:
        return rng.randrange(30, 95, 5)
    if status in (Status.SUSPENDED, Status.TERMINATED):
        return rng.randrange(10, 65, 5)
    return 0


def _micro_status(rng: random.Random, year: int) -> str:
    roll = rng.random()
    if year < YEARS[-1]:
        if roll < 0.03:
            return Status.TERMINATED
        if roll < 0.05:
            return Status.SUSPENDED
        return Status.COMPLETED
    if roll < 0.45:
        return Status.COMPLETED
    if roll < 0.85:
        return Status.IN_PROGRESS
    return Status.APPROVED


def _goals(rng: random.Random, goal: str) -> str:
    ending = rng.choice([e for e in _GOAL_ENDINGS if e[-2:] not in goal])
    return f"{goal}，{ending}。"


def _summary(lead_name: str, what: str, goal: str, status: str) -> str:
    """The public summary: who leads what, to what end, and where it stands."""
    return f"由{lead_name}牵头，推进{what}，目标是{goal}。{_STATUS_NOTES[status]}"


def _reforms(code: str, units: list[UnitSpec], leaders: _Leaders, rng: random.Random) -> list[ReformSpec]:
    prefix = code.upper()
    names = {u.code: u.name for u in units}
    out: list[ReformSpec] = []
    titles: set[str] = set()

    def spec(*, goal: str, what: str, n_measures: int, n_deliverables: int, **kw) -> ReformSpec:
        domain, status = kw["domain"], kw["status"]
        titles.add(kw["title"])
        return ReformSpec(
            goals=_goals(rng, goal),
            measures=_numbered(_MEASURES[domain], rng, n_measures),
            deliverables="；".join(rng.sample(_DELIVERABLES[domain], n_deliverables)) + "。",
            progress=_progress(rng, status),
            public_summary=_summary(names[kw["lead_unit"]], what, goal, status),
            **kw,
        )

    # Upper-level tasks: the leader in charge of the domain answers for them.
    per_year: Counter[int] = Counter()
    for year, source, domain, title, lead, co, goal in UPPER_TASKS:
        per_year[year] += 1
        start, due = _dates(rng, year, first_month=1, last_month=4, min_days=150)
        out.append(spec(
            code=f"{prefix}-{year}-SJ-{per_year[year]:02d}", title=title, tier=Tier.UPPER, source_level=source,
            year=year, domain=domain, lead_unit=_unit_ref(code, lead), co_units=tuple(_unit_ref(code, c) for c in co),
            responsible_leader=leaders.by_domain.get(domain), start_date=start, due_date=due,
            status=Status.COMPLETED, n_measures=4, n_deliverables=3, goal=goal, what=title,
        ))

    # Key reforms: the main district leaders answer for them.
    per_year.clear()
    for year, domain, title, lead, co, goal, status in KEY_REFORMS:
        per_year[year] += 1
        start, due = _dates(rng, year, first_month=3, last_month=4, min_days=240)
        main = leaders.main[(per_year[year] - 1) % len(leaders.main)] if leaders.main else None
        out.append(spec(
            code=f"{prefix}-{year}-ZD-{per_year[year]:02d}", title=title, tier=Tier.KEY, source_level="",
            year=year, domain=domain, lead_unit=_unit_ref(code, lead), co_units=tuple(_unit_ref(code, c) for c in co),
            responsible_leader=main, start_date=start, due_date=due,
            status=status or Status.COMPLETED, n_measures=4, n_deliverables=3, goal=goal, what=title,
        ))

    # Micro-reforms: led by sub-districts, communities and departments; their heads answer for them.
    by_kind = {
        "S": [u for u in units if u.kind == UnitKind.SUB_DISTRICT],
        "C": [u for u in units if u.kind == UnitKind.COMMUNITY],
        "D": [u for u in units if u.kind == UnitKind.DEPARTMENT],
    }
    sub_weights = [3 if u.code == f"{code}-{SHOWCASE_SUB_DISTRICT}" else 1 for u in by_kind["S"]]
    communities_of = defaultdict(list)
    for u in by_kind["C"]:
        communities_of[u.parent].append(u.code)
    dept_domains = {f"{code}-{slug}": domains for slug, _n, _t, domains in DEPARTMENTS}
    depts_for = {d: [u for u, domains in dept_domains.items() if d in domains] for d in DOMAIN_CODES}
    themes_for = {kind: [t for t in MICRO_THEMES if kind in t[3]] for kind in "SC"}
    themes_for["D"] = [t for t in MICRO_THEMES if t[5]]
    by_code = {u.code: u for u in units}
    for year, count in MICRO_PER_YEAR.items():
        for n in range(1, count + 1):
            while True:
                kind = rng.choices("SCD", weights=(45, 35, 20))[0]
                domain, slogan, topic, _kinds, goal, depts = rng.choice(themes_for[kind])
                if kind == "S":
                    lead = rng.choices(by_kind["S"], weights=sub_weights)[0]
                elif kind == "C":
                    lead = rng.choice(by_kind["C"])
                else:  # a department reforms in its own line of work
                    lead = by_code[_unit_ref(code, rng.choice(depts))]
                title = f"{lead.name}“{slogan}”{topic}"
                if title not in titles:
                    break
            co: list[str] = []
            if kind == "S":
                co = rng.sample(communities_of[lead.code], rng.randint(0, 2))
                if rng.random() < 0.3 and depts_for[domain]:
                    co.append(rng.choice(depts_for[domain]))
            elif kind == "C":
                co = [lead.parent] if rng.random() < 0.6 else []
            else:
                co = [u.code for u in rng.sample(by_kind["S"], rng.randint(1, 2))]
            status = _micro_status(rng, year)
            start, due = _dates(rng, year, first_month=1, last_month=7, min_days=60)
            head = leaders.unit_head.get(lead.code) if rng.random() < 0.8 else None
            out.append(spec(
                code=f"{prefix}-{year}-WG-{n:03d}", title=title, tier=Tier.MICRO, source_level="", year=year,
                domain=domain, lead_unit=lead.code, co_units=tuple(co[:3]), responsible_leader=head,
                start_date=start, due_date=due, status=status,
                n_measures=3, n_deliverables=2, goal=goal, what=f"“{slogan}”{topic}",
            ))
    return out


# ----------------------------------------------------------------------------------------------
# Writing it: fill what is missing, in bulk, audited
# ----------------------------------------------------------------------------------------------


class DemoDataError(Exception):
    """The database cannot take the demo district (e.g. the domains were not migrated)."""


@dataclass
class LoadResult:
    district: Unit
    created: Counter[str]  # "units", "people", "memberships", "plans", "special_groups", "reforms", "audit_entries"
    created_reforms: Counter[str]  # by tier
    seconds: float

    @property
    def created_anything(self) -> bool:
        return any(v for k, v in self.created.items() if k != "audit_entries")


def build_district(
    *,
    code: str = DEMO_CODE,
    name: str = DEMO_NAME,
    seed: int = DEMO_SEED,
    with_people: bool = True,
    demo_logins: bool = False,
    bulk: bool = False,
    audit: bool = True,
) -> LoadResult:
    """Build one district like the article's, creating only what is missing, in one transaction.

    Units, people, plans and special groups are written with ``bulk_create``. Reforms go through
    ``services.create_reform`` by the district's reform-office head (validated and audited like
    any other write; about 1 s for the 540 on SQLite) unless ``bulk=True``: then they are
    bulk-created too, for benchmarks, and the district costs a few dozen queries whatever its size.
    ``bulk=True`` is needed when ``with_people=False`` (no office head to act). ``audit=False``
    (only with ``bulk=True``) skips the audit trail; the chain stays valid either way. Otherwise
    everything created by the loader itself is recorded in ONE bulk append (action ``demo.create``,
    by the system). ``demo_logins`` gives six people the demo usernames (``office``, ``leader``,
    ...) and :data:`DEMO_PASSWORD`: for the demo district only.
    """
    if not bulk and not with_people:
        raise ValueError("Without people there is no reform office to create reforms through the services: pass bulk=True.")
    if not bulk and not audit:
        raise ValueError("Reforms created through the services are always audited: audit=False needs bulk=True.")
    started = time.perf_counter()
    plan = blueprint(code=code, name=name, seed=seed, with_people=with_people, demo_logins=demo_logins)
    district, created, by_tier = _apply(plan, bulk=bulk, audit=audit)
    return LoadResult(district=district, created=created, created_reforms=by_tier, seconds=time.perf_counter() - started)


def load_demo() -> LoadResult:
    """The demo district (``lh``, 罗湖区) with its people and the demo logins."""
    return build_district(code=DEMO_CODE, name=DEMO_NAME, seed=DEMO_SEED, with_people=True, demo_logins=True)


def _record(changes: list[Change], obj, values: dict) -> None:
    changes.append(Change(AUDIT_ACTION, obj, diff({}, values)))


@dataclass
class _Context:
    """What the writers share: the rows by natural key, and what was created."""

    bp: Blueprint
    domains: dict[str, Domain]
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    plans: dict[int, Plan] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)

    @property
    def district(self) -> Unit:
        return self.units[self.bp.code]


@transaction.atomic
def _apply(bp: Blueprint, *, bulk: bool, audit: bool) -> tuple[Unit, Counter[str], Counter[str]]:
    domains = {d.code: d for d in Domain.objects.filter(code__in=DOMAIN_CODES)}
    if len(domains) != len(DOMAIN_CODES):
        missing = ", ".join(sorted(set(DOMAIN_CODES) - set(domains)))
        raise DemoDataError(
            _("The seeded domains are missing (%(codes)s); run `reformledger migrate` first.") % {"codes": missing}
        )
    ctx = _Context(bp=bp, domains=domains)
    _ensure_units(ctx)
    if bp.people:
        _ensure_people(ctx)
    _ensure_plans(ctx)
    _ensure_groups(ctx)
    missing_reforms = _missing_reforms(ctx)
    if bulk:
        _bulk_create_reforms(ctx, missing_reforms)
    if audit and ctx.changes:
        ctx.created["audit_entries"] += len(log_actions(None, ctx.changes))
    if not bulk:
        _create_reforms_through_services(ctx, missing_reforms)
    by_tier = Counter(s.tier for s in missing_reforms)
    ctx.created["reforms"] += len(missing_reforms)
    return ctx.district, ctx.created, by_tier


def _ensure_units(ctx: _Context) -> None:
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
        _record(ctx.changes, root, {"code": root.code, "name": root.name, "kind": root.kind})
    elif root.kind != UnitKind.DISTRICT:
        raise DemoDataError(_("Unit %(code)s exists and is not a district.") % {"code": root.code})
    # Parents come before children in the blueprint: insert one depth level at a time.
    depth = {root.code: 0}
    levels: dict[int, list[UnitSpec]] = defaultdict(list)
    for s in bp.units[1:]:
        depth[s.code] = depth[s.parent] + 1
        if s.code not in units:
            levels[depth[s.code]].append(s)
    for level in sorted(levels):
        new = [
            Unit(code=s.code, name=s.name, kind=s.kind, parent=units[s.parent], district_id=root.pk, sort_order=s.sort_order)
            for s in levels[level]
        ]
        Unit.objects.bulk_create(new, batch_size=500)
        for unit in new:
            units[unit.code] = unit
            _record(ctx.changes, unit, {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id})
        ctx.created["units"] += len(new)


def _ensure_people(ctx: _Context) -> None:
    bp, users, units, domains = ctx.bp, ctx.users, ctx.units, ctx.domains
    users.update((u.username, u) for u in User.objects.filter(username__in=[p.username for p in bp.people]))
    missing = [p for p in bp.people if p.username not in users]
    # One PBKDF2 for all demo logins: they share the documented password anyway.
    demo_hash = make_password(DEMO_PASSWORD) if any(p.demo_login for p in missing) else None
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
        _record(ctx.changes, user, {"username": user.username, "full_name": user.full_name, "is_staff": user.is_staff})
    ctx.created["people"] += len(new)

    have = set(
        Membership.objects.filter(user__in=[users[p.username] for p in bp.people]).values_list("user_id", "unit_id", "role")
    )
    pending: list[tuple[Membership, tuple[str, ...]]] = []
    for person in bp.people:
        user = users[person.username]
        for m in person.memberships:
            unit = units[m.unit] if m.unit else None
            if (user.pk, unit.pk if unit else None, m.role) in have:
                continue
            membership = Membership(user=user, unit=unit, role=m.role, title=m.title, leader_tier=m.leader_tier)
            pending.append((membership, m.domains))
    Membership.objects.bulk_create([m for m, _codes in pending], batch_size=500)
    through = Membership.domains.through
    through.objects.bulk_create(
        [through(membership_id=m.pk, domain_id=domains[d].pk) for m, codes in pending for d in codes], batch_size=500
    )
    for m, codes in pending:
        _record(ctx.changes, m, {
            "user": m.user_id, "unit": m.unit_id, "role": m.role, "title": m.title, "leader_tier": m.leader_tier,
            "domains": sorted(domains[d].pk for d in codes),
        })
    ctx.created["memberships"] += len(pending)


def _ensure_plans(ctx: _Context) -> None:
    district, plans = ctx.district, ctx.plans
    plans.update((p.year, p) for p in Plan.objects.filter(district=district, year__in=[s.year for s in ctx.bp.plans]))
    new = [
        Plan(district=district, year=s.year, title=s.title, status=Plan.PlanStatus.ADOPTED, adopted_on=s.adopted_on)
        for s in ctx.bp.plans
        if s.year not in plans
    ]
    Plan.objects.bulk_create(new)
    for plan in new:
        plans[plan.year] = plan
        _record(ctx.changes, plan, {
            "district": plan.district_id, "year": plan.year, "title": plan.title, "status": plan.status,
            "adopted_on": plan.adopted_on,
        })
    ctx.created["plans"] += len(new)


def _ensure_groups(ctx: _Context) -> None:
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
        _record(ctx.changes, g, {
            "district": g.district_id, "domain": g.domain_id, "name": g.name, "leader": g.leader_id,
            "member_units": sorted(units[c].pk for c in s.member_units),
        })
    ctx.created["special_groups"] += len(pending)


def _missing_reforms(ctx: _Context) -> list[ReformSpec]:
    codes = [s.code for s in ctx.bp.reforms]
    have = set(Reform.objects.filter(code__in=codes).values_list("code", flat=True))
    return [s for s in ctx.bp.reforms if s.code not in have]


def _reform_data(ctx: _Context, s: ReformSpec) -> dict[str, Any]:
    """A reform's fields as ``services.create_reform`` takes them (model instances for relations)."""
    return {
        "code": s.code, "title": s.title, "tier": s.tier, "source_level": s.source_level, "year": s.year,
        "plan": ctx.plans[s.year], "domain": ctx.domains[s.domain], "lead_unit": ctx.units[s.lead_unit],
        "co_units": [ctx.units[c] for c in s.co_units],
        "responsible_leader": ctx.users[s.responsible_leader] if s.responsible_leader else None,
        "goals": s.goals, "measures": s.measures, "deliverables": s.deliverables, "start_date": s.start_date,
        "due_date": s.due_date, "status": s.status, "progress": s.progress, "public_summary": s.public_summary,
    }


def _create_reforms_through_services(ctx: _Context, specs: list[ReformSpec]) -> None:
    """Each reform through the service, by the reform office's head: validated, audited one by one."""
    if not specs:
        return
    office_head = ctx.users[ctx.bp.office_head]
    for s in specs:
        create_reform(user=office_head, data=_reform_data(ctx, s))
    ctx.created["audit_entries"] += len(specs)


def _bulk_create_reforms(ctx: _Context, specs: list[ReformSpec]) -> None:
    """All reforms in a few inserts; their audit entries join the loader's one bulk append."""
    pending: list[tuple[Reform, list[Unit]]] = []
    for s in specs:
        data = _reform_data(ctx, s)
        co_units = data.pop("co_units")
        pending.append((Reform(district=ctx.district, **data), co_units))
    Reform.objects.bulk_create([r for r, _co in pending], batch_size=500)
    through = Reform.co_units.through
    through.objects.bulk_create(
        [through(reform_id=r.pk, unit_id=u.pk) for r, co in pending for u in co], batch_size=1000
    )
    for reform, co_units in pending:
        # What prefetch_related would hold: lets snapshot() read the co-units without a query each.
        reform._prefetched_objects_cache = {"co_units": co_units}
        ctx.changes.append(Change(AUDIT_ACTION, reform, diff({}, snapshot(reform))))
