"""What happened before today, written as rows: each leaf's progress reports (roughly monthly,
rising to its progress; now and then one returned and filed again), the office's reviews, the
evidence files, and the help units asked for. The services date everything today, so these rows
are inserted in bulk and backdated, and recorded for the loader's one audit append.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from reformledger.core.audit import Change
from reformledger.supervision import notify
from reformledger.supervision.models import Decision, Evidence, HelpRequest, ProgressReport, Task, TaskStatus

from .generator import Planned, report_points
from .story import (
    ACCEPT_COMMENTS,
    AUDIT_ACTION,
    DEMO_SEED,
    HISTORIC_HELP,
    PROBLEMS,
    REPORT_TEXTS,
    RETURN_COMMENTS,
)

if TYPE_CHECKING:
    from .supervision import Story, Tree

#: A report to insert: the report, when it was filed, its evidence's kind (or None), the task's stage.
Filed = tuple[ProgressReport, dt.datetime, str | None, str]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _report_text(rng: random.Random) -> str:
    many = rng.randint(20, 300)
    return REPORT_TEXTS[rng.randrange(len(REPORT_TEXTS))].format(
        n=rng.randint(2, 9), m=many, k=rng.randint(many // 3, many)
    )


def write_history(story: Story) -> None:
    """The leaves' facts, and the reports (with evidence and help needed) that led to them."""
    pending: list[Filed] = []
    help_reports: dict[str, ProgressReport] = {}
    for code, tree in story.trees.items():
        standing = _tree_reports(story, tree, pending)
        if standing is not None:
            help_reports[code] = standing
    _insert_reports(story, pending)
    _awaiting_review(pending)
    _ask_for_help(story, help_reports)


def _awaiting_review(pending: list[Filed]) -> None:
    """Progress is what the office accepted (ADR 0022): a leaf whose last report awaits review
    keeps its last accepted percent, and the pending one shows as reported (the roll-up follows)."""
    accepted: dict[int, int] = {}
    waiting: dict[int, int] = {}
    for report, _at, _k, _s in pending:  # in filing order per task
        if report.status == Decision.ACCEPTED:
            accepted[report.task_id] = report.percent
        elif report.status == Decision.PENDING:
            waiting[report.task_id] = report.percent
    tasks = list(Task.objects.filter(pk__in=list(waiting)).only("pk", "progress", "reported_percent"))
    for task in tasks:
        task.progress, task.reported_percent = accepted.get(task.pk, 0), waiting[task.pk]
    Task.objects.bulk_update(tasks, ["progress", "reported_percent"], batch_size=500)


def _tree_reports(story: Story, tree: Tree, pending: list[Filed]) -> ProgressReport | None:
    """One tree's reports (added to ``pending``); returns the report that asked for help, if any."""
    code = tree.reform.code
    rng = random.Random(f"{DEMO_SEED}-history-{code}")
    help_text = {role: text for role, text, _r in HISTORIC_HELP}.get(story.cast.role(code) or "")
    filed: dict[int, list[ProgressReport]] = {}
    for node, task in zip(tree.plan, tree.tasks, strict=True):
        if not node.leaf:
            continue
        if node.last_report is None:
            continue
        filed[node.key] = _leaf_reports(story, rng, node, task, pending)
    if not (help_text and filed):
        return None
    # Help asked on the reform's troubled task (its last report), else earlier on a task on track.
    key = next((n.key for n in tree.marked if n.key in filed), None)
    standing = filed[key][-1] if key is not None else next(iter(filed.values()))[-2:][0]
    standing.help_needed = help_text
    return standing


def _leaf_reports(story: Story, rng: random.Random, node: Planned, task: Task, pending: list[Filed]) -> list[ProgressReport]:
    """The reports that led to a leaf's facts (added to ``pending``); returns those that stand."""
    today = story.today
    reporter = task.assignee or story.actor(task.unit)
    points = report_points(rng, node)
    stage = task.title.split("：")[-1][:12]
    standing: list[ProgressReport] = []
    for i, (day, percent) in enumerate(points):
        last = i == len(points) - 1
        if not last and rng.random() < 0.08:  # a report returned, then filed again
            early = max(node.start, day - _days(3))
            returned = ProgressReport(
                task=task, district_id=task.district_id, reporter=reporter, reported_on=early, percent=min(100, percent + 15),
                text=_report_text(rng),
                status=Decision.RETURNED, reviewed_by=story.inspector, reviewed_at=story.at(day, rng),
                review_comment=rng.choice(RETURN_COMMENTS),
            )
            pending.append((returned, story.at(early, rng), None, stage))
        done_report = last and node.status == TaskStatus.DONE
        status = Decision.ACCEPTED
        if last and not done_report and (today - day).days <= 10 and rng.random() < 0.45:
            status = Decision.PENDING
        text = (
            f"已完成全部工作任务，形成{task.deliverable or '工作成果'}，申请验收。" if done_report
            else _report_text(rng)
        )
        reviewed = min(today, day + _days(rng.randint(1, 3)))
        report = ProgressReport(
            task=task, district_id=task.district_id, reporter=reporter, reported_on=day, percent=percent, text=f"{text}累计完成{percent}%。",
            problems=rng.choice(PROBLEMS) if not done_report and rng.random() < 0.3 else "",
            status=status,
            reviewed_by=(story.office if rng.random() < 0.4 else story.inspector) if status != Decision.PENDING else None,
            reviewed_at=story.at(reviewed, rng) if status != Decision.PENDING else None,
            review_comment=rng.choice(ACCEPT_COMMENTS) if status == Decision.ACCEPTED else "",
        )
        if done_report:
            kind = rng.choice(("docx", "pdf", "xlsx")) if rng.random() < 0.6 else None
        else:
            kind = rng.choice(("png", "pdf", "xlsx", "png")) if rng.random() < 0.18 else None
        pending.append((report, story.at(day, rng), kind, stage))
        standing.append(report)
    return standing


def _insert_reports(story: Story, pending: list[Filed]) -> None:
    """Every report in bulk, backdated to when it was filed, with its evidence file."""
    reports = [r for r, _at, _k, _s in pending]
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    for report, created, _kind, _stage in pending:
        report.created_at = report.updated_at = created
    ProgressReport.objects.bulk_update(reports, ["created_at", "updated_at"], batch_size=100)
    story.created["reports"] += len(reports)
    for report, created, kind, stage in pending:
        story.record(report, {
            "task": report.task_id, "reported_on": report.reported_on, "percent": report.percent, "status": report.status,
        })
        if kind is not None:
            _attach_evidence(story, report, created, kind, stage)


def _attach_evidence(story: Story, report: ProgressReport, created: dt.datetime, kind: str, stage: str) -> None:
    task = report.task
    upload = story.evidence_file(
        kind, title=f"{task.reform.code} {task.title}"[:60], stage=stage, seed=report.pk,
        lines=[f"责任单位：{task.unit.name}", f"报送日期：{report.reported_on.isoformat()}", f"完成进度：{report.percent}%",
               report.text[:40]],
    )
    evidence = Evidence.objects.create(
        reform_id=task.reform_id, report=report, file=upload, name=str(upload.name), kind=kind, size=upload.size,
        uploaded_by=report.reporter,
    )
    Evidence.objects.filter(pk=evidence.pk).update(created_at=created, updated_at=created)
    story.changes.append(Change(AUDIT_ACTION, evidence, {"report": [None, report.pk], "name": [None, evidence.name]}))
    story.created["evidence_files"] += 1


def _ask_for_help(story: Story, help_reports: dict[str, ProgressReport]) -> None:
    """The help those reports asked for, sent to the leader in charge; resolved today if the story says so."""
    resolutions = {c: resolution for c, _t, resolution in HISTORIC_HELP}
    for code, report in help_reports.items():
        tree = story.trees[code]
        help_request = HelpRequest.objects.create(
            report=report, reform=tree.reform, district_id=story.district.pk, leader=story.help_leader(tree.reform),
            text=report.help_needed,
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(created_at=report.created_at, updated_at=report.created_at)
        notify.help_needed(help_request, task=report.task)
        story.changes.append(Change(AUDIT_ACTION, help_request, {"report": [None, report.pk], "leader": [None, help_request.leader_id]}))
        story.created["help_requests"] += 1
        if resolution := resolutions.get(story.cast.role(code) or ""):
            story.to_resolve.append((help_request, resolution))
