"""A rating code pack's printable sheet (downloaded once) and the paper slip template."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from reformledger.core.exporters import ExcelExporter

from ..models import RatingCodePack, Round
from ..services.codes import printed
from ..slipfile import COMMENT, COMMUNITY, REFORM, SLIP, TEMPLATE_HEADERS


class CodeSheet(ExcelExporter):
    """One row per code, large and printable: cut along the rows and hand one to each person."""

    identifier = "evaluation-codes-xlsx"

    def __init__(self, pack: RatingCodePack, codes: Sequence[str], rate_url: str) -> None:
        self.pack, self.codes, self.rate_url = pack, codes, rate_url

    def stem(self) -> str:
        return f"评议码-{self.pack.round_id}-{self.pack.pk}"

    def document_title(self) -> str:
        return f"{self.pack.round.title} 评议码（{self.pack.community.name}）"

    def build(self, workbook: Workbook) -> None:
        rows = (
            (i, printed(code), self.pack.community.name, self.pack.round.title, self.rate_url)
            for i, code in enumerate(self.codes, start=1)
        )
        sheet, _last = self.sheet(
            workbook, "评议码", ("序号", "评议码（一码一次）", "社区", "评议轮次", "评议网址"), rows, (8, 26, 18, 36, 44),
            caption=self.document_title(),
        )
        if isinstance(sheet, Worksheet):
            sheet.page_setup.orientation = "landscape"
            sheet.page_setup.fitToWidth = 1
            sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
            sheet.print_title_rows = "3:3"


class SlipTemplate(ExcelExporter):
    """The workbook the office fills from paper slips: the columns, two example rows, and the
    round's reforms and communities on their own sheets."""

    identifier = "evaluation-slips-template-xlsx"

    def __init__(self, round: Round, reforms: Sequence[tuple[str, str]], communities: Sequence[tuple[str, str]]) -> None:
        self.round, self.reforms, self.communities = round, reforms, communities

    def stem(self) -> str:
        return f"纸质评议票模板-{self.round.pk}"

    def document_title(self) -> str:
        return f"{self.round.title} 纸质评议票"

    def build(self, workbook: Workbook) -> None:
        labels = [str(d.get("label") or d["key"]) for d in self.round.dimensions]
        headers = (TEMPLATE_HEADERS[SLIP], TEMPLATE_HEADERS[REFORM], TEMPLATE_HEADERS[COMMUNITY], *labels, TEMPLATE_HEADERS[COMMENT])
        examples = []
        if self.reforms and self.communities:
            examples = [
                ("0001", self.reforms[0][0], self.communities[0][1], *[5 for _l in labels], ""),
                ("0001", self.reforms[-1][0], self.communities[0][1], *[4 for _l in labels], "示例：请删除本行"),
            ]
        self.sheet(workbook, "评议票", headers, examples, (12, 16, 18, *[10 for _l in labels], 40))
        self.sheet(workbook, "改革项目", ("改革编号", "改革名称"), self.reforms, (16, 60))
        self.sheet(workbook, "社区", ("代码", "名称"), self.communities, (24, 30))
