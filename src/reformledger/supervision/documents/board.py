"""The warning board as an Excel workbook: the tasks the board lists with its current filters,
every page of them, in Chinese (the level in words, why, the days late or left)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from reformledger.core.exporters import ExcelExporter, cn_date
from reformledger.reforms.ledger.format import TIER_LABELS

from .. import levels
from ..models import Task
from .wording import LEVEL_LABELS

BOARD_HEADERS = ["序号", "预警等级", "预警说明", "任务", "改革编号", "所属改革", "层级", "改革领域", "责任单位", "责任人",
                 "完成时限", "逾期或剩余", "进度（%）"]
BOARD_WIDTHS = [6, 10, 30, 40, 18, 36, 10, 16, 18, 10, 12, 12, 10]


def days_in_words(due: dt.date, on: dt.date) -> str:
    days = (due - on).days
    if days < 0:
        return f"逾期{-days}天"
    return "今日到期" if days == 0 else f"剩余{days}天"


class BoardWorkbook(ExcelExporter):
    """One sheet: the board's rows, red first, then by due date."""

    identifier = "board-xlsx"
    verbose_name = _("Warning board (Excel)")
    write_only = True
    header_font = Font(bold=True, name="宋体")
    header_fill = PatternFill("solid", fgColor="F3D6D3")
    body_font = Font(name="宋体")
    body_alignment = Alignment(wrap_text=True, vertical="top")
    caption_font = Font(bold=True, size=14, name="宋体", color="C00000")

    def __init__(self, tasks: Iterable[Task], *, on: dt.date, described: str = ""):
        self.tasks = tasks
        self.on = on
        self.described = described  # the filters in words, for the caption

    def stem(self) -> str:
        return f"预警看板-{self.on.isoformat()}"

    def document_title(self) -> str:
        return "改革督查预警看板"

    def rows(self) -> Iterator[tuple]:
        with translation.override("zh-hans"):
            for number, task in enumerate(self.tasks, start=1):
                reform = task.reform
                yield (
                    number, LEVEL_LABELS.get(task.level, task.level), levels.describe_task(task, self.on), task.title,
                    reform.code, reform.title, TIER_LABELS.get(reform.tier, reform.tier), reform.domain.name if reform.domain_id else "",
                    task.unit.name, str(task.assignee) if task.assignee_id else "", task.due_date,
                    days_in_words(task.due_date, self.on), task.progress,
                )

    def build(self, workbook: Workbook) -> None:
        caption = f"改革督查预警看板 · 截至{cn_date(self.on)}" + (f" · {self.described}" if self.described else "")
        self.sheet(workbook, "预警任务", BOARD_HEADERS, self.rows(), BOARD_WIDTHS, caption=caption)
