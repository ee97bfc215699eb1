"""Evidence for the demo: tiny real files, made in memory. Word documents with python-docx and
Excel workbooks with openpyxl (as the app's own exports); the PDF and the PNG are written by hand
(a few hundred bytes each, no imaging or PDF library needed).
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Sequence

from django.core.files.base import ContentFile
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from .story import EVIDENCE_NAMES

#: The Chinese typeface of the demo's Word documents.
SONG = "宋体"


def make_pdf(title: str, lines: Sequence[str] = ()) -> bytes:
    """A one-page PDF with Chinese text (the standard STSong-Light font, not embedded: every PDF
    reader substitutes its own Song typeface)."""

    def text(s: str) -> str:
        return "<" + s.encode("utf-16-be").hex().upper() + ">"

    ops = [f"BT /F1 20 Tf 72 760 Td {text(title)} Tj ET"]
    for i, line in enumerate(lines):
        ops.append(f"BT /F1 12 Tf 72 {720 - 22 * i} Td {text(line)} Tj ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_png(seed: int, width: int = 240, height: int = 160) -> bytes:
    """A small picture (sky, buildings, street): a stand-in for a site photo."""
    rng = random.Random(seed)
    sky = (170 + rng.randint(0, 40), 200 + rng.randint(0, 30), 235)
    street = (120, 120, 125)
    blocks = []
    x = 0
    while x < width:
        w = rng.randint(18, 40)
        blocks.append((x, x + w, rng.randint(50, 125), (rng.randint(150, 230), rng.randint(140, 210), rng.randint(120, 200))))
        x += w + rng.randint(2, 8)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for px in range(width):
            colour = street if y > 135 else sky
            for x0, x1, top, block in blocks:
                if x0 <= px < x1 and y >= height - 25 - top and y <= 135:
                    colour = (60, 90, 140) if (px - x0) % 8 < 3 and (y % 10) < 4 else block
                    break
            row += bytes(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def make_docx(title: str, paragraphs: Sequence[str] = ()) -> bytes:
    """A Word document on A4: the title in bold, then one paragraph per line, in Song type."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), SONG)
    heading = document.add_paragraph().add_run(title)
    heading.bold = True
    heading.font.size = Pt(16)
    for text in paragraphs:
        document.add_paragraph(text)
    document.core_properties.title = title
    document.core_properties.author = ""
    document.core_properties.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """An Excel workbook with one sheet (a ledger): the title in A1, the header, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "台账"
    sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cell in (*sheet[1], *sheet[2]):
        cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def evidence_file(
    kind: str, *, title: str, stage: str, lines: Sequence[str], seed: int, pictures: dict[int, bytes]
) -> ContentFile:
    """An evidence file of ``kind`` (pdf, png, docx, xlsx) named as a unit would name it; the
    twelve pictures are made once and kept in ``pictures``."""
    name = EVIDENCE_NAMES[kind].format(stage=stage)
    if kind == "png":
        if seed % 12 not in pictures:
            pictures[seed % 12] = make_png(seed % 12)
        data = pictures[seed % 12]
    elif kind == "pdf":
        data = make_pdf(title, lines)
    elif kind == "docx":
        data = make_docx(title, lines)
    else:
        data = make_xlsx(title, ("序号", "工作内容", "完成情况"), [(i + 1, line, "已完成") for i, line in enumerate(lines)])
    return ContentFile(data, name=name)
