"""The world the authorisation matrix asks about: district A (罗湖区) with one person for every
role and one real object of every kind a URL names (a reform with its task, report, evidence,
help request, extension request, order and reply, change request, attachment, completion, ledger
import), district B (福田区) with its own office, and the province office.

Built once per test module (``tests/authz/test_matrix.py``), through the services where a write
has one, so every object is as the application makes it. :data:`OBJECTS` names what each URL's
path parameter refers to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reformledger.casestudies.services import (
    adoptions as _adoption_services,  # case studies (issue 11 part 6)
)
from reformledger.casestudies.services import cases as _case_services  # case studies (issue 11 part 6)
from reformledger.casestudies.services import (
    materials as _material_services,  # case studies (issue 11 part 6)
)
from reformledger.core.tokens import create_token
from reformledger.evaluation.models import Channel, Resident, Round, RoundKind  # eval-ratings
from reformledger.evaluation.services import codes as code_services
from reformledger.evaluation.services import lookback as lookback_services
from reformledger.evaluation.services import panels as _panel_services  # expert panels (eval-panels)
from reformledger.evaluation.services import ratings as rating_services  # eval-ratings
from reformledger.evaluation.services import rounds as round_services  # eval-ratings
from reformledger.evaluation.services import sheets as _sheet_services  # expert panels (eval-panels)
from reformledger.org.models import Domain, LeaderTier, Role, Unit, UnitKind, User
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import LedgerImport, Status, Tier
from reformledger.supervision.models import Evidence, HelpRequest, OrderReplyFile
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from reformledger.supervision.services import reports as report_services
from reformledger.supervision.services import tasks as task_services
from reformledger.tolerance.models import ChecklistItem  # fault tolerance (issue 11 part 4)
from reformledger.tolerance.services import cases as tolerance_services
from reformledger.tolerance.services.checklists import ensure_checklist
from tests.evaluation.panel_factories import expert_round as _expert_round  # expert panels (eval-panels)
from tests.evaluation.panel_factories import rubric as _rubric  # expert panels (eval-panels)
from tests.factories import MembershipFactory, ReformFactory, UnitFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

#: The roles of the matrix, in the order of its columns.
ROLES = (
    "anonymous",
    "resident",
    "expert",
    "unit_staff",  # staff of the reform's lead unit (桂园街道)
    "unit_head",  # head of the lead unit
    "other_unit",  # staff of another unit of the same district (黄贝街道)
    "leader_main",
    "leader_domains",  # a leader of the reform's domain
    "committee",
    "office",
    "other_office",  # the office of district B (福田区)
    "province",  # the province reform office: reads every district, changes none
    "discipline",  # a discipline reviewer of district A (区纪委监委): reviews its tolerance cases, carries no reform
)


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    users: dict[str, User | None]
    tokens: dict[str, str | None]
    #: object kind -> primary key (``reform``, ``task``, ``report``…): every one in district A
    objects: dict[str, int] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)  # a signed-in page client per role
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # routes.api_bodies


def _person(username: str, role: str, unit: Unit | None = None, **extra) -> User:
    user = UserFactory(username=username, full_name=username)
    domains = extra.pop("domains", [])
    membership = MembershipFactory(user=user, unit=unit, role=role, **extra)
    if domains:
        membership.domains.set(domains)
    if role == Role.OFFICE:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def _people() -> tuple[dict[str, User | None], dict[str, Unit]]:
    a = UnitFactory(code="mx-a", name="罗湖区", kind=UnitKind.DISTRICT)
    units = {
        "district": a,
        "office": UnitFactory(code="mx-a-office", name="区委改革办", kind=UnitKind.REFORM_OFFICE, parent=a),
        "committee": UnitFactory(code="mx-a-committee", name="区委深改委", kind=UnitKind.COMMITTEE, parent=a),
        "sub_a": UnitFactory(code="mx-a-guiyuan", name="桂园街道", kind=UnitKind.SUB_DISTRICT, parent=a),
        "sub_b": UnitFactory(code="mx-a-huangbei", name="黄贝街道", kind=UnitKind.SUB_DISTRICT, parent=a),
        "department": UnitFactory(code="mx-a-health", name="区卫生健康局", kind=UnitKind.DEPARTMENT, parent=a),
    }
    b = UnitFactory(code="mx-b", name="福田区", kind=UnitKind.DISTRICT)
    b_office = UnitFactory(code="mx-b-office", name="福田区委改革办", kind=UnitKind.REFORM_OFFICE, parent=b)
    services_domain = Domain.objects.get(code="public-services")
    users: dict[str, User | None] = {
        "anonymous": None,
        "resident": _person("mx_resident", Role.RESIDENT),
        "expert": _person("mx_expert", Role.EXPERT),
        "unit_staff": _person("mx_unit_staff", Role.UNIT_STAFF, units["sub_a"]),
        "unit_head": _person("mx_unit_head", Role.UNIT_HEAD, units["sub_a"]),
        "other_unit": _person("mx_other_unit", Role.UNIT_STAFF, units["sub_b"]),
        "leader_main": _person("mx_leader_main", Role.LEADER, a, leader_tier=LeaderTier.MAIN),
        "leader_domains": _person(
            "mx_leader_domains", Role.LEADER, a, leader_tier=LeaderTier.DOMAINS, domains=[services_domain]
        ),
        "committee": _person("mx_committee", Role.COMMITTEE, units["committee"]),
        "office": _person("mx_office", Role.OFFICE, units["office"]),
        "other_office": _person("mx_other_office", Role.OFFICE, b_office),
        "province": _person("mx_province", Role.PROVINCE_OFFICE),
        "discipline": _person(
            "mx_discipline", Role.DISCIPLINE,
            UnitFactory(code="mx-a-jiwei", name="区纪委监委", kind=UnitKind.DEPARTMENT, parent=a),
        ),
    }
    return users, units


# --- evaluation: code packs (issue 10 part 2) -------------------------------------------------------


def _code_pack(users: dict[str, User | None], round_: Round) -> dict[str, int]:
    """A code pack of district A's open public round (results not published) for the community of
    sub-district A, not yet downloaded."""
    office = users["office"]
    assert office is not None
    community = Unit.objects.get(code="mx-a-guiyuan-c1")
    pack = code_services.make_code_pack(user=office, round=round_, community=community, size=3)
    return {"code_pack": pack.pk}


def build_world() -> World:
    users, units = _people()
    office, staff = users["office"], users["unit_staff"]
    today = timezone.localdate()
    reform = ReformFactory(
        code="MX-1", title="不动产登记改革", tier=Tier.KEY, domain=Domain.objects.get(code="public-services"),
        lead_unit=units["sub_a"], district=units["district"], co_units=[units["department"]],
        start_date=today - dt.timedelta(days=200), due_date=today + dt.timedelta(days=200), progress=0,
        responsible_leader=users["leader_main"],
    )
    to_complete = ReformFactory(
        code="MX-2", title="窗口综合受理", tier=Tier.KEY, domain=reform.domain, lead_unit=units["sub_a"],
        district=units["district"], start_date=reform.start_date, due_date=reform.due_date, progress=0,
    )
    task = task_services.create_task(
        user=office, reform=reform, title="窗口改造", unit=units["sub_a"],
        start_date=today - dt.timedelta(days=10), due_date=today + dt.timedelta(days=60),
    )
    report = report_services.submit_report(
        user=staff, task=task, percent=30, text="已完成调研", help_needed="需协调场地", evidence=[pdf()]
    )
    extension = extension_services.request_extension(
        user=staff, task=task, new_due_date=today + dt.timedelta(days=90), reason="场地未落实"
    )
    order = order_services.issue_order(
        user=office, title="督查令", reply_by=today + dt.timedelta(days=10), units=[units["sub_a"]], items=[(task, None)]
    )
    reply = reply_services.reply_to_order(user=staff, order=order, text="已办理", files=[pdf("reply.pdf")])
    change = decision_services.request_change(
        user=staff, reform=reform, proposed={"goals": "新目标"}, reason="情况变化"
    )
    completion = decision_services.apply_completion(
        user=staff, reform=to_complete, summary="已完成", evidence=[pdf("results.pdf")]
    )
    attachment = reform_services.add_attachment(user=office, reform=reform, uploaded_file=pdf("plan.pdf"), is_public=True)
    ledger = LedgerImport.objects.create(
        uploaded_by=office, file=ContentFile(b"code,title\n", name="ledger.csv"), filename="ledger.csv",
        status=LedgerImport.ImportStatus.READY,
    )
    round_, rating = _rating_round(users, units, [reform, to_complete])
    evaluation = {"round": round_.pk, "rating": rating.pk, **_code_pack(users, round_)}
    lookback = _lookback_objects(users, units, reform.domain)
    panel_objects = _panel_world(users, units, [reform, to_complete])
    tolerance = _tolerance_objects(users, units, reform.domain)
    case_objects = _case_study_objects(users, reform, attachment)
    assessment_objects = _assessment_world(users, units)  # issue 11: appeals, commendations, pages
    tokens = {role: (create_token(user=user) if user is not None else None) for role, user in users.items()}
    return World(
        users=users,
        tokens=tokens,
        objects={
            "unit_a": units["sub_a"].pk,
            "unit_staff_user": staff.pk,
            "membership": staff.memberships.get().pk,
            "reform": reform.pk,
            "completed_reform": to_complete.pk,
            "task": task.pk,
            "report": report.pk,
            "evidence": Evidence.objects.get(report=report).pk,
            "help": HelpRequest.objects.get(report=report).pk,
            "extension": extension.pk,
            "order": order.pk,
            "reply": reply.pk,
            "reply_file": OrderReplyFile.objects.get(reply=reply).pk,
            "change": change.pk,
            "completion": completion.pk,
            "attachment": attachment.pk,
            "ledger_import": ledger.pk,
            **evaluation,  # issue 10: a public round open now, a rating with a comment to moderate, a code pack
            **lookback,  # a completed key reform's look-back review and the problem it found
            **panel_objects,  # a closed expert panel and the matrix's expert's sheet
            **tolerance,  # issue 11 part 4: a terminated reform's tolerance case, its evidence, a checklist item
            **case_objects,  # MX-1's case study, published, adopted by the city, with an image
            **assessment_objects,  # issue 11: a published, public version of 2018 with an open appeal; a commendation
        },
    )


# --- fault tolerance (容错纠错), issue 11 part 4 --------------------------------------------------


def _tolerance_objects(users: dict[str, User | None], units: dict[str, Unit], domain: Domain) -> dict[str, int]:
    """A terminated reform of the lead unit (its responsible leader: the main leader) and the lead
    unit's staff's open tolerance case on it with one evidence file; a checklist item of district A."""
    reform = ReformFactory(
        code="MX-TC", title="加装电梯改革", tier=Tier.MICRO, domain=domain, lead_unit=units["sub_a"], district=units["district"],
        status=Status.TERMINATED, year=2016, start_date=dt.date(2016, 1, 1), due_date=dt.date(2016, 12, 31),
        responsible_leader=users["leader_main"],
    )
    ensure_checklist(district=units["district"])
    items = list(ChecklistItem.objects.filter(district=units["district"]))
    case = tolerance_services.apply_for_exemption(
        user=users["unit_staff"], reform=reform, what_happened="居民意见不一，工程终止。", year=2016,
        answers={i.code: (i.kind == "condition", "说明") for i in items}, evidence=[pdf("minutes.pdf")],
    )
    return {
        "tolerance_reform": reform.pk, "tolerance_case": case.pk, "tolerance_file": case.evidence.get().pk,
        "checklist_item": items[0].pk,
    }


# --- look-back reviews (回头看), issue 10 part 6 ----------------------------------------------------


def _lookback_objects(users: dict[str, User | None], units: dict[str, Unit], domain: Domain) -> dict[str, int]:
    """A key reform of district A completed two years ago (its due date: the ledger's history), with
    a look-back review in progress that found one problem."""
    done = timezone.localdate() - dt.timedelta(days=730)
    reform = ReformFactory(
        code="MX-LB", title="家庭医生签约服务改革", tier=Tier.KEY, domain=domain, lead_unit=units["sub_a"],
        district=units["district"], status=Status.COMPLETED, progress=100, year=done.year,
        start_date=done - dt.timedelta(days=200), due_date=done, responsible_leader=users["leader_main"],
    )
    review = lookback_services.schedule_review(user=users["office"], reform=reform, scheduled_on=timezone.localdate())
    lookback_services.update_review(
        user=users["office"], review=review, changes={"mechanism": "yes"}, problems=[{"description": "人手不足", "severity": "high"}],
    )
    return {"lookback_reform": reform.pk, "lookback": review.pk, "lookback_problem": review.problems.get().pk}


# --- rounds and ratings (issue 10 parts 1-3) --------------------------------------------------------


def _rating_round(users: dict[str, User | None], units: dict[str, Unit], reforms: list) -> tuple[Any, Any]:
    """District A's public round, open now, with both reforms; the matrix's resident is
    verified in a community of sub-district A, and another verified resident rated the first reform
    with a comment that awaits moderation."""
    community = UnitFactory(code="mx-a-guiyuan-c1", name="松园社区", kind=UnitKind.COMMUNITY, parent=units["sub_a"])
    rater = UserFactory(username="mx_rater", full_name="mx_rater")
    for n, person in enumerate((users["resident"], rater), start=1):
        Resident.objects.create(user=person, identifier_hash=f"{n:064d}", community=community, verified_at=timezone.now())
    now = timezone.now()
    round_ = round_services.open_round(
        user=users["office"], district=units["district"], kind=RoundKind.PUBLIC, year=now.year, title="群众评",
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30), reforms=reforms,
    )
    rating = rating_services.submit_rating(
        user=rater, round=round_, reform=reforms[0], scores={"satisfaction": 5, "effect": 4}, comment="很好",
        channel=Channel.WEB, address=None, device=None,
    )
    return round_, rating


# --- expert panels (eval-panels) -----------------------------------------------------------------


def _panel_world(users: dict[str, User | None], units: dict[str, Unit], reforms: list[Any]) -> dict[str, int]:
    """District A's expert round of both reforms, its panel (the matrix's expert and a second expert
    whose unit, the department, co-runs MX-1), closed after the expert submitted their MX-1 sheet:
    ``panel`` and ``sheet`` (the matrix's expert's)."""
    office, expert = users["office"], users["expert"]
    assert office is not None and expert is not None
    other = _person("mx_expert_2", Role.EXPERT)
    pool = [
        _panel_services.add_expert(user=office, district=units["district"], person=expert, name="专家甲",
                                   affiliation="市发展研究中心", field="公共管理"),
        _panel_services.add_expert(user=office, district=units["district"], person=other, name="专家乙",
                                   affiliation="区卫生健康局", field="卫生政策", unit=units["department"]),
    ]
    round_ = _expert_round(district=units["district"], by=office, reforms=reforms)
    panel = _panel_services.form_panel(user=office, round=round_, name="专家评审组", criteria=_rubric(), members=pool)
    _panel_services.open_scoring(user=office, panel=panel)
    sheet = panel.sheets.select_related("expert", "reform", "panel").get(expert=pool[0], reform=reforms[0])
    criteria = list(panel.criteria.order_by("position"))
    _sheet_services.submit_sheet(user=expert, sheet=sheet, marks={str(c.pk): 15 for c in criteria})
    _panel_services.close_panel(user=office, panel=panel)
    return {"panel": panel.pk, "sheet": sheet.pk}


# --- case studies (issue 11 part 6) ---------------------------------------------------------------


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _case_study_objects(users: dict[str, User | None], reform: Any, attachment: Any) -> dict[str, int]:
    """MX-1's case study, written by the office, citing the reform's public attachment, with an
    image, published and adopted by the city: ``case_study``, ``case_material``, ``case_adoption``."""
    office = users["office"]
    case = _case_services.draft_case_study(user=office, reform=reform, title="不动产登记改革的经验")
    _case_services.update_case_study(
        user=office, case=case, evidence_attachments=[attachment.pk],
        changes={"background": "登记窗口分散", "features": "一窗受理", "highlights": "办理时间压缩一半", "experience": "数据共享"},
    )
    material = _material_services.add_material(user=office, case=case, upload=SimpleUploadedFile("photo.png", PNG))
    _case_services.publish_case_study(user=office, case=case)
    adoption = _adoption_services.record_adoption(
        user=office, case=case, level="city", place="深圳市", adopted_on=timezone.localdate() - dt.timedelta(days=1)
    )
    return {"case_study": case.pk, "case_material": material.pk, "case_adoption": adoption.pk}
# --- the assessment's pages, appeals and commendations (issue 11 parts 3, 5, 7) ---------------------


def _assessment_world(users: dict[str, User | None], units: dict[str, Unit]) -> dict[str, int]:
    """District A's 2018 scheme (base 100, a penalty for running no reform), adopted, computed,
    reviewed and published (version 1) on the public site; the lead unit's staff appealed its base line (open);
    the office commended the lead unit."""
    from reformledger.assessment.models import LineItem
    from reformledger.assessment.services import appeals as _appeals
    from reformledger.assessment.services import commendations as _commendations
    from reformledger.assessment.services import computation as _computation
    from reformledger.assessment.services import schemes as _schemes
    from reformledger.assessment.services import versions as _versions

    office, staff = users["office"], users["unit_staff"]
    scheme = _schemes.create_scheme(user=office, district=units["district"], year=2018, title="2018年度改革考评方案",
                                    unit_kinds=["sub_district", "department"], noise_margin=Decimal(1), appeal_days=365)
    rule = _schemes.save_rule(user=office, scheme=scheme, clause="1", title="基础分", kind="base", params={"points": 100})
    _schemes.save_rule(user=office, scheme=scheme, clause="2", title="未开展改革扣分", kind="no_reform", params={"points": -5})
    scheme = _schemes.adopt_scheme(user=office, scheme=scheme)
    version = _computation.compute(user=office, scheme=scheme)
    _versions.review(user=office, assessment=version)
    version = _versions.publish(user=office, assessment=version, is_public=True)
    line = LineItem.objects.get(assessment=version, unit=units["sub_a"], rule=rule)
    appeal = _appeals.file_appeal(user=staff, line_item=line, reason="基础分应为105分", requested_points="105")
    commendation = _commendations.award_commendation(
        user=office, district=units["district"], year=2018, kind="best_key", title="年度最佳重点改革", unit=units["sub_a"],
        citation="不动产登记改革", awarded_on=timezone.localdate(),
    )
    return {
        "scheme": scheme.pk, "rule": rule.pk, "assessment": version.pk, "line_item": line.pk, "appeal": appeal.pk,
        "commendation": commendation.pk, "assessment_year": 2018, "assessment_version": version.version,
    }
