"""The panel report (专家评审报告), as a Word document and as an Excel workbook: the ranked
projects, each project's score line by line (criterion × expert × weight → total), the agreement
and the furthest rater, the conflicts of interest excluded, and the sheets left pending. Written
in Chinese, as the office files it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from reformledger.core.exporters import ExcelExporter, WordExporter, cn_date

from ..models.panels import plain
from ..selectors.scores import PanelReport, ProjectScore

RANK_HEADERS = ["名次", "改革编号", "项目名称", "牵头单位", "评分专家数", "是否去掉最高最低分", "最终得分"]
LINE_HEADERS = ["改革编号", "项目名称", "专家", "评分项", "得分", "权重", "加权得分"]


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _alpha(report: PanelReport) -> str:
    alpha = report.agreement.alpha
    return "无法计算（评分不足）" if alpha is None else f"{alpha:.3f}"


def _furthest(report: PanelReport) -> str:
    far = report.agreement.furthest
    if far is None:
        return "—"
    expert = report.experts.get(int(str(far.rater)))
    way = "偏高" if far.mean_signed > 0 else "偏低"
    return f"{expert.name if expert else far.rater}（与其他专家平均相差{far.mean_absolute:.2f}分，{way}）"


def rank_rows(report: PanelReport) -> Iterator[tuple[object, ...]]:
    for p in report.projects:
        yield (p.rank or "—", p.code, p.title, p.lead_unit, len(p.totals), "是" if p.trimmed else "否", _score(p.score))


def line_rows(report: PanelReport, project: ProjectScore) -> Iterator[tuple[object, ...]]:
    for t in project.totals:
        expert = report.experts.get(t.expert_id)
        marks = report.lines.get((project.reform_id, t.expert_id), {})
        for c in report.criteria:
            points = marks.get(c.pk)
            weighted = points * c.weight if points is not None else None
            yield (project.code, project.title, expert.name if expert else t.expert_id, c.name,
                   points, c.weight, weighted)
        note = {"high": "（去掉的最高分）", "low": "（去掉的最低分）"}.get(t.dropped, "")
        yield (project.code, project.title, expert.name if expert else t.expert_id, "合计" + note, None, None, t.total)


def matrix(report: PanelReport, project: ProjectScore) -> tuple[list[str], list[tuple[object, ...]]]:
    """One project's marks as a table: an expert a row, a criterion a column (points), the
    weighted total last; the header gives each criterion's maximum and weight."""
    headers = ["专家", *(f"{c.name}\n{plain(c.max_points)}分×{plain(c.weight)}" for c in report.criteria), "加权合计"]
    rows: list[tuple[object, ...]] = []
    for t in project.totals:
        expert = report.experts.get(t.expert_id)
        marks = report.lines.get((project.reform_id, t.expert_id), {})
        note = {"high": "\n去掉的最高分", "low": "\n去掉的最低分"}.get(t.dropped, "")
        rows.append((expert.name if expert else t.expert_id, *(marks.get(c.pk, "—") for c in report.criteria), f"{t.total}{note}"))
    return headers, rows


def excluded_rows(report: PanelReport) -> Iterator[tuple[object, ...]]:
    for p in report.projects:
        for expert_id, unit in p.excluded:
            expert = report.experts.get(expert_id)
            yield (p.code, p.title, expert.name if expert else expert_id, f"所在单位（{unit}）牵头或配合该项目，回避评分")


def pending_rows(report: PanelReport) -> Iterator[tuple[object, ...]]:
    for p in report.projects:
        for expert_id in p.pending:
            expert = report.experts.get(expert_id)
            yield (p.code, p.title, expert.name if expert else expert_id, "未提交")


class PanelWordReport(WordExporter):
    identifier = "panel-docx"
    verbose_name = _("Panel report (Word)")

    def __init__(self, report: PanelReport):
        self.report = report

    def stem(self) -> str:
        return f"专家评审报告-{self.report.panel.round.year}-{self.report.panel.pk}"

    def document_title(self) -> str:
        return f"{self.report.panel.name}评审报告"

    def build(self) -> None:
        report, panel = self.report, self.report.panel
        self.title(self.document_title())
        rubric = "、".join(f"{c.name}{plain(c.max_points)}分（权重{plain(c.weight)}）" for c in report.criteria)
        self.body(f"本次评审共{len(report.experts)}名专家对{len(report.projects)}个项目评分。评分细则：{rubric}。"
                  f"每个项目有{panel.trim_min_experts}名及以上专家评分时，去掉一个最高分和一个最低分后取平均分。")
        self.body(f"专家评分一致性（Krippendorff's α，区间尺度）：{_alpha(report)}；与其他专家差异最大的专家：{_furthest(report)}。")
        self.heading("一、项目排名")
        self.table(RANK_HEADERS, list(rank_rows(report)), [12, 22, 60, 30, 16, 20, 18], centre=(0, 4, 5, 6))
        self.heading("二、逐项得分明细")
        for p in report.projects:
            self.subheading(f"{p.code} {p.title}：最终得分{_score(p.score)}")
            headers, rows = matrix(report, p)
            width = 130 / (len(headers) - 1)
            self.table(headers, rows, [30, *([width] * (len(headers) - 1))], centre=tuple(range(1, len(headers))))
        excluded = [row[0:1] + row[2:] for row in excluded_rows(report)]
        self.heading("三、回避情况")
        if excluded:
            self.table(["改革编号", "专家", "说明"], excluded, [25, 30, 100])
        else:
            self.body("无。")
        pending = [row[0:1] + row[2:] for row in pending_rows(report)]
        self.heading("四、未提交的评分表")
        if pending:
            self.table(["改革编号", "专家", "状态"], pending, [25, 30, 30])
        else:
            self.body("无。")
        self.signature(panel.district.name + "改革办", timezone.localdate())


class PanelWorkbook(ExcelExporter):
    identifier = "panel-xlsx"
    verbose_name = _("Panel report (Excel)")

    def __init__(self, report: PanelReport):
        self.report = report

    def stem(self) -> str:
        return f"专家评审结果-{self.report.panel.round.year}-{self.report.panel.pk}"

    def document_title(self) -> str:
        return f"{self.report.panel.name}评审结果"

    def build(self, workbook: Workbook) -> None:
        report = self.report
        caption = f"{self.document_title()} · 一致性α={_alpha(report)} · 差异最大：{_furthest(report)} · {cn_date(timezone.localdate())}"
        self.sheet(workbook, "项目排名", RANK_HEADERS, rank_rows(report), [8, 16, 44, 24, 12, 18, 12], caption=caption)
        lines = (row for p in report.projects for row in line_rows(report, p))
        self.sheet(workbook, "逐项得分", LINE_HEADERS, ([_plain(v) for v in row] for row in lines), [16, 44, 14, 18, 10, 10, 12])
        self.sheet(workbook, "回避情况", ["改革编号", "项目名称", "专家", "说明"], excluded_rows(report), [16, 44, 14, 60])
        self.sheet(workbook, "未提交", ["改革编号", "项目名称", "专家", "状态"], pending_rows(report), [16, 44, 14, 12])


def _plain(value: object) -> object:
    """Decimals as numbers a spreadsheet sums."""
    return float(value) if isinstance(value, Decimal) else value
