"""Today's supervision in the demo district, through the services as a person would do it: a
report filed by ``unit`` and one asking ``leader`` for help, the office's reviews, help resolved,
four supervision orders (one not acknowledged, so it escalates; one with a written reply awaiting
the office), a completion application, two change requests (one awaiting the office, one approved
with the committee's meeting), an urging, and a micro-reform proposed to the committee.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from reformledger.core.audit import Change, diff
from reformledger.org.models import Domain, Unit
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Reform, Status, Tier
from reformledger.supervision.models import (
    LEVEL_RANK,
    Decision,
    Level,
    OrderTarget,
    ProgressReport,
    Task,
    TaskStatus,
)
from reformledger.supervision.services import decisions as decision_services
from reformledger.supervision.services import extensions as extension_services
from reformledger.supervision.services import help as help_services
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from reformledger.supervision.services import reports as report_services

from .catalogue import split_measures
from .documents import make_docx, make_pdf, make_png
from .generator import DONE, month_end
from .programme import CURRENT_MICRO
from .story import (
    ASKS_FOR_HELP,
    ASKS_FOR_TIME,
    CHANGE_APPROVED,
    DEMO_SEED,
    GRANTED_TIME,
    ORDERS,
    RETURN_COMMENTS,
    UNIT_REPORTS_ON,
    URGED,
    programme_year,
)

if TYPE_CHECKING:
    from .supervision import Story


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def todays_work(story: Story) -> None:
    """Today's supervision, through the services: reports, reviews, help, orders, completion,
    change requests and an urging."""
    _reports(story)
    _reviews(story)
    for help_request, resolution in story.to_resolve:
        resolver = help_request.leader if help_request.leader_id else story.office
        help_services.resolve_help(user=resolver, help_request=help_request, resolution=resolution)
        story.created["help_resolved"] += 1
    _orders(story)
    _completion(story)
    _change_requests(story)
    _urging(story)
    _extensions(story)
    _proposal(story)


def _leaves(story: Story, role: str, **filters) -> list[Task]:
    """The open leaf tasks of the reform playing ``role``, worst and soonest first."""
    code = story.cast.code(role)
    if code is None:
        return []
    qs = (
        Task.objects.filter(reform__district=story.district, reform__code=code, children__isnull=True, **filters)
        .exclude(status=TaskStatus.DONE)
        .select_related("reform", "reform__lead_unit", "unit", "assignee")
    )
    return sorted(qs, key=lambda t: (LEVEL_RANK[Level(t.level)], t.due_date, t.pk))


def _backdate(story: Story, obj, **values) -> None:
    before = {name: getattr(obj, name) for name in values}
    type(obj).objects.filter(pk=obj.pk).update(**values)
    story.changes.append(Change("demo.update", obj, diff(before, values)))


def _reports(story: Story) -> None:
    """The showcase login files a report on one of its tasks, with a photo; a key reform's unit asks for help."""
    unit_user = story.users.get("unit")
    mine = [
        t for t in _leaves(story, UNIT_REPORTS_ON, status=TaskStatus.IN_PROGRESS) if unit_user and t.assignee_id == unit_user.pk
    ]
    if mine:
        task = mine[0]
        photo = ContentFile(make_png(7), name="现场照片.png")
        report_services.submit_report(
            user=unit_user, task=task, percent=min(100, task.progress + 10),
            text="组织辖区物业服务企业召开党建联席会议，签订共建协议，累计完成阶段任务。", evidence=[photo],
        )
        story.created["reports_today"] += 1
    asking = [t for t in _leaves(story, ASKS_FOR_HELP, status=TaskStatus.IN_PROGRESS) if t.level != "red"]
    for task in sorted(asking, key=lambda t: t.level != "green")[:1]:
        reporter = task.assignee or story.member(task.unit)
        if reporter is not None:
            report_services.submit_report(
                user=reporter, task=task, percent=min(100, task.progress + 5),
                text="完成诉求分类标准和处置流程梳理，形成流程图初稿。", problems="市级民生诉求系统接口尚未开放。",
                help_needed="诉求平台需与市级“民生诉求”系统对接，请区政务服务数据管理局协调开放数据接口。",
            )
            story.created["reports_today"] += 1


def _reviews(story: Story) -> None:
    """The office reviews the oldest reports waiting for it: one accepted, one returned."""
    waiting = list(
        ProgressReport.objects.filter(task__district=story.district, status=Decision.PENDING, reported_on__lt=story.today)
        .select_related("task")
        .order_by("reported_on", "pk")[:2]
    )
    for report, accept in zip(waiting, (True, False), strict=False):
        report_services.review_report(
            user=story.office, report=report, accept=accept, comment="材料齐全，同意。" if accept else RETURN_COMMENTS[0]
        )
        story.created["reviews_today"] += 1


def _orders(story: Story) -> None:
    """Supervision orders, oldest first so that their numbers follow their dates."""
    today, district = story.today, story.district
    rng = random.Random(f"{DEMO_SEED}-today")
    units = {u.code: u for u in Unit.objects.filter(district=district)}
    for days_ago, roles, extra, title, findings, acknowledged, replied in ORDERS:
        items = []
        for role in roles:
            leaves = _leaves(story, role)
            # The order's own deadline (督办时限): the task's due date, or two weeks on when it has passed.
            items += [(t, max(t.due_date, today + _days(14))) for t in leaves[: 2 if len(roles) == 1 else 1]]
        if not items:
            continue
        reform = items[0][0].reform
        targets = [reform.lead_unit] + [units[f"{district.code}-{s}"] for s in extra if f"{district.code}-{s}" in units]
        issued = max(today - _days(days_ago), dt.date(today.year, 1, 1))
        reply_by = max(issued + _days(10), today) if days_ago < 10 else issued + _days(10)
        order = order_services.issue_order(
            user=story.office, title=title, body=_order_body(reform, findings, reply_by), reply_by=max(reply_by, today),
            units=targets, items=items,
        )
        story.created["orders"] += 1
        if issued != order.issued_on or reply_by != order.reply_by:
            _backdate(story, order, issued_on=issued, reply_by=reply_by)
        for n, target in enumerate(order.targets.select_related("unit").order_by("pk")):
            if acknowledged is False or (acknowledged is None and n > 0):
                continue
            signer = story.member(target.unit)
            if signer is None:
                continue
            order_services.acknowledge_order(user=signer, order=order, unit=target.unit)
            if days_ago:
                signed = story.at(min(today, issued + _days(1 + n)), rng)
                _backdate(story, OrderTarget.objects.get(pk=target.pk), acknowledged_at=signed)
            if replied and n == 0:
                _reply(story, order, target.unit, signer)


def _reply(story: Story, order, unit: Unit, signer) -> None:
    """The lead unit's written reply (办理回复) to an order, with its account as a Word file: it
    waits for the office's review."""
    lines = [
        "一、召开专题会议研究部署，明确分管领导和责任科室，逐项制定整改措施和完成时限。",
        "二、对督查令所列逾期任务逐项梳理原因，已协调区财政局落实配套资金，工程已复工。",
        "三、建立周调度机制，每周报送进展，确保在督办时限内完成整改。",
    ]
    paper = ContentFile(make_docx(f"关于{order.title.removeprefix('关于')}的办理情况报告", lines), name="督查令办理情况报告.docx")
    reply_services.reply_to_order(user=signer, order=order, unit=unit, text="\n".join(lines), files=[paper])
    story.created["order_replies"] += 1


def _order_body(reform: Reform, findings: str, reply_by: dt.date) -> str:
    return (
        f"根据区委全面深化改革委员会工作部署，区委改革办近期对{reform.title}等改革事项推进情况进行了督查。"
        f"经查，{findings}。现就有关事项督办如下：\n"
        "一、请责任单位主要负责同志亲自研究部署，逐项明确责任人和完成时限；\n"
        "二、请按督查令所列任务和时限抓紧推进，并在系统中及时报送进展和佐证材料；\n"
        f"三、请于{reply_by.year}年{reply_by.month}月{reply_by.day}日前将整改落实情况书面报送区委改革办。"
    )


def _completion(story: Story) -> None:
    """A completion application, its tasks all done, with the work's summary as a Word file."""
    done = next((t for t in story.trees.values() if t.mood == DONE), None)
    if done is None:
        return
    reform = done.reform
    summary_lines = [f"{i + 1}. {m}：已完成。" for i, m in enumerate(split_measures(reform))]
    summary = f"{reform.title}已按计划完成全部任务。" + "".join(summary_lines)
    paper = ContentFile(make_docx(f"{reform.title}工作总结", summary_lines), name="改革工作总结.docx")
    decision_services.apply_completion(user=story.actor(reform.lead_unit), reform=reform, summary=summary, evidence=[paper])
    story.created["completion_applications"] += 1


def _change_requests(story: Story) -> None:
    """Change requests: one awaiting the office (a key reform), one approved with the committee."""
    today, district = story.today, story.district
    pending = Reform.objects.filter(district=district, code=story.cast.code(ASKS_FOR_HELP)).select_related("lead_unit").first()
    if pending is not None and pending.due_date is not None and story.member(pending.lead_unit):
        letter = ContentFile(
            make_pdf("关于民生诉求系统对接事项的复函", ["市级民生诉求系统接口改造计划于明年一季度完成。", "请区级平台做好对接准备。"]),
            name="市级系统对接复函.pdf",
        )
        decision_services.request_change(
            user=story.member(pending.lead_unit), reform=pending,
            proposed={
                "due_date": month_end(pending.due_date, 3),
                "measures": pending.measures.rstrip("。") + "；五是引入第三方机构评估诉求处置满意度。",
            },
            reason="诉求平台需与市级系统对接，市级接口改造计划于明年一季度完成，申请将完成时限顺延三个月，并增加满意度评估措施。",
            evidence=[letter],
        )
        story.created["change_requests"] += 1
    approved = Reform.objects.filter(district=district, code=story.cast.code(CHANGE_APPROVED)).select_related("lead_unit").first()
    if approved is not None and story.member(approved.lead_unit):
        request = decision_services.request_change(
            user=story.member(approved.lead_unit), reform=approved,
            proposed={"deliverables": approved.deliverables.rstrip("。") + "；违法建筑智慧监管平台运行报告。"},
            reason="智慧监管平台已纳入全区数据共享工程，建议将平台运行报告列为改革成果。",
        )
        decision_services.decide_change(
            user=story.office, change_request=request, approve=True, note="同意调整。",
            committee_meeting=f"区委全面深化改革委员会{today.year}年第{1 + today.month // 3}次会议",
        )
        story.created["change_requests"] += 1


def _urging(story: Story) -> None:
    """The office urges the showcase sub-district about its overdue task."""
    for task in _leaves(story, URGED, level="red")[:1]:
        report_services.urge(
            user=story.office, task=task,
            message=f"“{task.title}”已超过完成时限，请于三个工作日内报送逾期原因、整改措施和完成时间。",
        )
        story.created["urgings"] += 1


def _extensions(story: Story) -> None:
    """Extension requests (延期申请): ``unit`` asks for more time on its overdue task (it waits for
    the office); a key reform's unit asked earlier and the office granted a shorter time than asked."""
    today = story.today
    unit_user = story.users.get("unit")
    for task in _leaves(story, ASKS_FOR_TIME, level="red")[:1]:
        asker = unit_user if unit_user is not None and task.unit_id == (story.showcase.pk if story.showcase else None) else story.member(task.unit)
        if asker is None:
            continue
        letter = ContentFile(make_pdf("关于延期完成的情况说明", [
            "一、该项任务涉及的网格员招录须经区人力资源局统一组织，招录时间较原计划推迟。",
            "二、目前已完成笔试，面试和岗前培训计划于一个月内完成。",
        ]), name="延期情况说明.pdf")
        extension_services.request_extension(
            user=asker, task=task, new_due_date=month_end(today, 1),
            reason="网格员统一招录时间推迟，岗前培训需顺延，申请将完成时限延至下月底。", evidence=[letter],
        )
        story.created["extension_requests"] += 1
    for task in _leaves(story, GRANTED_TIME, level="red")[:1]:
        asker = story.member(task.unit)
        if asker is None:
            continue
        asked = extension_services.request_extension(
            user=asker, task=task, new_due_date=month_end(today, 2),
            reason="社区健康服务站改造涉及产权单位协调，施工进场时间推迟，申请延期两个月。",
        )
        extension_services.decide_extension(
            user=story.office, request=asked, approve=True, granted_due_date=month_end(today, 1),
            comment="同意延期，但须于下月底前完成；逾期记录保留。",
        )
        story.created["extension_requests"] += 1


def _proposal(story: Story) -> None:
    """``unit``'s sub-district drafts a micro-reform and proposes it: it waits for the committee."""
    unit_user, lead = story.users.get("unit"), story.showcase
    if unit_user is None or lead is None:
        return
    year = programme_year(story.today)
    domain = Domain.objects.get(code="grassroots-governance")
    reform = reform_services.create_reform(user=unit_user, data={
        "code": f"{story.district.code.upper()}-{year}-WG-{CURRENT_MICRO + 1:03d}",
        "title": f"{lead.name}“智慧安防”老旧小区微改造改革",
        "tier": Tier.MICRO, "year": year, "domain": domain, "lead_unit": lead,
        "goals": "老旧小区智能门禁、视频监控和消防预警全覆盖，居民安全感明显提升。",
        "measures": "一是摸清辖区老旧小区安防设施底数；二是分批加装智能门禁和消防预警设备；三是建立小区安防联勤机制。",
        "deliverables": "老旧小区安防设施台账；智慧安防建设验收报告。",
        "public_summary": f"由{lead.name}牵头，推进老旧小区“智慧安防”微改造，提升居民安全感。",
    })
    reform_services.transition_reform(
        user=unit_user, reform=reform, to_status=Status.PROPOSED, note="经街道党工委会议研究，提请区委改革委审议。"
    )
    story.created["proposals"] += 1
