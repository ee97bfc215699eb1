"""The exporter base (core.exporters): file names in Content-Disposition, the Excel guards, the Word page."""

import datetime as dt
import io
import zipfile
from urllib.parse import quote

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from reformledger.core.exporters import ExcelExporter, GroupRow, WordExporter, response

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Sheet(ExcelExporter):
    identifier = "test-sheet"

    def __init__(self, rows, name="改革台账-20261201"):
        self.rows, self.name = rows, name

    def stem(self):
        return self.name

    def document_title(self):
        return "测试"

    def build(self, workbook):
        self.sheet(workbook, "清单", ["名称", "日期", "数量"], self.rows, [30, 12, 8])


class Letter(WordExporter):
    identifier = "test-letter"

    def stem(self):
        return "罗改督〔2026〕1号"

    def document_title(self):
        return "测试公文"

    def build(self):
        self.masthead("中共罗湖区委全面深化改革委员会办公室")
        self.mark("改革督查令")
        self.number_line("罗改督〔2026〕1号")
        self.title("关于测试的通知")
        self.body("正文。")
        self.table(["序号", "任务"], [GroupRow("（一）桂园街道"), (1, "第一行\n第二行")], widths_mm=(20, 136), centre=(0,))
        self.signature("中共罗湖区委全面深化改革委员会办公室", dt.date(2026, 12, 1))


def test_a_chinese_file_name_is_sent_in_utf8_as_rfc_5987_says():
    answer = response(Sheet([]))
    assert answer["Content-Type"] == XLSX
    assert answer["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('改革台账-20261201.xlsx')}"
    streamed = response(Sheet([]), stream=True)
    assert streamed["Content-Disposition"] == answer["Content-Disposition"]
    assert streamed["Content-Type"] == XLSX
    assert load_workbook(io.BytesIO(b"".join(streamed.streaming_content))).sheetnames == ["清单"]


def test_an_ascii_file_name_is_quoted_plainly():
    assert response(Sheet([], name="ledger"))["Content-Disposition"] == 'attachment; filename="ledger.xlsx"'


def test_text_starting_with_equals_is_text_not_a_formula_and_cells_are_typed():
    content = Sheet([("=HYPERLINK(\"http://x\")", dt.date(2026, 12, 1), 3), ("坏\x01字符", None, 0)]).render()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml
    sheet = load_workbook(io.BytesIO(content))["清单"]
    formula_like = sheet["A2"]
    assert formula_like.value == '=HYPERLINK("http://x")' and formula_like.data_type == "s"
    assert sheet["B2"].value == dt.datetime(2026, 12, 1) and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == 3
    assert sheet["A3"].value == "坏字符"  # control characters XML forbids are dropped
    assert [c.value for c in sheet[1]] == ["名称", "日期", "数量"] and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30
    assert load_workbook(io.BytesIO(content)).properties.creator == "Reform Ledger"


def test_a_caption_sits_above_the_header_which_stays_frozen():
    class Captioned(Sheet):
        def build(self, workbook):
            _sheet, last = self.sheet(workbook, "清单", ["名称"], [("一",), ("二",)], [10], caption="标题")
            assert last == 5

    sheet = load_workbook(io.BytesIO(Captioned([]).render()))["清单"]
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A3"].value, sheet["A5"].value) == ("标题", None, "名称", "二")
    assert sheet.freeze_panes == "A4"


def test_a_word_document_opens_with_the_government_page_and_fonts():
    answer = response(Letter())
    assert answer["Content-Type"] == DOCX
    assert answer["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('罗改督〔2026〕1号.docx')}"
    document = Document(io.BytesIO(answer.content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(m.mm) for m in margins) == (37, 35, 28, 26)
    assert document.core_properties.title == "测试公文"
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.font.size.pt == 16
    lines = [p for p in document.paragraphs if p.text]
    assert [p.text for p in lines[:4]] == ["中共罗湖区委全面深化改革委员会办公室", "改革督查令", "罗改督〔2026〕1号", "关于测试的通知"]
    assert lines[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert lines[2]._p.pPr.find(qn("w:pBdr")) is not None  # the red rule under the number
    assert lines[4].paragraph_format.first_line_indent.pt == 32  # two characters of 三号
    assert [p.text for p in lines[-2:]] == ["中共罗湖区委全面深化改革委员会办公室", "2026年12月1日"]
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1].cells[0].text == table.rows[1].cells[1].text == "（一）桂园街道"  # one merged cell
    assert [c.text for c in table.rows[2].cells] == ["1", "第一行\n第二行"]
    font_table = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert b"FangSong" in font_table.blob and b"SimSun" in font_table.blob


def test_a_write_only_sheet_keeps_its_widths_and_frozen_header():
    class Streamed(Sheet):
        write_only = True

    content = Streamed([("=1+1", dt.date(2026, 1, 2), 1)]).render()
    sheet = load_workbook(io.BytesIO(content))["清单"]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width == 12
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")
