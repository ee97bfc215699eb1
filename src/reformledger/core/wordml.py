"""The WordprocessingML details behind :class:`reformledger.core.exporters.WordExporter`: the faces
and sizes of government documents (GB/T 9704), the page, runs with East Asian fonts and their
fallbacks, and tables built from one prototype row (thousands of rows in a second, not a minute).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

DISPLAY_FONT = "方正小标宋简体"  # masthead and titles
BODY_FONT = "仿宋_GB2312"  # body text
HEADING_FONT = "黑体"  # first-level headings, table headers
KAI_FONT = "楷体_GB2312"  # second-level headings, the period line
LATIN_FONT = "Times New Roman"
#: Each face and the face Word/WPS/LibreOffice should use when it is not installed.
FONT_FALLBACKS = {DISPLAY_FONT: "SimSun", BODY_FONT: "FangSong", HEADING_FONT: "SimHei", KAI_FONT: "KaiTi"}
RED = RGBColor(0xE6, 0x00, 0x12)  # the masthead red
RED_HEX = "E60012"
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_TABLE = Pt(12)  # 小四
SIZE_MARK = Pt(40)  # the red 发文机关标志 (改革督查令, 改革督查通报)
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # A4 less the side margins
CENTRE = WD_ALIGN_PARAGRAPH.CENTER


def set_fonts(run, *, face: str, size=None, bold: bool = False, colour: RGBColor | None = None) -> None:
    """A run in ``face`` (on its East Asian text) and Times New Roman (on Latin text)."""
    run.font.name = LATIN_FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), face)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


def append(parent, name: str, **attributes: str) -> None:
    """Append an empty element ``name`` with ``w:``-attributes to ``parent``."""
    element = OxmlElement(name)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    parent.append(element)


def _register_fallbacks(document) -> None:
    """Record each face's fallback in the font table (``w:altName``)."""
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = etree.fromstring(part.blob)
            known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
            for face, alt in FONT_FALLBACKS.items():
                if face in known:
                    continue
                font = etree.SubElement(root, qn("w:font"))
                font.set(qn("w:name"), face)
                etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
                etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
                etree.SubElement(font, qn("w:family")).set(qn("w:val"), "roman" if face != HEADING_FONT else "modern")
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


def new_document(title: str):
    """An empty A4 document: GB/T 9704 margins, the Normal style (仿宋 三号, 28 pt lines), the fallbacks."""
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "Reform Ledger"
    document.core_properties.language = "zh-CN"
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = SIZE_BODY
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        normal.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(28)  # 28 pt lines: 22 lines a page, as the standard has
    _register_fallbacks(document)
    return document


def _cell_text(cell, text: str, *, bold=False, face=BODY_FONT, align=None, size=SIZE_TABLE) -> None:
    cell.text = ""
    first = cell.paragraphs[0]
    for i, line in enumerate(("" if text is None else str(text)).split("\n")):
        p = first if i == 0 else cell.add_paragraph()
        p.paragraph_format.line_spacing = 1.15
        p.paragraph_format.space_after = Pt(0)
        if align is not None:
            p.alignment = align
        if line:
            set_fonts(p.add_run(line), face=face, size=size if i == 0 else Pt(size.pt - 1.5), bold=bold)


@dataclass(frozen=True)
class GroupRow:
    """A row of :func:`add_table` written as one shaded cell across the table (a unit over its rows)."""

    text: str


def add_table(document, headers: Sequence[str], rows: Iterable, widths_mm: Sequence[float], *,
              centre: Sequence[int] = ()):
    """A bordered table: a bold header row repeated on every page, then one row per value tuple
    (a value's lines become paragraphs, the second and later in smaller type) or per
    :class:`GroupRow`. The rows are copies of one prototype row made with python-docx (fonts,
    widths, alignment)."""
    table = document.add_table(rows=3, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, proto, group = table.rows
    for i, text in enumerate(headers):
        _cell_text(header.cells[i], text, bold=True, face=HEADING_FONT, align=CENTRE)
    append(header._tr.get_or_add_trPr(), "w:tblHeader", val="true")
    for i in range(len(headers)):
        _cell_text(proto.cells[i], "x\ny", align=CENTRE if i in centre else None)
    # Widths on the grid (LibreOffice reads these) and on every cell (Word reads those).
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)
    for row in (header, proto, group):
        append(row._tr.get_or_add_trPr(), "w:cantSplit")  # a row never breaks across pages
        for i, width in enumerate(widths_mm):
            row.cells[i].width = Mm(width)
    # A group's heading row: one cell across the table, in the heading face.
    merged = group.cells[0].merge(group.cells[len(headers) - 1])
    _cell_text(merged, "x", face=KAI_FONT)
    append(merged._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill="F2F2F2")
    group_tr = group._tr
    group_p = copy.deepcopy(group_tr.find(f".//{qn('w:p')}"))
    group_tc = group_tr.find(qn("w:tc"))
    group_tc.remove(group_tc.find(qn("w:p")))
    table._tbl.remove(group_tr)
    _fill(table, rows, group_tr=group_tr, group_p=group_p, proto_tr=proto._tr)
    return table


def _fill(table, rows: Iterable, *, group_tr, group_p, proto_tr) -> None:
    """Append a copy of the prototype row per value tuple, a copy of the group row per GroupRow."""
    cells = proto_tr.findall(qn("w:tc"))
    lines = [list(tc.findall(qn("w:p"))) for tc in cells]  # per column: a first line and a later line
    first, later = [copy.deepcopy(p[0]) for p in lines], [copy.deepcopy(p[1]) for p in lines]
    for tc, paragraphs in zip(cells, lines, strict=True):
        for p in paragraphs:
            tc.remove(p)
    tbl = table._tbl
    tbl.remove(proto_tr)
    for values in rows:
        if isinstance(values, GroupRow):
            tr, p = copy.deepcopy(group_tr), copy.deepcopy(group_p)
            p.find(f".//{qn('w:t')}").text = values.text
            tr.find(qn("w:tc")).append(p)
            tbl.append(tr)
            continue
        tr = copy.deepcopy(proto_tr)
        for i, tc in enumerate(tr.findall(qn("w:tc"))):
            value = values[i] if i < len(values) else ""
            for j, line in enumerate(("" if value is None else str(value)).split("\n")):
                p = copy.deepcopy(first[i] if j == 0 else later[i])
                t = p.find(f".//{qn('w:t')}")
                if line:
                    t.text = line
                    t.set(qn("xml:space"), "preserve")
                else:
                    p.remove(p.find(qn("w:r")))
                tc.append(p)
        tbl.append(tr)
