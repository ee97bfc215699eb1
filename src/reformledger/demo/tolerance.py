"""The demo district's fault-tolerance cases (容错纠错, issue 11 part 4): the district's discipline
reviewer (区纪委监委, the ``discipline`` demo login), its conditions and negative list, and five
cases on its terminated and suspended reforms of 2014–2018, filed by staff of their lead units and
decided through the services as the office and the discipline reviewer would — one exempt, one
partly exempt, one rejected (a mandatory procedure skipped), one waiting for the discipline
reviewer after the office's opinion, and one just filed.

Idempotent: a reform that has a case already is left as it is. Fixed data (no randomness).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from reformledger.core.audit import log_action
from reformledger.org.models import Membership, Role, Unit, UnitKind, User
from reformledger.org.services.units import create_unit
from reformledger.reforms.models import Reform, Status
from reformledger.tolerance.models import ChecklistItem, ItemKind, ToleranceCase
from reformledger.tolerance.services.cases import apply_for_exemption
from reformledger.tolerance.services.checklists import ensure_checklist
from reformledger.tolerance.services.opinions import give_opinion

from .story import DEMO_PASSWORD

DISCIPLINE_LOGIN = "discipline"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

#: One scenario per case, in the order of the district's terminated and suspended reforms (by code).
#: ``office``/``discipline``: ``(outcome, waiver, reasons)`` or None (not given yet).
CASES: tuple[dict[str, Any], ...] = (
    {
        "text": "改革方案经区政府常务会议集体研究通过，并经法律顾问合法性审查。实施中上级出台新的政策，原方案与新规定不一致，"
                "经请示后主动终止改革，已完成项目清算，未造成财政资金损失。",
        "unmet": (), "hits": (),
        "office": ("exempt", None, "决策程序完备，终止系因上级政策调整，属于探索性失误，予以免责。"),
        "discipline": ("exempt", None, "未发现谋取私利、违反强制性程序等情形，同意免责。"),
    },
    {
        "text": "试点推进中对企业配合度估计不足，前期调研不够充分，进度滞后。发现问题后及时调整方案、召开协调会，"
                "但已造成部分任务超期，经研究暂缓推进。",
        "unmet": ("due-diligence",), "hits": (),
        "office": ("partly", "0.5", "程序合规、及时纠错，但前期调研不足，部分免责。"),
        "discipline": ("partly", "0.6", "同意部分免责，建议加强事前风险评估。"),
    },
    {
        "text": "为赶进度，项目未经集体研究即先行签订合作协议，后因合作方资质问题终止。事后补办了审批手续。",
        "unmet": ("procedures",), "hits": ("mandatory-procedure",),
        "office": ("rejected", None, "违反决策强制性程序，属于负面清单情形，不予容错。"),
        "discipline": ("rejected", None, "未履行集体决策程序，不予容错，移交单位约谈提醒。"),
    },
    {
        "text": "因征收补偿标准调整，居民签约率未达预期，项目按程序暂缓。单位已向区政府专题报告并提出调整方案。",
        "unmet": (), "hits": (),
        "office": ("exempt", None, "暂缓系外部政策变化所致，单位已主动报告并提出整改方案，建议免责。"),
        "discipline": None,
    },
    {
        "text": "信息系统建设因供应商延期交付，上线晚于计划。单位已依合同追究违约责任并启用临时方案保障业务。",
        "unmet": ("corrected",), "hits": (),
        "office": None,
        "discipline": None,
    },
)


def _office_user(district: Unit) -> User:
    return (
        User.objects.filter(username="office", memberships__role=Role.OFFICE, memberships__unit__district=district).first()
        or Membership.objects.filter(role=Role.OFFICE, unit__district=district).select_related("user").order_by("pk").first().user  # type: ignore[union-attr]
    )


def discipline_reviewer(district: Unit, office: User, counts: Counter) -> User:
    """The district's 区纪委监委 and its reviewer (the ``discipline`` demo login)."""
    unit = Unit.objects.filter(code=f"{district.code}-jiwei").first()
    if unit is None:
        unit = create_unit(user=office, parent=district, code=f"{district.code}-jiwei", name="区纪委监委", kind=UnitKind.DEPARTMENT, sort_order=90)
        counts["units"] += 1
    person = User.objects.filter(username=DISCIPLINE_LOGIN).first()
    if person is None:
        person = User(username=DISCIPLINE_LOGIN, full_name="纪检监察员")
        person.set_password(DEMO_PASSWORD)
        person.save()
        log_action(None, "demo.create", person, {"username": [None, DISCIPLINE_LOGIN], "role": [None, Role.DISCIPLINE]})
        counts["people"] += 1
    if not Membership.objects.filter(user=person, role=Role.DISCIPLINE, unit=unit).exists():
        Membership.objects.create(user=person, unit=unit, role=Role.DISCIPLINE, title="纪检监察室主任")
    return person


def _applicant(reform: Reform) -> User | None:
    member = (
        Membership.objects.filter(unit_id=reform.lead_unit_id, role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD), user__is_active=True)
        .select_related("user").order_by("role", "pk").first()
    )
    return member.user if member else None


def _answers(district: Unit, unmet, hits) -> dict[str, tuple[bool, str]]:
    out = {}
    for item in ChecklistItem.objects.filter(district=district, is_active=True):
        if item.kind == ItemKind.CONDITION:
            met = item.code not in unmet
            out[item.code] = (met, ("符合：" if met else "不完全符合：") + (item.hint or item.text))
        else:
            hit = item.code in hits
            out[item.code] = (hit, "存在该情形，已如实说明。" if hit else "")
    return out


def load_tolerance_demo(*, district: Unit) -> dict[str, int]:
    """The discipline reviewer, the checklist and the cases (see the module docstring): what was made."""
    counts: Counter = Counter()
    office = _office_user(district)
    reviewer = discipline_reviewer(district, office, counts)
    counts["checklist_items"] += ensure_checklist(district=district)
    reforms = list(
        Reform.objects.filter(district=district, status__in=(Status.TERMINATED, Status.SUSPENDED))
        .order_by("year", "code")[: len(CASES)]
    )
    done = set(ToleranceCase.objects.filter(reform__in=reforms).values_list("reform_id", flat=True))
    for reform, spec in zip(reforms, CASES, strict=False):
        if reform.pk in done:
            continue
        applicant = _applicant(reform)
        if applicant is None:
            continue
        case = apply_for_exemption(
            user=applicant, reform=reform, what_happened=spec["text"], year=reform.year,
            answers=_answers(district, spec["unmet"], spec["hits"]),
            evidence=[SimpleUploadedFile("集体研究会议纪要.pdf", PDF, content_type="application/pdf")],
        )
        counts["cases"] += 1
        for user, side in ((office, "office"), (reviewer, "discipline")):
            opinion = spec[side]
            if opinion is not None:
                outcome, waiver, reasons = opinion
                give_opinion(user=user, case=case, outcome=outcome, waiver=waiver, reasons=reasons, side=side)
                counts["opinions"] += 1
        case.refresh_from_db()
        counts[case.outcome or "pending"] += 1
    return dict(counts)
