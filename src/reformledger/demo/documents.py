"""Evidence for the demo: tiny real files, made in memory."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile

from .story import EVIDENCE_NAMES


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



def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/>'
    "</Relationships>"
)


def make_docx(title: str, paragraphs: Sequence[str] = ()) -> bytes:
    """A Word document (the minimal OOXML package: what Word, WPS and python-docx read)."""

    def para(text: str, size: int = 24, bold: bool = False) -> str:
        props = f'<w:rPr><w:rFonts w:eastAsia="宋体"/>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
        return f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = para(title, 32, True) + "".join(para(p) for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    return _zip({"[Content_Types].xml": types, "_rels/.rels": _RELS.format(target="word/document.xml"), "word/document.xml": document})


def make_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """An Excel workbook with one sheet (a ledger): the minimal OOXML package, inline strings."""

    def cell(ref: str, value: object) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    sheet_rows = []
    for r, values in enumerate([[title], list(header), *[list(row) for row in rows]], start=1):
        cells = "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(values))
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(sheet_rows)}</sheetData></worksheet>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    return _zip({
        "[Content_Types].xml": types,
        "_rels/.rels": _RELS.format(target="xl/workbook.xml"),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
        "xl/worksheets/sheet1.xml": sheet,
    })



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
