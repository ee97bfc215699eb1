"""The supervision order (改革督查令) and the bulletin (督查通报) as files: Word (.docx) and Excel (.xlsx).

Official documents, in Chinese whatever the language of the page that asked for them
-------------------------------------------------------------------------------------
A supervision order and a bulletin are Party/government documents (公文): their wording and layout
follow the national format (GB/T 9704 党政机关公文格式), and they are issued in Chinese. So the
fixed words written *into* these files (主送, 序号, 完成时限, 红色预警, 总体情况 …) are Chinese
text held here, deliberately **not** gettext, like the ledger's headers (:mod:`reforms.ledger`):
a person using the English pages prints the same order as everyone else. The pages and messages
*about* the files go through gettext as usual.

Layout (GB/T 9704, simplified): A4, margins 37/35/28/26 mm; a red masthead in a Song-style
display face (方正小标宋简体, falling back to SimSun), the document number centred under it, a red
rule; the title in the display face, 二号 (22 pt), centred; body text in 仿宋_GB2312 (falling back
to FangSong) 三号 (16 pt) with a two-character first-line indent; tables in 仿宋 with 黑体 headers;
the issuing office and the date bottom-right. Fonts are named on the East Asian runs
(``w:eastAsia``) and each face's fallback is recorded in the document's font table (``w:altName``),
so Word and WPS pick the installed face and LibreOffice substitutes a CJK one.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reformledger.reforms.ledger import STATUS_LABELS, TIER_LABELS

from . import levels
from .bulletin import Bulletin, UnitGroup, WarningRow
from .models import Level, Order

# --- fixed wording (see the module docstring) ------------------------------------------------------

LEVEL_LABELS = {Level.RED: "红色预警", Level.AMBER: "黄色预警", Level.GREEN: "绿色（正常）", Level.PAUSED: "暂停监测", Level.DONE: "已完成"}
ORDER_KIND = "改革督查令"
BULLETIN_KIND = "改革督查通报"
DEFAULT_ORDER_BODY = "现将下列改革任务交由你单位督办落实。请高度重视，明确责任人，按完成时限推进，确保任务按期完成。"

# --- fonts ---------------------------------------------------------------------------------------

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
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72  # A4 less the side margins
#: How many red (and how many amber) tasks the Word bulletin lists; the Excel one lists every one.
DOCX_LIST_LIMIT = 300

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 23 -> 二十三 (1..99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def office_name(district_name: str) -> str:
    """The issuing office's full name from its district's: 罗湖区 -> 中共罗湖区委全面深化改革委员会办公室."""
    return f"中共{district_name}委全面深化改革委员会办公室"


def describe_zh(row: WarningRow, on: dt.date) -> str:
    """A warning in words, in Chinese (the reason codes of :mod:`.levels`)."""
    if row.reason == levels.OVERDUE:
        return f"逾期{(on - row.due_date).days}天"
    if row.reason == levels.SILENT:
        return f"{(on - (row.last_report_on or row.start_date)).days}天未报送进展"
    if row.reason == levels.BEHIND:
        expected = int(levels.expected_percent(row.start_date, row.due_date, on))
        return f"{(row.due_date - on).days}天后到期，已完成{row.progress}%，按进度应完成{expected}%"
    return LEVEL_LABELS.get(row.level, "")


# --- Word helpers ----------------------------------------------------------------------------------


def _set_fonts(run, *, face: str, size=None, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name = LATIN_FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), face)
    fonts.set(qn("w:hint"), "eastAsia")
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour


def _paragraph(doc_or_cell, text: str = "", *, face: str = BODY_FONT, size=SIZE_BODY, bold=False, colour=None,
               align=None, indent_chars: float = 0, space_before=0, space_after=0, line=None):
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(size.pt * indent_chars)
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    if line is not None:
        fmt.line_spacing = line
    if text:
        _set_fonts(p.add_run(text), face=face, size=size, bold=bold, colour=colour)
    return p


def _masthead(document, text: str, *, largest: float = 26) -> None:
    """The red masthead line, as large as fits the text width on one line (narrowed a little, as
    mastheads are)."""
    size = Pt(max(16, min(largest, int(TEXT_WIDTH_PT / (max(len(text), 1) * 0.9)))))
    p = _paragraph(document, text, face=DISPLAY_FONT, size=size, colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER, line=1.2)
    scale = OxmlElement("w:w")
    scale.set(qn("w:val"), "90")
    p.runs[0]._element.get_or_add_rPr().append(scale)


def _red_rule(paragraph, *, size_eighths: int = 18) -> None:
    """A red line under the paragraph (the 版头 separator)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "1"), ("w:color", RED_HEX)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


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
                alt_el = etree.SubElement(font, qn("w:altName"))
                alt_el.set(qn("w:val"), alt)
                charset = etree.SubElement(font, qn("w:charset"))
                charset.set(qn("w:val"), "86")  # GB2312
                family = etree.SubElement(font, qn("w:family"))
                family.set(qn("w:val"), "roman" if face != HEADING_FONT else "modern")
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


def _new_document(title: str):
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
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
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
    lines = str(text).split("\n") if text is not None else [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.paragraph_format.line_spacing = 1.15
        p.paragraph_format.space_after = Pt(0)
        if align is not None:
            p.alignment = align
        if line:
            _set_fonts(p.add_run(line), face=face, size=size if i == 0 else Pt(size.pt - 1.5), bold=bold)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


@dataclass(frozen=True)
class GroupRow:
    text: str


def _table(document, headers: Sequence[str], rows: Iterable[Sequence], widths_mm: Sequence[float], *, centre: Sequence[int] = ()):
    """A bordered table: a bold header row repeated on every page, then one row per value tuple
    (a value's lines become paragraphs, the second and later in smaller type), or for a
    :class:`GroupRow` one cell across the table (a unit's name over its rows).

    The rows are copies of one prototype row made with python-docx (fonts, widths, alignment), so
    a table of thousands of rows takes a second, not a minute.
    """
    table = document.add_table(rows=3, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, proto, group = table.rows
    for i, text in enumerate(headers):
        _cell_text(header.cells[i], text, bold=True, face=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(header)
    for i in range(len(headers)):
        _cell_text(proto.cells[i], "x\ny", align=WD_ALIGN_PARAGRAPH.CENTER if i in centre else None)
    # Widths on the grid (LibreOffice reads these) and on every cell (Word reads those).
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)
    for row in (header, proto, group):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        for i, width in enumerate(widths_mm):
            row.cells[i].width = Mm(width)
    # A group's heading row: one cell across the table, in the heading face.
    merged = group.cells[0].merge(group.cells[len(headers) - 1])
    _cell_text(merged, "x", face=KAI_FONT)
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "F2F2F2")):
        shading.set(qn(key), value)
    merged._tc.get_or_add_tcPr().append(shading)
    group_tr = group._tr
    group_p = copy.deepcopy(group_tr.find(f".//{qn('w:p')}"))
    group_tc = group_tr.find(qn("w:tc"))
    group_tc.remove(group_tc.find(qn("w:p")))
    table._tbl.remove(group_tr)
    proto_tr = proto._tr
    cells = proto_tr.findall(qn("w:tc"))
    # Per column: the first line's paragraph and a later line's paragraph, then empty the cells.
    lines = [[p for p in tc.findall(qn("w:p"))] for tc in cells]
    first = [copy.deepcopy(p[0]) for p in lines]
    later = [copy.deepcopy(p[1]) for p in lines]
    for tc, paragraphs in zip(cells, lines, strict=True):
        for p in paragraphs:
            tc.remove(p)
    tbl = table._tbl
    tbl.remove(proto_tr)
    for values in rows:
        if isinstance(values, GroupRow):
            tr = copy.deepcopy(group_tr)
            p = copy.deepcopy(group_p)
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
    return table


def _heading(document, text: str) -> None:
    _paragraph(document, text, face=HEADING_FONT, indent_chars=2, space_before=6)


def _subheading(document, text: str) -> None:
    _paragraph(document, text, face=KAI_FONT, indent_chars=2, space_before=4, space_after=2)


def _signature(document, office: str, day: dt.date) -> None:
    _paragraph(document, "")
    for text in (office, cn_date(day)):
        p = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(SIZE_BODY.pt * 2)


def _save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the supervision order ---------------------------------------------------------------------------


def order_docx(order: Order, *, targets: Sequence, items: Sequence, office_short: str = "") -> bytes:
    """The order as a Word document. ``targets`` are its OrderTargets (with ``unit``), ``items`` its
    OrderItems (with ``task``, ``task.unit``, ``task.reform``); ``office_short`` is the office's
    short name for the reply sentence (e.g. 区委改革办)."""
    office = office_name(order.district.name)
    document = _new_document(f"{order.code} {order.title}")
    _masthead(document, office)
    _paragraph(document, ORDER_KIND, face=DISPLAY_FONT, size=Pt(40), colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_before=6, line=1.2)
    number = _paragraph(document, order.code, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=18, space_after=2)
    _red_rule(number)
    _paragraph(document, order.title, face=DISPLAY_FONT, size=SIZE_TITLE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_before=24, space_after=12, line=1.3)
    units = "、".join(t.unit.name for t in targets)
    _paragraph(document, f"主送：{units}", space_before=6)
    for text in [line.strip() for line in (order.body or DEFAULT_ORDER_BODY).splitlines() if line.strip()]:
        _paragraph(document, text, indent_chars=2)
    if items:
        _paragraph(document, "督办任务及完成时限如下：", indent_chars=2)
        _table(
            document,
            ["序号", "任务", "责任单位", "完成时限"],
            [
                (i, f"{item.task.title}\n所属改革：{item.task.reform.code} {item.task.reform.title}", item.task.unit.name,
                 cn_date(item.deadline))
                for i, item in enumerate(items, start=1)
            ],
            widths_mm=(14, 80, 30, 32),
            centre=(0, 3),
        )
    reply_to = office_short or "区委改革办"
    _paragraph(
        document,
        f"请于{cn_date(order.reply_by)}前签收本督查令，并将任务落实情况书面报送{reply_to}。逾期未签收或未按时限完成的，将予以督办通报。",
        indent_chars=2, space_before=6,
    )
    _signature(document, office, order.issued_on)
    return _save(document)


def order_filename(order: Order) -> str:
    return f"{order.code}.docx"


# --- the bulletin: Word ------------------------------------------------------------------------------


def _scope_name(bulletin: Bulletin) -> str:
    return bulletin.district.name if bulletin.district is not None else "全辖"


def _as_of(bulletin: Bulletin) -> dt.date:
    return bulletin.made_on


def summary_text(bulletin: Bulletin) -> str:
    b = bulletin
    tiers = "，".join(f"{TIER_LABELS[r.tier]}{r.total}项" for r in b.reforms)
    by_status = {s: sum(r.counts.get(s, 0) for r in b.reforms) for s in b.statuses}
    return (
        f"截至{cn_date(_as_of(b))}，{_scope_name(b)}改革事项共{b.reform_total}项（{tiers}），"
        f"其中推进中{by_status.get('in_progress', 0)}项、已完成{by_status.get('completed', 0)}项。"
        f"任务节点共{b.task_total}个，其中红色预警{b.red_total}个、黄色预警{b.amber_total}个、"
        f"正常推进{b.levels.get(Level.GREEN, 0)}个、已完成{b.levels.get(Level.DONE, 0)}个"
        + (f"、所属改革暂停或终止而暂停监测{b.levels[Level.PAUSED]}个" if b.levels.get(Level.PAUSED) else "")
        + "。"
        f"{b.period.year}年{b.period.month}月，完成任务节点{b.completed}个（其中按时完成{b.completed_on_time}个），"
        f"各单位报送进展报告{b.reports}份（审核采纳{b.reports_accepted}份），"
        f"印发改革督查令{len(b.orders)}份（应签收{b.order_targets}家，已签收{b.orders_acknowledged}家）。"
    )


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


def _warning_section(document, groups: list[UnitGroup], on: dt.date, empty: str) -> None:
    if not groups:
        _paragraph(document, empty, indent_chars=2)
        return
    groups, left_out = _first_rows(groups, DOCX_LIST_LIMIT)
    if left_out:
        shown = sum(len(g.rows) for g in groups)
        _paragraph(document, f"共{shown + left_out}项，以下列出前{shown}项，完整清单见本期通报的Excel版。", indent_chars=2)

    def rows() -> Iterator:
        for n, group in enumerate(groups, start=1):
            yield GroupRow(f"（{cn_number(n) if n < 100 else n}）{group.unit_name}（{len(group.rows)}项）")
            for i, row in enumerate(group.rows, start=1):
                yield (i, row.title, f"{row.reform_code}\n{row.reform_title}", cn_date(row.due_date), describe_zh(row, on))

    _table(
        document,
        ["序号", "任务", "所属改革", "完成时限", "预警说明"],
        rows(),
        widths_mm=(14, 44, 38, 30, 30),
        centre=(0, 3),
    )


def bulletin_title(bulletin: Bulletin) -> str:
    return f"关于{bulletin.period.year}年{bulletin.period.month}月全面深化改革任务推进情况的通报"


def bulletin_docx(bulletin: Bulletin) -> bytes:
    b = bulletin
    on = _as_of(b)
    office = office_name(b.district.name) if b.district is not None else "全面深化改革委员会办公室"
    document = _new_document(f"{BULLETIN_KIND} {b.period.code}")
    _paragraph(document, BULLETIN_KIND, face=DISPLAY_FONT, size=Pt(40), colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER,
               line=1.2)
    _paragraph(document, f"（{b.period.year}年{b.period.month}月）", face=KAI_FONT, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_before=6)
    issuer = _paragraph(document, f"{office}　　{cn_date(on)}", size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER,
                        space_before=12, space_after=2)
    _red_rule(issuer)
    _paragraph(document, bulletin_title(b), face=DISPLAY_FONT, size=SIZE_TITLE, bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, space_before=24, space_after=12, line=1.3)

    _heading(document, "一、总体情况")
    _paragraph(document, summary_text(b), indent_chars=2)
    _subheading(document, "（一）改革事项分层级、分状态情况")
    statuses = [s for s in b.statuses if any(r.counts.get(s) for r in b.reforms)] or ["in_progress"]
    _table(
        document,
        ["层级", *[STATUS_LABELS[s] for s in statuses], "合计"],
        [(TIER_LABELS[r.tier], *[r.counts.get(s, 0) for s in statuses], r.total) for r in b.reforms]
        + [("合计", *[sum(r.counts.get(s, 0) for r in b.reforms) for s in statuses], b.reform_total)],
        widths_mm=(28, *[max(14, 128 / (len(statuses) + 1))] * (len(statuses) + 1)),
        centre=tuple(range(len(statuses) + 2)),
    )
    _subheading(document, "（二）任务节点预警情况")
    _table(
        document,
        ["预警等级", "任务节点数", "占比"],
        [
            (LEVEL_LABELS[level], count, f"{100 * count / b.task_total:.1f}%" if b.task_total else "—")
            for level, count in b.levels.items()
        ]
        + [("合计", b.task_total, "100%" if b.task_total else "—")],
        widths_mm=(50, 50, 50),
        centre=(0, 1, 2),
    )

    _heading(document, "二、红色预警事项")
    _warning_section(document, b.red, on, "本期无红色预警事项。")
    _heading(document, "三、黄色预警事项")
    _warning_section(document, b.amber, on, "本期无黄色预警事项。")

    _heading(document, "四、表扬单位")
    if b.praised:
        _paragraph(
            document,
            f"以下{len(b.praised)}家单位本月按时完成改革任务、无红色预警事项，予以通报表扬：",
            indent_chars=2,
        )
        _table(document, ["序号", "单位", "本月按时完成任务数"],
               [(i, p.name, p.on_time) for i, p in enumerate(b.praised, start=1)],
               widths_mm=(16, 90, 50), centre=(0, 2))
    else:
        _paragraph(document, "本期无表扬单位。", indent_chars=2)

    _heading(document, "五、点名通报单位")
    if b.named:
        _paragraph(
            document,
            f"以下{len(b.named)}家单位存在红色预警任务，予以点名通报，请抓紧整改，并于下期通报前报送整改情况：",
            indent_chars=2,
        )
        _table(document, ["序号", "单位", "红色预警任务", "其中逾期", "最长逾期（天）"],
               [(i, n.name, n.red, n.overdue, n.longest_days) for i, n in enumerate(b.named, start=1)],
               widths_mm=(14, 62, 28, 24, 28), centre=(0, 2, 3, 4))
    else:
        _paragraph(document, "本期无点名通报单位。", indent_chars=2)

    _heading(document, "六、改革督查令签收情况")
    if b.orders:
        _table(document, ["序号", "文号", "督查令", "印发日期", "签收情况", "未签收单位"],
               [
                   (i, o.code, o.title, cn_date(o.issued_on), f"{o.acknowledged}/{o.targets}",
                    "、".join(o.pending_units) or "—")
                   for i, o in enumerate(b.orders, start=1)
               ],
               widths_mm=(14, 30, 38, 30, 18, 26), centre=(0, 3, 4))
    else:
        _paragraph(document, "本月未印发改革督查令。", indent_chars=2)
    _signature(document, office, on)
    return _save(document)


# --- the bulletin: Excel -----------------------------------------------------------------------------

XLSX_HEADER_FONT = Font(bold=True, name="宋体")
XLSX_BODY_FONT = Font(name="宋体")
XLSX_HEADER_FILL = PatternFill("solid", fgColor="F3D6D3")
XLSX_TITLE_FONT = Font(bold=True, size=14, name="宋体", color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet(workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int], *, caption: str = ""):
    sheet = workbook.create_sheet(title)
    start = 1
    if caption:
        sheet.cell(row=1, column=1, value=caption).font = XLSX_TITLE_FONT
        start = 3
    for i, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=start, column=i, value=header)
        cell.font, cell.fill, cell.alignment = XLSX_HEADER_FONT, XLSX_HEADER_FILL, CENTRE
        sheet.column_dimensions[get_column_letter(i)].width = width
    r = start
    for r, values in enumerate(rows, start=start + 1):
        for i, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=i, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            cell.font = XLSX_BODY_FONT
            cell.alignment = WRAP
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = sheet.cell(row=start + 1, column=1)
    return sheet, r


def _warning_rows(groups: list[UnitGroup], on: dt.date):
    for group in groups:
        for row in group.rows:
            yield (group.unit_name, row.title, row.reform_code, row.reform_title, row.due_date, describe_zh(row, on))


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """The bulletin as a workbook: one sheet per section, headers bold, widths set."""
    b = bulletin
    on = _as_of(b)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{BULLETIN_KIND} {b.period.code}"
    workbook.properties.creator = "Reform Ledger"

    caption = f"{BULLETIN_KIND}（{b.period.year}年{b.period.month}月）· {_scope_name(b)} · 截至{cn_date(on)}"
    statuses = list(b.statuses)
    sheet, last = _sheet(
        workbook, "总体情况",
        ["层级", *[STATUS_LABELS[s] for s in statuses], "合计"],
        [(TIER_LABELS[r.tier], *[r.counts.get(s, 0) for s in statuses], r.total) for r in b.reforms]
        + [("合计", *[sum(r.counts.get(s, 0) for r in b.reforms) for s in statuses], b.reform_total)],
        [14, *[10] * (len(statuses) + 1)],
        caption=caption,
    )
    row = last + 2
    for i, header in enumerate(("预警等级", "任务节点数"), start=1):
        cell = sheet.cell(row=row, column=i, value=header)
        cell.font, cell.fill, cell.alignment = XLSX_HEADER_FONT, XLSX_HEADER_FILL, CENTRE
    for level, count in b.levels.items():
        row += 1
        sheet.cell(row=row, column=1, value=LEVEL_LABELS[level]).font = XLSX_BODY_FONT
        sheet.cell(row=row, column=2, value=count).font = XLSX_BODY_FONT
    row += 1
    sheet.cell(row=row, column=1, value="合计").font = XLSX_HEADER_FONT
    sheet.cell(row=row, column=2, value=b.task_total).font = XLSX_HEADER_FONT
    row += 2
    flows = (
        ("本月完成任务节点", b.completed),
        ("其中按时完成", b.completed_on_time),
        ("本月进展报告", b.reports),
        ("其中审核采纳", b.reports_accepted),
        ("本月印发督查令", len(b.orders)),
        ("督查令应签收单位", b.order_targets),
        ("督查令已签收单位", b.orders_acknowledged),
    )
    for label, value in flows:
        sheet.cell(row=row, column=1, value=label).font = XLSX_HEADER_FONT
        sheet.cell(row=row, column=2, value=value).font = XLSX_BODY_FONT
        row += 1
    sheet.column_dimensions["A"].width = 20

    warning_headers = ["责任单位", "任务", "改革编号", "所属改革", "完成时限", "预警说明"]
    warning_widths = [18, 40, 18, 36, 12, 36]
    _sheet(workbook, "红色预警", warning_headers, _warning_rows(b.red, on), warning_widths)
    _sheet(workbook, "黄色预警", warning_headers, _warning_rows(b.amber, on), warning_widths)
    _sheet(workbook, "表扬单位", ["序号", "单位", "本月按时完成任务数"],
           [(i, p.name, p.on_time) for i, p in enumerate(b.praised, start=1)], [8, 30, 20])
    _sheet(workbook, "点名通报单位", ["序号", "单位", "红色预警任务", "其中逾期", "最长逾期（天）"],
           [(i, n.name, n.red, n.overdue, n.longest_days) for i, n in enumerate(b.named, start=1)], [8, 30, 14, 12, 16])
    _sheet(workbook, "督查令签收", ["文号", "督查令", "印发日期", "回复时限", "应签收", "已签收", "未签收单位"],
           [(o.code, o.title, o.issued_on, o.reply_by, o.targets, o.acknowledged, "、".join(o.pending_units))
            for o in b.orders],
           [20, 40, 12, 12, 8, 8, 36])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bulletin_filename(bulletin: Bulletin, extension: str) -> str:
    scope = bulletin.district.name if bulletin.district is not None else "全辖"
    return f"{BULLETIN_KIND}-{scope}-{bulletin.period.code}.{extension}"


__all__ = [
    "bulletin_docx",
    "bulletin_filename",
    "bulletin_xlsx",
    "describe_zh",
    "order_docx",
    "order_filename",
]
