"""The WordprocessingML details behind :class:`reformledger.core.exporters.WordExporter`: the faces
and sizes of government documents (GB/T 9704), the page, runs with East Asian fonts and their
fallbacks, tables built from one prototype row (thousands of rows in a second, not a minute), page
numbers in the footer (a PAGE field, odd and even pages) and the 版记 at the document's end.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

DISPLAY_FONT = "方正小标宋简体"  # masthead and titles
BODY_FONT = "仿宋_GB2312"  # body text
HEADING_FONT = "黑体"  # first-level headings, table headers
KAI_FONT = "楷体_GB2312"  # second-level headings, the period line
LATIN_FONT = "Times New Roman"
#: Each face and the face Word/WPS/LibreOffice should use when it is not installed.
FONT_FALLBACKS = {DISPLAY_FONT: "SimSun", BODY_FONT: "FangSong", HEADING_FONT: "SimHei", KAI_FONT: "KaiTi", "宋体": "SimSun"}
RED = RGBColor(0xE6, 0x00, 0x12)  # the masthead red
RED_HEX = "E60012"
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号
SIZE_TABLE = Pt(12)  # 小四
SIZE_MARK = Pt(40)  # the red 发文机关标志 (改革督查令, 改革督查通报)
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # A4 less the side margins
CENTRE = WD_ALIGN_PARAGRAPH.CENTER


def set_fonts(
    run: Run, *, face: str, size: Length | None = None, bold: bool = False, colour: RGBColor | None = None
) -> None:
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


def append(parent: etree._Element, name: str, **attributes: str) -> None:
    """Append an empty element ``name`` with ``w:``-attributes to ``parent``."""
    element = OxmlElement(name)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    parent.append(element)


def _register_fallbacks(document: DocumentObject) -> None:
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


def new_document(title: str) -> DocumentObject:
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


def _cell_text(
    cell: _Cell, text: str, *, bold: bool = False, face: str = BODY_FONT,
    align: WD_PARAGRAPH_ALIGNMENT | None = None, size: Length = SIZE_TABLE,
) -> None:
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


#: A row of :func:`add_table`: its values, one a column (``None`` is an empty cell), or a GroupRow.
TableRow: TypeAlias = Sequence[object] | GroupRow


def add_table(document: DocumentObject, headers: Sequence[str], rows: Iterable[TableRow], widths_mm: Sequence[float],
              *, centre: Sequence[int] = ()) -> Table:
    """A bordered table: a bold header row repeated on every page, then one row per value tuple
    (a value's lines become paragraphs, the second and later in smaller type) or per
    :class:`GroupRow`. The rows are copies of one prototype row made with python-docx (fonts,
    widths, alignment)."""
    table: Table = document.add_table(rows=3, cols=len(headers))
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
    merged: _Cell = group.cells[0].merge(group.cells[len(headers) - 1])
    _cell_text(merged, "x", face=KAI_FONT)
    append(merged._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill="F2F2F2")
    # The rows as plain elements: lxml's stubs let an element of a python-docx class (CT_Tbl)
    # hold only elements of its own class.
    tbl: etree._Element = table._tbl
    group_tr: etree._Element = group._tr
    group_p = copy.deepcopy(_find(group_tr, f".//{qn('w:p')}"))
    group_tc = _find(group_tr, qn("w:tc"))
    group_tc.remove(_find(group_tc, qn("w:p")))
    tbl.remove(group_tr)
    _fill(tbl, rows, group_tr=group_tr, group_p=group_p, proto_tr=proto._tr)
    return table


def _find(element: etree._Element, path: str) -> etree._Element:
    """The first element at ``path`` under ``element``, which has one (the prototype rows are ours)."""
    found = element.find(path)
    if found is None:
        raise LookupError(f"no {path} in the prototype row")
    return found


def _fill(
    tbl: etree._Element, rows: Iterable[TableRow], *, group_tr: etree._Element, group_p: etree._Element,
    proto_tr: etree._Element,
) -> None:
    """Append a copy of the prototype row per value tuple, a copy of the group row per GroupRow."""
    cells = proto_tr.findall(qn("w:tc"))
    lines = [list(tc.findall(qn("w:p"))) for tc in cells]  # per column: a first line and a later line
    first, later = [copy.deepcopy(p[0]) for p in lines], [copy.deepcopy(p[1]) for p in lines]
    for tc, paragraphs in zip(cells, lines, strict=True):
        for p in paragraphs:
            tc.remove(p)
    tbl.remove(proto_tr)
    for values in rows:
        if isinstance(values, GroupRow):
            tr, p = copy.deepcopy(group_tr), copy.deepcopy(group_p)
            _find(p, f".//{qn('w:t')}").text = values.text
            _find(tr, qn("w:tc")).append(p)
            tbl.append(tr)
            continue
        tr = copy.deepcopy(proto_tr)
        for i, tc in enumerate(tr.findall(qn("w:tc"))):
            value = values[i] if i < len(values) else ""
            for j, line in enumerate(("" if value is None else str(value)).split("\n")):
                p = copy.deepcopy(first[i] if j == 0 else later[i])
                if line:
                    t = _find(p, f".//{qn('w:t')}")
                    t.text = line
                    t.set(qn("xml:space"), "preserve")
                else:
                    p.remove(_find(p, qn("w:r")))
                tc.append(p)
        tbl.append(tr)


# --- the page's foot and the document's end (GB/T 9704: 页码, 版记) --------------------------------

SONG_FONT = "宋体"  # page numbers
SIZE_FOOT = Pt(14)  # 四号: page numbers and the 版记
#: 版记 rules in eighths of a point: the first and last thick (0.35 mm), the one between thin (0.25 mm).
RULE_THICK, RULE_THIN = "8", "6"
ONE_CHAR = "\u3000"  # a full-width space: one character of indent


def _field(paragraph: Paragraph, instruction: str, *, face: str, size: Length) -> None:
    """A complex field (``PAGE``, ``NUMPAGES``) in ``paragraph``, showing "1" until it is updated."""
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        set_fonts(run, face=face, size=size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            element: etree._Element = run._r  # a plain element: see add_table
            element.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            append(run._r, "w:fldChar", fldCharType=kind)


def _page_number(paragraph: Paragraph, *, align: WD_PARAGRAPH_ALIGNMENT, face: str, size: Length) -> None:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing, fmt.space_before, fmt.space_after = 1.0, Pt(0), Pt(0)
    # One character in from the side the number sits on.
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = size
    else:
        fmt.left_indent = size
    set_fonts(paragraph.add_run("— "), face=face, size=size)
    _field(paragraph, "PAGE", face=face, size=size)
    set_fonts(paragraph.add_run(" —"), face=face, size=size)


def add_page_numbers(document: DocumentObject, *, face: str = SONG_FONT, size: Length = SIZE_FOOT) -> None:
    """Page numbers as GB/T 9704 sets them: "— 1 —" in the footer (a PAGE field between two
    dashes, 四号 Song), 7 mm below the text; odd pages on the right and even pages on the left,
    each one character in from the edge of the text."""
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:
        section.footer_distance = Mm(22)
        footers = ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
        for footer, align in footers:
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            paragraph.text = ""
            _page_number(paragraph, align=align, face=face, size=size)


#: The order of a paragraph's properties (ECMA-376 ``CT_PPrBase``): Word refuses others.
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
    "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
    "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
    "rPr", "sectPr", "pPrChange",
)


def set_paragraph_property(paragraph: Paragraph, element: etree._Element) -> None:
    """Put ``element`` (``w:pBdr``, ``w:framePr`` …) in the paragraph's properties at its place in
    the schema's order, replacing one of the same name."""
    properties: etree._Element = paragraph._p.get_or_add_pPr()  # a plain element: see add_table
    name = etree.QName(element).localname
    for old in properties.findall(qn(f"w:{name}")):
        properties.remove(old)
    later = {qn(f"w:{tag}") for tag in PPR_ORDER[PPR_ORDER.index(name) + 1 :]}
    for index, child in enumerate(properties):
        if child.tag in later:
            properties.insert(index, element)
            return
    properties.append(element)


def paragraph_rules(paragraph: Paragraph, *, colour: str = "auto", **edges: str) -> None:
    """Rules above and/or below a paragraph (``top="8"``: a rule 1 pt thick above), across its width."""
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):
        if edge in edges:
            append(borders, f"w:{edge}", val="single", sz=edges[edge], space="1", color=colour)
    set_paragraph_property(paragraph, borders)


def add_colophon(
    document: DocumentObject, *, copies: Sequence[str], issuer: str, issued: str, face: str = BODY_FONT,
    size: Length = SIZE_FOOT,
) -> None:
    """The 版记 at the end of a document (GB/T 9704): 抄送 (when the document is copied to anyone),
    then the issuing office and the date it is issued (印发), 四号 仿宋, between a thick rule above
    and below, the lines separated by a thin one; one character in at each side."""
    lines: list[Paragraph] = []
    if copies:
        cc = document.add_paragraph()
        set_fonts(cc.add_run(f"{ONE_CHAR}抄送：{'，'.join(copies)}。"), face=face, size=size)
        lines.append(cc)
    printed = document.add_paragraph()
    set_fonts(printed.add_run(f"{ONE_CHAR}{issuer}\t{issued}印发{ONE_CHAR}"), face=face, size=size)
    printed.paragraph_format.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT), WD_TAB_ALIGNMENT.RIGHT)
    lines.append(printed)
    for i, paragraph in enumerate(lines):
        fmt = paragraph.paragraph_format
        fmt.line_spacing, fmt.space_before, fmt.space_after = Pt(28), Pt(0), Pt(0)
        fmt.keep_with_next = i < len(lines) - 1
        edges = {"bottom": RULE_THICK if i == len(lines) - 1 else RULE_THIN}
        if i == 0:
            edges["top"] = RULE_THICK
        paragraph_rules(paragraph, **edges)

