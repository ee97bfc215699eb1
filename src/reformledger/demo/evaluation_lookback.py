"""The demo district's look-back reviews (回头看, issue 10 part 9): reviews of its 2014–2016 key
reforms, written through the evaluation services as the office would — institutional documents with
their numbers (深罗府办〔2016〕N号 style), adoptions elsewhere (the Luohu health reform promoted
nationwide, DOMAIN.md mechanism 11), problems with follow-up tasks in supervision, grades. Two
reviews are still open (one scheduled, one under way), and the other key reforms of those years are
left unscheduled so that the due list shows them.

Idempotent: a reform that has a review already is left as it is. The data is fixed (no randomness):
the demo is reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from reformledger.evaluation.models import LookbackReview
from reformledger.evaluation.services import lookback as services
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.reforms.models import Reform, Status, Tier

from .story import DEMO_LOGINS

GOV = "罗湖区人民政府办公室"
PARTY = "中共深圳市罗湖区委办公室"

#: By a distinctive part of the reform's title: what the review found. ``grade`` None: left open
#: (``findings`` False: only scheduled).
REVIEWS: tuple[dict[str, Any], ...] = (
    {
        "title": "罗湖医改", "grade": "excellent", "mechanism": "yes", "sustained": "yes",
        "mechanism_text": "区医疗健康集团“总额管理、结余留用”的医保支付机制和家庭医生签约服务制度运行至今，已写入区级规范性文件。",
        "sustained_text": "社康机构诊疗量占比持续保持在六成以上，居民签约率稳定。",
        "documents": [
            ("罗湖区医疗健康集团章程", "深罗府办〔2015〕21号", GOV, dt.date(2015, 8, 12)),
            ("罗湖区家庭医生签约服务管理办法", "深罗府办〔2016〕9号", GOV, dt.date(2016, 4, 6)),
            ("罗湖区基本医疗保险“总额管理、结余留用”实施方案", "深罗府办〔2016〕17号", GOV, dt.date(2016, 7, 20)),
        ],
        "adoptions": [
            ("深圳市", "city", "全市推广组建区域医疗健康集团", "", "深府办〔2017〕3号"),
            ("广东省", "province", "省医改办在全省推广罗湖医院集团经验", "", "粤医改办〔2017〕12号"),
            ("全国", "nation", "国务院医改领导小组推广“罗湖医改”模式，国家卫生健康委在罗湖召开现场会", "", "国医改发〔2017〕2号"),
        ],
        "problems": [("部分社康机构全科医生缺口仍大，夜间服务不足", "high", True)],
        "conclusion": "罗湖医改形成了以区医疗健康集团为核心的长效机制，经验由市、省推广至全国，成效持续，评定为优秀。",
    },
    {
        "title": "商事登记制度改革", "grade": "excellent", "mechanism": "yes", "sustained": "yes",
        "mechanism_text": "注册资本认缴、“先照后证”和全程电子化登记已成为常态。",
        "sustained_text": "企业开办时间保持在一个工作日内。",
        "documents": [("罗湖区商事登记后续监管实施办法", "深罗府办〔2014〕33号", GOV, dt.date(2014, 11, 3))],
        "adoptions": [("广东省", "province", "全省推行商事登记制度改革", "", "粤府〔2015〕18号")],
        "problems": [],
        "conclusion": "改革形成常态化制度，经验被省级采纳，评定为优秀。",
    },
    {
        "title": "公立医院管理体制改革", "grade": "good", "mechanism": "yes", "sustained": "partly",
        "mechanism_text": "管办分开的公立医院理事会制度保留运行。",
        "sustained_text": "绩效考核机制仍在运行，但部分指标多年未更新。",
        "documents": [("罗湖区公立医院法人治理结构改革实施方案", "深罗府〔2014〕26号", GOV, dt.date(2014, 9, 18))],
        "adoptions": [("深圳市", "city", "市属公立医院参照建立理事会制度", "", "")],
        "problems": [("医院绩效考核指标多年未更新", "medium", False)],
        "conclusion": "机制基本健全，成效部分保持，评定为良好。",
    },
    {
        "title": "街道“大部制”改革", "grade": "good", "mechanism": "yes", "sustained": "yes",
        "mechanism_text": "街道“七办一队”大部门运行体制保持稳定。",
        "sustained_text": "街道内设机构精简后运转顺畅。",
        "documents": [("罗湖区街道大部门制改革实施方案", "罗办发〔2014〕15号", PARTY, dt.date(2014, 6, 30))],
        "adoptions": [("深圳市", "city", "多个区参照推进街道大部制改革", "", "")],
        "problems": [],
        "conclusion": "体制稳定运行，评定为良好。",
    },
    {
        "title": "社区体制改革", "grade": "fair", "mechanism": "partly", "sustained": "partly",
        "mechanism_text": "居站分设基本完成，但社区工作站与居委会职责边界仍有交叉。",
        "sustained_text": "部分社区回到“一套人马”运行。",
        "documents": [("罗湖区社区居站分设工作指引", "罗办发〔2014〕22号", PARTY, dt.date(2014, 10, 8))],
        "adoptions": [],
        "problems": [
            ("社区工作站与居委会职责清单未及时更新", "medium", True),
            ("个别社区居委会专职人员不足", "low", False),
        ],
        "conclusion": "机制部分保留，需整改后再评估，评定为一般。",
    },
    {
        "title": "“互联网+政务服务”改革", "grade": "good", "mechanism": "yes", "sustained": "yes",
        "mechanism_text": "网上办事大厅与“一窗通办”常态运行。",
        "sustained_text": "网上可办率保持在九成以上。",
        "documents": [("罗湖区“互联网+政务服务”工作方案", "深罗府办〔2015〕40号", GOV, dt.date(2015, 10, 15))],
        "adoptions": [("深圳市", "city", "市政务服务数据管理局推广“一窗通办”做法", "", "")],
        "problems": [],
        "conclusion": "成效持续，评定为良好。",
    },
    {
        "title": "物业管理改革", "grade": "fair", "mechanism": "partly", "sustained": "no",
        "mechanism_text": "业委会备案制度保留，但物业服务评价机制未落实。",
        "sustained_text": "住宅区物业投诉量回升。",
        "documents": [("罗湖区住宅区业主委员会指导规则", "深罗府办〔2015〕52号", GOV, dt.date(2015, 12, 1))],
        "adoptions": [],
        "problems": [
            ("物业服务质量评价机制未建立", "high", True),
            ("老旧小区业委会组建率低", "medium", False),
        ],
        "conclusion": "成效未能保持，需整改，评定为一般。",
    },
    {
        "title": "棚改“政府主导", "grade": "excellent", "mechanism": "yes", "sustained": "yes",
        "mechanism_text": "“政府主导、国企实施、公众参与”的棚改模式形成制度。",
        "sustained_text": "回迁安置按期推进。",
        "documents": [("罗湖区棚户区改造项目实施办法", "深罗府〔2016〕11号", GOV, dt.date(2016, 3, 25))],
        "adoptions": [
            ("深圳市", "city", "全市棚改项目参照罗湖模式实施", "", "深府〔2016〕38号"),
            ("广东省", "province", "省住房城乡建设厅推广棚改经验", "", ""),
        ],
        "problems": [],
        "conclusion": "攻克“中国棚改第一难”，模式被市、省推广，评定为优秀。",
    },
    {"title": "社康机构“强基层”改革", "grade": None, "findings": True, "mechanism": "yes", "sustained": "partly",
     "mechanism_text": "社康机构标准化建设指引继续执行。", "sustained_text": "", "documents": [], "adoptions": [],
     "problems": [("部分社康机构用房面积不达标", "medium", False)]},
    {"title": "营商环境改革", "grade": None, "findings": False},
)


def _office_user(district: Unit) -> User:
    """The ``office`` demo login, or else any member of the district's reform office."""
    office = User.objects.filter(username="office", memberships__role=Role.OFFICE, memberships__unit__district=district).first()
    if office is not None:
        return office
    member = Membership.objects.filter(role=Role.OFFICE, unit__district=district).select_related("user").order_by("pk").first()
    if member is None:
        raise LookupError(f"no reform office member in {district} ({DEMO_LOGINS['office']})")
    return member.user


def _write(user: User, reform: Reform, spec: dict[str, Any], counts: Counter) -> None:
    done = reform.due_date or dt.date(reform.year, 12, 31)
    review = services.schedule_review(user=user, reform=reform, scheduled_on=dt.date(done.year + 2, 6, 1), reviewer=user)
    counts["reviews"] += 1
    if spec.get("findings") is False:
        return
    documents = [{"title": t, "number": n, "issuer": i, "issued_on": d} for t, n, i, d in spec["documents"]]
    adoptions = [
        {"place": p, "level": lv, "description": desc, "evidence_url": url, "evidence_document": doc}
        for p, lv, desc, url, doc in spec["adoptions"]
    ]
    problems = [{"description": text, "severity": severity} for text, severity, _follow in spec["problems"]]
    changes = {k: spec[k] for k in ("mechanism", "mechanism_text", "sustained", "sustained_text")}
    review = services.update_review(user=user, review=review, changes=changes, documents=documents, adoptions=adoptions, problems=problems)
    counts["documents"] += len(documents)
    counts["adoptions"] += len(adoptions)
    counts["problems"] += len(problems)
    for problem, (_text, _severity, follow) in zip(review.problems.order_by("position"), spec["problems"], strict=True):
        if follow:
            services.file_follow_up(
                user=user, problem=problem, unit=reform.lead_unit,
                due_date=timezone.localdate() + dt.timedelta(days=45 + 15 * counts["follow_up_tasks"]),
            )
            counts["follow_up_tasks"] += 1
    if spec["grade"]:
        services.conclude_review(user=user, review=review, grade=spec["grade"], conclusion=spec["conclusion"])
        counts["concluded"] += 1


def load_lookback_demo(*, district: Unit) -> dict[str, int]:
    """Write the demo district's look-back reviews (only those not there yet); the counts made."""
    counts: Counter = Counter()
    keys = Reform.objects.filter(district=district, tier=Tier.KEY, status=Status.COMPLETED, year__in=(2014, 2015, 2016))
    keys = keys.select_related("lead_unit").order_by("year", "code")
    reviewed = set(LookbackReview.objects.filter(reform__in=keys).values_list("reform_id", flat=True))
    user = None
    for spec in REVIEWS:
        reform = next((r for r in keys if spec["title"] in r.title), None)
        if reform is None or reform.pk in reviewed:
            continue
        user = user or _office_user(district)
        _write(user, reform, spec, counts)
    return dict(counts)
