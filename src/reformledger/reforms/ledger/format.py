"""The ledger's file format: its columns and headers, its fixed Chinese vocabulary, and the
problems a file can have (see the package's doc for why the words are not gettext).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

#: Name of the worksheet the export writes and the import prefers (else the first sheet).
SHEET_TITLE = "改革台账"
#: Rows between two progress reports.
PROGRESS_EVERY = 500
#: How many changed rows a preview lists.
PREVIEW_LIMIT = 500


@dataclass(frozen=True)
class Column:
    key: str  # the Reform field (``district`` is derived from the lead unit on save)
    header: str  # fixed Chinese header: part of the file format, not translated
    required: bool = False
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("code", "编号", True, 14),
    Column("title", "名称", True, 36),
    Column("tier", "层级", True, 10),
    Column("source_level", "上级任务来源", False, 12),
    Column("year", "年度", True, 7),
    Column("district", "所属区", True, 10),
    Column("domain", "改革领域", True, 14),
    Column("lead_unit", "牵头单位", True, 18),
    Column("co_units", "配合单位", False, 28),
    Column("responsible_leader", "责任领导", False, 10),
    Column("goals", "改革目标", False, 40),
    Column("measures", "改革举措", False, 40),
    Column("deliverables", "成果形式", False, 24),
    Column("start_date", "开始日期", False, 12),
    Column("due_date", "完成时限", False, 12),
    Column("status", "状态", False, 9),
    Column("progress", "进度(%)", False, 8),
    Column("public_summary", "公开摘要", False, 40),
    # Not a field: which state of the reform the row was exported from (see :mod:`.versions`).
    Column("version", "版本标识", False, 22),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADER = {c.key: c.header for c in COLUMNS}

#: The ledger's vocabulary: value -> the label written in the file (fixed, see the module doc).
TIER_LABELS = {"upper": "上级任务", "key": "重点改革", "micro": "微改革"}
STATUS_LABELS = {
    "draft": "草稿",
    "proposed": "已提出",
    "approved": "已批准",
    "in_progress": "推进中",
    "completed": "已完成",
    "suspended": "已暂停",
    "terminated": "已终止",
}
SOURCE_LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}

#: Separators accepted between co-units (the export writes 、).
CO_UNIT_SPLIT = re.compile(r"[、,，;；\n\r]+")
CO_UNIT_JOIN = "、"
TEXT_FIELDS = ("title", "goals", "measures", "deliverables", "public_summary")
#: Columns that set no Reform field: the district is implied by the lead unit, the version is
#: the state of the reform the row was exported from.
NOT_FIELDS = frozenset({"district", "version"})
#: Fields a ledger row sets, in column order.
LEDGER_FIELDS = tuple(c.key for c in COLUMNS if c.key not in NOT_FIELDS)


def match_key(text: str) -> str:
    """How vocabulary and headers are compared: NFKC (full-width to half-width), no spaces, casefolded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _vocabulary(labels: dict[str, str]) -> dict[str, str]:
    out = {match_key(code): code for code in labels}
    out.update({match_key(label): code for code, label in labels.items()})
    return out


TIER_WORDS = _vocabulary(TIER_LABELS)
STATUS_WORDS = _vocabulary(STATUS_LABELS)
SOURCE_LEVEL_WORDS = _vocabulary(SOURCE_LEVEL_LABELS)
HEADER_WORDS = {match_key(c.header): c.key for c in COLUMNS}


# --- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: ``row`` as Excel numbers it (None for the whole file)."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s [%(column)s]: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


def more_problems_line(count: int) -> str:
    """The line under a capped list of problems (``LEDGER_MAX_PROBLEMS``)."""
    return _("…and %(count)s more problems not shown. Correct these and check the file again.") % {
        "count": f"{count:,}"
    }


class LedgerFileError(Exception):
    """The file as a whole cannot be read as a ledger; the message says why, in one sentence."""

    @property
    def message(self) -> str:
        return str(self.args[0])


#: ``progress(done, total)``: called every few hundred rows while a file is read.
Progress = Callable[[int, int], None]
