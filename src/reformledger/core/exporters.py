"""One small base for the files the office downloads (in the style of pretix's ``base/exporter.py``).

An :class:`Exporter` is made with what it writes about and knows its identifier, its name, its
file extension, its content type and its file name; :meth:`Exporter.render` returns the file's
bytes and :func:`response` serves it as an attachment with a UTF-8 file name (RFC 5987).

:class:`WordExporter` holds what every government Word document shares (GB/T 9704, simplified):
A4, margins 37/35/28/26 mm; a red masthead in a Song-style display face (方正小标宋简体, falling
back to SimSun), the document number centred over a red rule; the title in the display face,
二号 (22 pt), centred; body text in 仿宋_GB2312 (falling back to FangSong) 三号 (16 pt) on 28 pt
lines with a two-character first-line indent; tables in 仿宋 with 黑体 headers; the issuing office
and the date bottom-right; page numbers "— 1 —" in the footer (odd pages right, even pages left)
and, where a document has one, the 版记 at its end (抄送, 印发) between its rules. Fonts are named on the East Asian runs (``w:eastAsia``) and each face's
fallback is recorded in the font table (``w:altName``), so Word and WPS pick the installed face
and LibreOffice substitutes a CJK one. The XML details are in :mod:`.wordml`.

:class:`ExcelExporter` writes sheets with a styled header row of fixed Chinese headers, column
widths, the header frozen, and typed cells: dates as dates, text always as text (never a formula,
whatever it starts with) without the control characters XML forbids.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any, TypeAlias

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.shared import Length, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .files import KINDS
from .wordml import (
    BODY_FONT,
    CENTRE,
    DISPLAY_FONT,
    HEADING_FONT,
    KAI_FONT,
    RED,
    RED_HEX,
    SIZE_BODY,
    SIZE_MARK,
    SIZE_TITLE,
    TEXT_WIDTH_PT,
    GroupRow,
    TableRow,
    add_colophon,
    add_page_numbers,
    add_table,
    append,
    new_document,
    paragraph_rules,
    set_fonts,
)

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 23 -> 二十三 (1..99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Exporter:
    """A file to download. Subclasses set the attributes and write :meth:`stem` and :meth:`write`."""

    identifier: str = ""  # a short stable name, e.g. "bulletin-xlsx"
    verbose_name: Any = ""  # what the file is, for people (lazily translated)
    extension: str = ""  # without the dot
    content_type: str = "application/octet-stream"

    def stem(self) -> str:
        raise NotImplementedError

    def filename(self) -> str:
        return f"{self.stem()}.{self.extension}"

    def write(self, out: IO[bytes]) -> None:
        raise NotImplementedError

    def render(self) -> bytes:
        out = io.BytesIO()
        self.write(out)
        return out.getvalue()


def response(exporter: Exporter, *, stream: bool = False) -> HttpResponse | FileResponse:
    """The file as an attachment, its name in UTF-8 (``filename*=utf-8''…``). ``stream`` writes it to
    a temporary file served in chunks (memory stays flat for large workbooks)."""
    if stream:
        out = tempfile.TemporaryFile(suffix=f".{exporter.extension}")  # FileResponse closes it
        exporter.write(out)
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=exporter.filename(), content_type=exporter.content_type)
    answer = HttpResponse(exporter.render(), content_type=exporter.content_type)
    answer["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=exporter.filename())
    return answer


# --- Word ------------------------------------------------------------------------------------------


class WordExporter(Exporter):
    """A government Word document. Subclasses write :meth:`document_title` and :meth:`build`, which
    adds to ``self.document`` with the methods below."""

    extension = "docx"
    content_type = KINDS["docx"][1]
    #: Page numbers in the footer, as GB/T 9704 sets them (:func:`.wordml.add_page_numbers`).
    page_numbers = True

    def document_title(self) -> str:
        raise NotImplementedError

    def build(self) -> None:
        raise NotImplementedError

    def write(self, out: IO[bytes]) -> None:
        self.document = new_document(self.document_title())
        self.build()
        if self.page_numbers:
            add_page_numbers(self.document)
        self.document.save(out)

    def paragraph(
        self, text: str = "", *, face: str = BODY_FONT, size: Length = SIZE_BODY, bold: bool = False,
        colour: RGBColor | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None, indent_chars: float = 0,
        space_before: float = 0, space_after: float = 0, line: float | Length | None = None,
    ) -> Paragraph:
        p = self.document.add_paragraph()
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
            set_fonts(p.add_run(text), face=face, size=size, bold=bold, colour=colour)
        return p

    def body(self, text: str, **options: Any) -> Paragraph:
        """A body paragraph, its first line indented by two characters."""
        return self.paragraph(text, indent_chars=2, **options)

    def masthead(self, text: str, *, largest: float = 26) -> None:
        """The red masthead line, as large as fits the text width on one line (narrowed a little)."""
        size = Pt(max(16, min(largest, int(TEXT_WIDTH_PT / (max(len(text), 1) * 0.9)))))
        p = self.paragraph(text, face=DISPLAY_FONT, size=size, colour=RED, align=CENTRE, line=1.2)
        append(p.runs[0]._element.get_or_add_rPr(), "w:w", val="90")

    def mark(self, text: str, *, space_before: float = 0) -> None:
        """The document's kind in large red display type (改革督查令)."""
        self.paragraph(text, face=DISPLAY_FONT, size=SIZE_MARK, colour=RED, align=CENTRE, space_before=space_before,
                       line=1.2)

    def number_line(self, text: str, *, size: Length = SIZE_BODY, space_before: float = 18) -> None:
        """The 文号 line, centred over the red rule that closes the 版头."""
        p = self.paragraph(text, size=size, align=CENTRE, space_before=space_before, space_after=2)
        paragraph_rules(p, colour=RED_HEX, bottom="18")

    def title(self, text: str) -> None:
        self.paragraph(text, face=DISPLAY_FONT, size=SIZE_TITLE, bold=True, align=CENTRE, space_before=24,
                       space_after=12, line=1.3)

    def heading(self, text: str) -> None:
        self.paragraph(text, face=HEADING_FONT, indent_chars=2, space_before=6)

    def subheading(self, text: str) -> None:
        self.paragraph(text, face=KAI_FONT, indent_chars=2, space_before=4, space_after=2)

    def signature(self, office: str, day: dt.date) -> None:
        """The issuing office and the date, bottom-right, after an empty line."""
        self.paragraph("")
        for i, text in enumerate((office, cn_date(day))):
            fmt = self.paragraph(text, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format
            fmt.right_indent = Pt(SIZE_BODY.pt * 2)
            fmt.keep_with_next = i == 0  # the office's name and the date on one page

    def colophon(self, *, copies: Sequence[str], issuer: str, day: dt.date) -> None:
        """The 版记 (GB/T 9704) after an empty line: 抄送 ``copies`` (left out when there are none),
        then ``issuer`` and the date in Chinese, "…印发"."""
        self.paragraph("")
        add_colophon(self.document, copies=copies, issuer=issuer, issued=cn_date(day))

    def table(
        self, headers: Sequence[str], rows: Iterable[TableRow], widths_mm: Sequence[float], *,
        centre: Sequence[int] = (),
    ) -> Table:
        """A bordered table, its header repeated on every page; ``rows`` are value tuples or
        :class:`GroupRow` (see :func:`.wordml.add_table`). ``centre``: the centred columns."""
        return add_table(self.document, headers, rows, widths_mm, centre=centre)


# --- Excel -----------------------------------------------------------------------------------------


#: A sheet of :meth:`ExcelExporter.sheet`: a write-only one when the exporter is ``write_only``.
Sheet: TypeAlias = Worksheet | WriteOnlyWorksheet


#: First characters that make a spreadsheet read typed text as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text a worksheet can hold (XML forbids most control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


class ExcelExporter(Exporter):
    """A workbook. Subclasses write :meth:`document_title` and :meth:`build`, which adds sheets with
    :meth:`sheet`; the class attributes style them. ``write_only`` streams rows (memory stays flat)."""

    extension = "xlsx"
    content_type = KINDS["xlsx"][1]
    write_only = False
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_font: Font | None = None
    body_alignment: Alignment | None = None
    caption_font = Font(bold=True, size=14)

    def document_title(self) -> str:
        raise NotImplementedError

    def build(self, workbook: Workbook) -> None:
        raise NotImplementedError

    def write(self, out: IO[bytes]) -> None:
        workbook = Workbook(write_only=self.write_only)
        if not self.write_only and (default := workbook.active) is not None:
            workbook.remove(default)
        workbook.properties.title = self.document_title()
        workbook.properties.creator = "Reform Ledger"
        self.build(workbook)
        workbook.save(out)

    def cell(self, sheet: Sheet, value: Any, *, font: Font | None = None, alignment: Alignment | None = None) -> Cell:
        """A typed cell: text is always text (never a formula), dates show as dates. Text that a
        spreadsheet would take for a formula once edited (``=``, ``+``, ``-``, ``@``, tab, CR first)
        carries the quote prefix (Excel's leading apostrophe, as a style: the value stays as it is)."""
        cell = WriteOnlyCell(sheet, safe_text(value) if isinstance(value, str) else value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        return cell

    def header_cell(self, sheet: Sheet, value: str) -> Cell:
        cell = self.cell(sheet, value, font=self.header_font, alignment=self.header_alignment)
        cell.fill = self.header_fill
        return cell

    def sheet(self, workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Iterable[Any]],
              widths: Sequence[float], *, caption: str = "") -> tuple[Sheet, int]:
        """A sheet: an optional caption (row 1), the header row, one row per value tuple; the header
        frozen. Returns the sheet and the number of its last row."""
        sheet: Sheet = workbook.create_sheet(title)
        start = 3 if caption else 1
        # Widths and the frozen header before the first row (a write-only sheet writes them with it).
        for i, width in enumerate(widths, start=1):
            # A WriteOnlyWorksheet has column_dimensions too (from Worksheet._setup); types-openpyxl omits them.
            sheet.column_dimensions[get_column_letter(i)].width = width  # type: ignore[union-attr]
        sheet.freeze_panes = f"A{start + 1}"
        if caption:
            sheet.append([self.cell(sheet, caption, font=self.caption_font)])
            sheet.append([])
        sheet.append([self.header_cell(sheet, header) for header in headers])
        last = start
        for values in rows:
            last += 1
            sheet.append([self.cell(sheet, v, font=self.body_font, alignment=self.body_alignment) for v in values])
        return sheet, last


__all__ = [
    "BODY_FONT",
    "DISPLAY_FONT",
    "HEADING_FONT",
    "KAI_FONT",
    "ExcelExporter",
    "Exporter",
    "GroupRow",
    "TableRow",
    "WordExporter",
    "cn_date",
    "cn_number",
    "response",
    "safe_text",
]
