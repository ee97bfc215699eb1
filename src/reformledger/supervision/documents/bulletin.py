"""The month's bulletin (督查通报) as a Word document and as an Excel workbook.

Both are written from one :class:`~reformledger.supervision.bulletin.Bulletin` and read its totals
(reforms per status, tasks per level and their shares, orders issued) from it. The Word file lists
the first :attr:`BulletinDocument.list_limit` red and amber tasks; the workbook lists every one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from reformledger.core.anchor import Anchor
from reformledger.core.exporters import (
    KAI_FONT,
    ExcelExporter,
    GroupRow,
    TableRow,
    WordExporter,
    cn_date,
    cn_number,
)
from reformledger.reforms.ledger.format import STATUS_LABELS, TIER_LABELS

from .. import levels
from ..bulletin import Bulletin, UnitGroup, WarningRow
from ..models import Level
from .wording import ALL_DISTRICTS, ALL_DISTRICTS_OFFICE, BULLETIN_KIND, LEVEL_LABELS, office_name


def describe_zh(row: WarningRow, on: dt.date) -> str:
    """A warning in words, in Chinese (the reason codes of :mod:`..levels`)."""
    if row.reason == levels.OVERDUE:
        return f"逾期{(on - row.due_date).days}天"
    if row.reason == levels.SILENT:
        return f"{(on - (row.last_report_on or row.start_date)).days}天未报送进展"
    if row.reason == levels.BEHIND:
        expected = int(levels.expected_percent(row.start_date, row.due_date, on))
        return f"{(row.due_date - on).days}天后到期，已完成{row.progress}%，按进度应完成{expected}%"
    return LEVEL_LABELS.get(row.level, "")


def scope_name(bulletin: Bulletin) -> str:
    return bulletin.district.name if bulletin.district is not None else ALL_DISTRICTS


def bulletin_title(bulletin: Bulletin) -> str:
    return f"关于{bulletin.period.year}年{bulletin.period.month}月全面深化改革任务推进情况的通报"


def summary_text(bulletin: Bulletin) -> str:
    b = bulletin
    tiers = "，".join(f"{TIER_LABELS[r.tier]}{r.total}项" for r in b.reforms)
    by_status = b.status_totals
    return (
        f"截至{cn_date(b.made_on)}，{scope_name(b)}改革事项共{b.reform_total}项（{tiers}），"
        f"其中推进中{by_status.get('in_progress', 0)}项、已完成{by_status.get('completed', 0)}项。"
        f"末级任务节点共{b.task_total}个，其中红色预警{b.red_total}个、黄色预警{b.amber_total}个、"
        f"正常推进{b.levels.get(Level.GREEN, 0)}个、已完成{b.levels.get(Level.DONE, 0) - b.closed_at_completion}个"
        + (f"、改革事项办结时关闭{b.closed_at_completion}个" if b.closed_at_completion else "")
        + (f"、所属改革暂停或终止而暂停监测{b.levels[Level.PAUSED]}个" if b.levels.get(Level.PAUSED) else "")
        + "。"
        f"{b.period.year}年{b.period.month}月，完成任务节点{b.completed}个（其中按时完成{b.completed_on_time}个），"
        f"各单位报送进展报告{b.reports}份（审核采纳{b.reports_accepted}份），"
        f"印发改革督查令{b.orders_issued}份（应签收{b.order_targets}家，已签收{b.orders_acknowledged}家）。"
        + order_flow_text(b)
    )


def order_flow_text(bulletin: Bulletin) -> str:
    """The orders' replies, closures and lateness, in one sentence."""
    f, b = bulletin.order_flow, bulletin
    return (
        f"本月收到督查令书面回复{f.replied}份（审核采纳{f.accepted}份），办结督查令{f.closed}份；"
        f"截至{cn_date(b.made_on)}，逾期未签收{f.late_ack}家次、逾期未回复{f.late_reply}家次，督办超期任务{f.late_items}个。"
    )


def anchor_text(anchor: Anchor) -> str:
    """The audit chain's anchor in words, its values exact so that it can be checked (ADR 0027)."""
    signed = f"，签名（HMAC-SHA256）{anchor.hmac}" if anchor.hmac else "（未签名）"
    return f"审计日志锚点：时间{anchor.time}，序号{anchor.seq}，哈希值{anchor.hash}{signed}。"


def tier_table(bulletin: Bulletin, statuses: list[str]) -> list[tuple[object, ...]]:
    """The tier x status table with its totals row, labelled in Chinese."""
    b = bulletin
    return [(TIER_LABELS[tier], *counts, total) for tier, counts, total in b.tier_rows(statuses)] + [
        ("合计", *[b.status_totals[s] for s in statuses], b.reform_total)
    ]


class _BulletinFile:
    verbose_name = _("Supervision bulletin")
    extension: str

    def __init__(self, bulletin: Bulletin) -> None:
        self.bulletin = bulletin

    def stem(self) -> str:
        return f"{BULLETIN_KIND}-{scope_name(self.bulletin)}-{self.bulletin.period.code}"

    def document_title(self) -> str:
        return f"{BULLETIN_KIND} {self.bulletin.period.code}"


# --- Word ------------------------------------------------------------------------------------------


def _first_rows(groups: list[UnitGroup], limit: int) -> tuple[list[UnitGroup], int]:
    """The groups cut to their first ``limit`` rows in all, and how many rows were left out."""
    kept, left, total = [], limit, 0
    for group in groups:
        total += len(group.rows)
        if left > 0:
            rows = group.rows[:left]
            kept.append(UnitGroup(group.unit_id, group.unit_name, rows))
            left -= len(rows)
    return kept, total - sum(len(g.rows) for g in kept)


class BulletinDocument(_BulletinFile, WordExporter):
    identifier = "bulletin-docx"
    #: How many red (and how many amber) tasks the Word bulletin lists; the Excel one lists every one.
    list_limit = 300

    def build(self) -> None:
        b = self.bulletin
        office = office_name(b.district.name) if b.district is not None else ALL_DISTRICTS_OFFICE
        self.mark(BULLETIN_KIND)
        self.paragraph(f"（{b.period.year}年{b.period.month}月）", face=KAI_FONT, align=WD_ALIGN_PARAGRAPH.CENTER,
                       space_before=6)
        self.number_line(f"{office}　　{cn_date(b.made_on)}", size=Pt(14), space_before=12)
        self.title(bulletin_title(b))
        self.overview()
        self.heading("二、红色预警事项")
        self.warnings(b.red, "本期无红色预警事项。")
        self.heading("三、黄色预警事项")
        self.warnings(b.amber, "本期无黄色预警事项。")
        self.units()
        self.orders()
        if b.anchor is not None:
            self.paragraph(anchor_text(b.anchor), size=Pt(10.5), space_before=12)
        self.signature(office, b.made_on)

    def overview(self) -> None:
        b = self.bulletin
        self.heading("一、总体情况")
        self.body(summary_text(b))
        self.subheading("（一）改革事项分层级、分状态情况")
        statuses = b.statuses_used or ["in_progress"]
        self.table(
            ["层级", *[STATUS_LABELS[s] for s in statuses], "合计"],
            tier_table(b, statuses),
            widths_mm=(28, *[max(14, 128 / (len(statuses) + 1))] * (len(statuses) + 1)),
            centre=tuple(range(len(statuses) + 2)),
        )
        self.subheading("（二）任务节点预警情况")
        self.table(
            ["预警等级", "任务节点数", "占比"],
            [(LEVEL_LABELS[level], n, "—" if share is None else f"{share:.1f}%") for level, n, share in b.level_shares()]
            + [("合计", b.task_total, "100%" if b.task_total else "—")],
            widths_mm=(50, 50, 50),
            centre=(0, 1, 2),
        )

    def warnings(self, groups: list[UnitGroup], empty: str) -> None:
        if not groups:
            self.body(empty)
            return
        on = self.bulletin.made_on
        groups, left_out = _first_rows(groups, self.list_limit)
        if left_out:
            shown = sum(len(g.rows) for g in groups)
            self.body(f"共{shown + left_out}项，以下列出前{shown}项，完整清单见本期通报的Excel版。")

        def rows() -> Iterator[TableRow]:
            for n, group in enumerate(groups, start=1):
                yield GroupRow(f"（{cn_number(n) if n < 100 else n}）{group.unit_name}（{len(group.rows)}项）")
                for i, row in enumerate(group.rows, start=1):
                    yield (i, row.title, f"{row.reform_code}\n{row.reform_title}", cn_date(row.due_date),
                           describe_zh(row, on))

        self.table(["序号", "任务", "所属改革", "完成时限", "预警说明"], rows(), widths_mm=(14, 44, 38, 30, 30),
                   centre=(0, 3))

    def units(self) -> None:
        b = self.bulletin
        self.heading("四、表扬单位")
        if b.praised:
            self.body(f"以下{len(b.praised)}家单位本月按时完成改革任务、无红色预警事项，予以通报表扬：")
            self.table(["序号", "单位", "本月按时完成任务数"],
                       [(i, p.name, p.on_time) for i, p in enumerate(b.praised, start=1)],
                       widths_mm=(16, 90, 50), centre=(0, 2))
        else:
            self.body("本期无表扬单位。")
        self.heading("五、点名通报单位")
        if b.named:
            self.body(f"以下{len(b.named)}家单位存在红色预警任务，予以点名通报，请抓紧整改，并于下期通报前报送整改情况：")
            self.table(["序号", "单位", "红色预警任务", "其中逾期", "最长逾期（天）"],
                       [(i, n.name, n.red, n.overdue, n.longest_days) for i, n in enumerate(b.named, start=1)],
                       widths_mm=(14, 62, 28, 24, 28), centre=(0, 2, 3, 4))
        else:
            self.body("本期无点名通报单位。")
        late = b.lateness
        if late.tasks:
            self.body(
                f"本月共有{late.tasks}项任务节点（末级任务）曾经逾期，累计逾期{late.days}天，其中{late.still_overdue}项至今仍逾期"
                "（已办结或已延期的任务，其本月逾期记录仍予统计）。分单位情况如下："
            )
            self.table(["序号", "单位", "本月曾逾期任务", "本月逾期天数"],
                       [(i, u.name, u.tasks, u.days) for i, u in enumerate(late.units, start=1)],
                       widths_mm=(16, 80, 30, 30), centre=(0, 2, 3))
        else:
            self.body("本月无逾期任务。")

    def orders(self) -> None:
        b = self.bulletin
        self.heading("六、改革督查令签收情况")
        self.body(order_flow_text(b))
        if not b.orders:
            self.body("本月未印发改革督查令。")
            return
        self.table(["序号", "文号", "督查令", "印发日期", "签收情况", "未签收单位"],
                   [
                       (i, o.code, o.title, cn_date(o.issued_on), f"{o.acknowledged}/{o.targets}",
                        "、".join(o.pending_units) or "—")
                       for i, o in enumerate(b.orders, start=1)
                   ],
                   widths_mm=(14, 30, 38, 30, 18, 26), centre=(0, 3, 4))


# --- Excel -----------------------------------------------------------------------------------------

WARNING_HEADERS = ["责任单位", "任务", "改革编号", "所属改革", "完成时限", "预警说明"]
WARNING_WIDTHS = [18, 40, 18, 36, 12, 36]


class BulletinWorkbook(_BulletinFile, ExcelExporter):
    """The bulletin as a workbook: one sheet per section, headers bold, widths set."""

    identifier = "bulletin-xlsx"
    header_font = Font(bold=True, name="宋体")
    header_fill = PatternFill("solid", fgColor="F3D6D3")
    body_font = Font(name="宋体")
    body_alignment = Alignment(wrap_text=True, vertical="top")
    caption_font = Font(bold=True, size=14, name="宋体", color="C00000")

    def build(self, workbook: Workbook) -> None:
        b = self.bulletin
        self.overview(workbook)
        self.sheet(workbook, "红色预警", WARNING_HEADERS, self.warning_rows(b.red), WARNING_WIDTHS)
        self.sheet(workbook, "黄色预警", WARNING_HEADERS, self.warning_rows(b.amber), WARNING_WIDTHS)
        self.sheet(workbook, "表扬单位", ["序号", "单位", "本月按时完成任务数"],
                   [(i, p.name, p.on_time) for i, p in enumerate(b.praised, start=1)], [8, 30, 20])
        self.sheet(workbook, "点名通报单位", ["序号", "单位", "红色预警任务", "其中逾期", "最长逾期（天）"],
                   [(i, n.name, n.red, n.overdue, n.longest_days) for i, n in enumerate(b.named, start=1)],
                   [8, 30, 14, 12, 16])
        self.sheet(workbook, "本月逾期", ["序号", "单位", "本月曾逾期任务", "本月逾期天数"],
                   [(i, u.name, u.tasks, u.days) for i, u in enumerate(b.lateness.units, start=1)], [8, 30, 16, 16])
        self.sheet(workbook, "督查令签收", ["文号", "督查令", "印发日期", "回复时限", "应签收", "已签收", "未签收单位"],
                   [(o.code, o.title, o.issued_on, o.reply_by, o.targets, o.acknowledged, "、".join(o.pending_units))
                    for o in b.orders],
                   [20, 40, 12, 12, 8, 8, 36])

    def overview(self, workbook: Workbook) -> None:
        """The first sheet: the tier x status table, the tasks per level, the month's flows."""
        b = self.bulletin
        caption = f"{BULLETIN_KIND}（{b.period.year}年{b.period.month}月）· {scope_name(b)} · 截至{cn_date(b.made_on)}"
        statuses = list(b.statuses)
        sheet, last = self.sheet(
            workbook, "总体情况", ["层级", *[STATUS_LABELS[s] for s in statuses], "合计"], tier_table(b, statuses),
            [14, *[10] * (len(statuses) + 1)], caption=caption,
        )
        assert isinstance(sheet, Worksheet)  # not write_only: the figures below go in by position
        row = last + 2
        for i, header in enumerate(("预警等级", "任务节点数"), start=1):
            cell = sheet.cell(row=row, column=i, value=header)
            cell.font, cell.fill, cell.alignment = self.header_font, self.header_fill, self.header_alignment
        for level, count in b.levels.items():
            row += 1
            self.pair(sheet, row, LEVEL_LABELS[level], count, self.body_font)
        row += 1
        self.pair(sheet, row, "合计", b.task_total, self.header_font, self.header_font)
        row += 2
        flows = (
            ("本月完成任务节点", b.completed),
            ("其中按时完成", b.completed_on_time),
            ("本月进展报告", b.reports),
            ("其中审核采纳", b.reports_accepted),
            ("本月印发督查令", b.orders_issued),
            ("督查令应签收单位", b.order_targets),
            ("督查令已签收单位", b.orders_acknowledged),
            ("本月督查令书面回复", b.order_flow.replied),
            ("其中审核采纳", b.order_flow.accepted),
            ("本月办结督查令", b.order_flow.closed),
            ("逾期未签收（家次）", b.order_flow.late_ack),
            ("逾期未回复（家次）", b.order_flow.late_reply),
            ("督办超期任务", b.order_flow.late_items),
        )
        for label, value in flows:
            self.pair(sheet, row, label, value, self.header_font)
            row += 1
        if b.anchor is not None:
            a = b.anchor
            for label, text in (("审计日志锚点时间", a.time), ("锚点序号", a.seq), ("锚点哈希值", a.hash), ("锚点签名（HMAC）", a.hmac or "未签名")):
                row += 1
                self.pair(sheet, row, label, text, self.header_font)
        sheet.column_dimensions["A"].width = 20

    def pair(self, sheet: Worksheet, row: int, label: str, value: int | str, label_font: Font, value_font: Font | None = None) -> None:
        """A label in column A and its figure in column B."""
        sheet.cell(row=row, column=1, value=label).font = label_font
        sheet.cell(row=row, column=2, value=value).font = value_font or self.body_font

    def warning_rows(self, groups: list[UnitGroup]) -> Iterator[tuple[object, ...]]:
        on = self.bulletin.made_on
        for group in groups:
            for row in group.rows:
                yield (group.unit_name, row.title, row.reform_code, row.reform_title, row.due_date, describe_zh(row, on))
