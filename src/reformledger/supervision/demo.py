"""The demo district's supervision (督查督办): task trees, reports with evidence, orders, help
needed, a completion application, change requests, and today's warnings and reminders.

``load_supervision_demo(district)`` adds them to the demo district loaded by
``reforms.demo.load_demo`` (``reformledger demo-data`` calls both). It works in two parts:

1. **Trees.** Every reform of the catalogue's last year (2018) still open (in progress or approved)
   gets a task tree of ten tasks in two or three layers: the reform's measures are the first layer,
   their steps the second, the communities or sub-districts that carry them out the third, with
   weights, co-units, communities and responsible people. The catalogue is the article's
   (2014–2018), so these reforms are first *carried over* to the present: the reform office moves
   their due date after today (``reforms.services.update_reform``, audited as any change). The
   trees, and what happened before today — progress reports with their evidence files, the
   office's reviews, help needed — are written as rows (the services date everything today, and
   730 tasks one by one through ``services.create_task`` take ten times longer), in a few bulk
   inserts, recorded in the audit trail in one bulk append (action ``demo.create``) like the reforms
   loader's rows; the planner keeps every task inside its parent's and its reform's dates and gives
   it a person of its unit. Each tree is then rolled up by ``rollup.refresh_reform``. Each reform
   is given a mood: most are on track, some are behind with a task due within days (amber), some
   have an overdue or silent task (red), one has finished every task and applied for completion.
2. **Today's work**, through the services: a report filed by ``unit`` and one asking for help, one
   report accepted and one returned, help resolved, four supervision orders (one not acknowledged,
   so it escalates), a completion application, a change request awaiting the office for a key
   reform and one approved with the committee's meeting, an urging. Then ``scan_deadlines`` runs
   once: levels, reminders and the inbox exist for the demo logins.

Dates are relative to the day it runs (``rollup.today()``). Like the reforms loader it only fills
gaps: a reform that already has tasks is left alone, and today's work is done once per district
(when the district has no supervision order yet). A second run changes nothing.

The pure planner (:func:`plan_tree`, :func:`apply_mood`, :func:`leaf_facts`) also shapes the
benchmark's 540,000 tasks (``bench/generate.py``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import random
import struct
import time
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reformledger.core.audit import Change, diff, log_actions
from reformledger.org.models import Membership, Role, SpecialGroup, Unit, UnitKind, User
from reformledger.reforms import services as reform_services
from reformledger.reforms.models import Reform, Status, Tier

from . import levels, notify, rollup
from .models import (
    LEVEL_RANK,
    Decision,
    Evidence,
    HelpRequest,
    Order,
    OrderTarget,
    ProgressReport,
    Task,
    TaskStatus,
)
from .scan import scan_deadlines
from .services import decisions as decision_services
from .services import help as help_services
from .services import orders as order_services
from .services import reports as report_services

AUDIT_ACTION = "demo.create"
#: The demo district's code and its codes' conventions (``reforms.demo``).
DEMO_CODE = "lh"
DEMO_SEED = 2019
#: The year of the catalogue whose open reforms are supervised today.
CURRENT_YEAR = 2018
SHOWCASE_SUB_DISTRICT = "dongmen"

# ----------------------------------------------------------------------------------------------
# The planner: the shape, dates and state of one reform's tree around today (pure)
# ----------------------------------------------------------------------------------------------

#: Tree shapes of ten tasks each: children per root, and grandchildren under (root, child).
SHAPES: tuple[tuple[tuple[int, ...], dict[tuple[int, int], int]], ...] = (
    ((2, 2, 3), {}),  # 3 + 7
    ((3, 2), {(0, 1): 3}),  # 2 + 5 + 3
    ((2, 2, 1), {(1, 0): 2}),  # 3 + 5 + 2
    ((2, 2), {(0, 0): 2, (1, 1): 2}),  # 2 + 4 + 4
)
WEIGHTS = (Decimal(1), Decimal(1), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(2), Decimal(3))

# Moods of a reform, and of a leaf task.
GREEN, AMBER, RED, DONE = "green", "amber", "red", "done"
OK, BEHIND, LATE, SILENT, STOPPED = "ok", "behind", "late", "silent", "stopped"


@dataclass
class Planned:
    """One task of a planned tree. ``key`` is its position in the list; parents come first."""

    key: int
    parent: int | None
    depth: int
    order: int  # 1-based among its siblings
    index: tuple[int, ...]  # (root, child, grandchild) positions
    start: dt.date
    due: dt.date
    weight: Decimal
    leaf: bool = True
    mood: str = OK
    status: str = TaskStatus.NOT_STARTED
    progress: int = 0
    last_report: dt.date | None = None
    completed_on: dt.date | None = None


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _split(rng: random.Random, start: dt.date, due: dt.date, k: int) -> list[tuple[dt.date, dt.date]]:
    """``k`` consecutive, slightly overlapping spans covering ``start``..``due``."""
    days = (due - start).days
    cuts = [round(days * i / k) for i in range(k + 1)]
    spans = []
    for i in range(k):
        lead = rng.randint(0, days // (3 * k)) if i else 0
        lag = rng.randint(0, days // (4 * k)) if i < k - 1 else 0
        s = start + _days(max(0, cuts[i] - lead))
        e = start + _days(min(days, cuts[i + 1] + lag))
        spans.append((s, max(s, e)))
    return spans


def plan_tree(rng: random.Random, *, start: dt.date, due: dt.date, shape: int | None = None) -> list[Planned]:
    """Ten tasks in two or three layers spanning ``start``..``due``: the roots are consecutive
    phases, each child a step of its parent's span, each grandchild a share of its parent's."""
    roots, grand = SHAPES[rng.randrange(len(SHAPES)) if shape is None else shape]
    nodes: list[Planned] = []

    def add(parent: Planned | None, index: tuple[int, ...], span: tuple[dt.date, dt.date]) -> Planned:
        node = Planned(
            key=len(nodes), parent=parent.key if parent else None, depth=len(index) - 1, order=index[-1] + 1,
            index=index, start=span[0], due=span[1], weight=rng.choice(WEIGHTS),
        )
        if parent is not None:
            parent.leaf = False
        nodes.append(node)
        return node

    for i, (root_span, n_children) in enumerate(zip(_split(rng, start, due, len(roots)), roots, strict=True)):
        root = add(None, (i,), root_span)
        for j, child_span in enumerate(_split(rng, root.start, root.due, n_children)):
            child = add(root, (i, j), child_span)
            n_grand = grand.get((i, j), 0)
            if n_grand:
                for k, grand_span in enumerate(_split(rng, child.start, child.due, n_grand)):
                    add(child, (i, j, k), grand_span)
    return nodes


def _round5(value: float) -> int:
    return max(0, min(100, int(round(value / 5.0)) * 5))


def leaf_facts(
    rng: random.Random, node: Planned, *, today: dt.date, stopped_on: dt.date | None = None
) -> None:
    """Fill a leaf's status, progress, last report and completion from its dates and mood:

    * ``ok`` — done when its due date has passed, else on or ahead of the straight line, reported
      within the last three weeks; not started before its start date;
    * ``behind`` — reported lately but well behind the line (amber when due within days);
    * ``late`` — past its due date and still open (red);
    * ``silent`` — under way, last report over a month ago (red);
    * ``stopped`` — the reform stopped on ``stopped_on``: done before it, open after it.
    """
    start, due = node.start, node.due
    mood = node.mood
    if mood == STOPPED:
        stop = stopped_on or today
        if due <= stop:
            mood = DONE
        elif start > stop:
            node.status, node.progress, node.last_report, node.completed_on = TaskStatus.NOT_STARTED, 0, None, None
            return
        else:
            node.status = TaskStatus.IN_PROGRESS
            node.progress = max(5, _round5(100 * levels.expected_percent(start, due, stop) * rng.uniform(0.5, 0.9)))
            node.last_report, node.completed_on = stop, None
            return
    if mood == DONE or (mood == OK and due < today):
        finished = min(due, today - _days(1))
        slack = max(0, min(7, (finished - start).days))
        node.completed_on = max(start, finished - _days(rng.randint(0, slack)))
        node.status, node.progress, node.last_report = TaskStatus.DONE, 100, node.completed_on
        return
    node.completed_on = None
    if start > today:
        node.status, node.progress, node.last_report = TaskStatus.NOT_STARTED, 0, None
        return
    age = (today - start).days
    expected = levels.expected_percent(start, due, today)
    last: dt.date | None
    if mood == LATE:
        progress = _round5(rng.uniform(35, 85))
        last = today - _days(rng.randint(2, min(25, age))) if age >= 2 else None
    elif mood == SILENT:
        progress = _round5(expected * rng.uniform(0.3, 0.7))
        last = today - _days(rng.randint(31, min(75, age))) if age >= 31 else None
    elif mood == BEHIND:
        progress = 5 * int(max(0.0, expected - rng.uniform(15, 35)) // 5)
        last = today - _days(rng.randint(1, min(12, age))) if age >= 1 else None
    elif age < 3:
        progress, last = 0, None
    else:
        progress = min(100, 5 * -(-int(expected + rng.uniform(0, 12)) // 5))
        last = today - _days(rng.randint(1, min(20, age)))
    if last is not None:
        progress = max(progress, 5)
    node.progress, node.last_report = (progress, last) if last else (0, None)
    node.status = TaskStatus.IN_PROGRESS if last else TaskStatus.NOT_STARTED


def apply_mood(rng: random.Random, nodes: list[Planned], mood: str, *, today: dt.date, escalate: bool = False) -> list[Planned]:
    """Make a tree amber or red by moving one or two leaves' dates inside their parents' spans
    (``done``: every leaf finished). Returns the leaves that carry the mood."""
    by_key = {n.key: n for n in nodes}
    leaves = [n for n in nodes if n.leaf]
    rng.shuffle(leaves)
    chosen: list[Planned] = []
    if mood == DONE:
        for leaf in leaves:
            leaf.mood = DONE
        return leaves
    wanted = 2 if rng.random() < 0.3 else 1
    for leaf in leaves:
        if len(chosen) == wanted:
            break
        parent = by_key[leaf.parent] if leaf.parent is not None else leaf
        ps, pd = parent.start, parent.due
        if mood == AMBER:
            if pd < today + _days(1) or ps > today - _days(14):
                continue
            leaf.due = today + _days(rng.randint(1, min(6, (pd - today).days)))
            leaf.start = ps + _days(rng.randint(0, (today - _days(14) - ps).days))
            leaf.mood = BEHIND
        elif mood == RED:
            silent = not escalate and not chosen and rng.random() < 0.3
            if silent:
                if ps > today - _days(40) or pd < today + _days(8):
                    continue
                leaf.start = ps + _days(rng.randint(0, (today - _days(40) - ps).days))
                leaf.due = today + _days(rng.randint(8, (pd - today).days))
                leaf.mood = SILENT
            else:
                earliest = max(ps + _days(7), today - _days(25))
                latest = min(pd, today - _days(8 if escalate else 2))
                if earliest > latest:
                    continue
                leaf.due = earliest + _days(rng.randint(0, (latest - earliest).days))
                leaf.start = ps + _days(rng.randint(0, max(0, (leaf.due - ps).days - 5)))
                leaf.mood = LATE
        else:
            return []
        chosen.append(leaf)
    return chosen


def month_end(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``day``'s."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# ----------------------------------------------------------------------------------------------
# Evidence: tiny real files, made in memory
# ----------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------
# The demo district's story
# ----------------------------------------------------------------------------------------------

#: Reforms whose mood is set (the rest draw one): what the demo logins should meet.
MOODS = {
    "LH-2018-ZD-02": RED,  # 棚改回迁安置: an overdue task, a supervision order, help needed
    "LH-2018-ZD-03": RED,  # 民生首善区: overdue a week and more, escalated to the leader (``leader``)
    "LH-2018-ZD-05": AMBER,  # 民生诉求: behind, due within days; a change request awaits the office
    "LH-2018-ZD-08": GREEN,  # 查违智慧监管: on track; a change approved by the committee
    "LH-2018-WG-015": AMBER,  # 东门街道 (``unit``): due within days and behind
    "LH-2018-WG-054": RED,  # 东门街道 (``unit``): overdue, urged, an order not yet acknowledged
    "LH-2018-WG-070": GREEN,  # 东门街道 (``unit``): on track; help given and resolved
}
#: Red reforms whose overdue task is a week late or more (escalated to the responsible leader).
ESCALATE = frozenset({"LH-2018-ZD-02", "LH-2018-ZD-03", "LH-2018-WG-054"})
#: The key reform whose responsible leader becomes the ``leader`` login (main leaders rotate).
LEADER_REFORM = "LH-2018-ZD-03"

STAGES = {
    1: ("组织实施",),
    2: ("制定方案、部署推进", "组织实施、形成成果"),
    3: ("调查摸底、制定方案", "组织实施", "验收总结、固化机制"),
}
STAGE_DELIVERABLES = {
    1: ("推进台账",),
    2: ("工作方案", "阶段成果材料"),
    3: ("调查报告和工作方案", "推进台账", "验收报告"),
}
REPORT_TEXTS = (
    "组织召开专题推进会，明确责任分工和时间节点。",
    "完成调查摸底，建立工作台账，梳理问题清单{n}项。",
    "工作方案已印发，各责任单位按方案推进。",
    "开展业务培训{n}场，覆盖工作人员{m}人次。",
    "试点工作有序开展，收集意见建议{n}条，已整改{m}条。",
    "深入社区开展政策宣传{n}场次，发放宣传资料{m}份。",
    "与配合单位召开联席会议，协调解决跨部门问题{n}个。",
    "完成阶段性工作，形成阶段总结材料。",
)
PROBLEMS = (
    "部分居民对政策理解不到位，需加强宣传解释。",
    "涉及多个部门数据共享，接口对接进度偏慢。",
    "专项经费尚未全部到位。",
    "场地协调存在困难，部分工作需顺延。",
    "基层工作人员力量不足，任务较重。",
)
RETURN_COMMENTS = (
    "佐证材料不足，请补充现场照片和工作台账后重新报送。",
    "完成比例与佐证材料不符，请核实后重新报送。",
)
ACCEPT_COMMENTS = ("", "", "材料齐全，同意。", "进展符合计划。")
EVIDENCE_NAMES = {
    "pdf": "{stage}佐证材料.pdf",
    "png": "现场照片.png",
    "xlsx": "工作台账.xlsx",
    "docx": "工作总结.docx",
}
#: Help needed: (reform code, text, resolution or "" while it is open).
HISTORIC_HELP = (
    ("LH-2018-ZD-02", "回迁安置房配套学校建设资金缺口较大，请区财政局协调落实专项资金。", ""),
    ("LH-2018-WG-070", "请区住房和建设局明确物业服务企业党组织与社区党委共建的政策口径。",
     "已协调区住房和建设局印发指导意见，明确共建政策口径，东门街道按意见推进。"),
)


def _measures(reform: Reform) -> list[str]:
    """``一是A；二是B。`` -> ``[A, B]``."""
    items = [m.strip().rstrip("。") for m in (reform.measures or "").split("；")]
    items = [m[2:] if len(m) > 2 and m[1] == "是" and m[0] in "一二三四五六七八九十" else m for m in items]
    return [m for m in items if m] or [reform.title]


def _short(text: str) -> str:
    head = text.split("，")[0]
    return head if len(head) <= 16 else head[:16]


@dataclass
class _Tree:
    reform: Reform
    mood: str
    plan: list[Planned]
    marked: list[Planned]
    tasks: list[Task] = field(default_factory=list)


@dataclass
class SupervisionResult:
    district: Unit
    created: Counter[str]
    seconds: float
    scan: dict | None = None

    @property
    def created_anything(self) -> bool:
        return any(v for k, v in self.created.items() if k != "audit_entries")


class _Story:
    """What the writers share: the day, the people, the trees, the audit entries."""

    def __init__(self, district: Unit, today: dt.date):
        self.district, self.today = district, today
        self.created: Counter[str] = Counter()
        self.changes: list[Change] = []
        code = district.code
        self.users = {u.username: u for u in User.objects.filter(
            username__in=["office", "leader", "unit", f"{code}-office-1", f"{code}-office-4"]
        )}
        self.office_head = self.users.get(f"{code}-office-1") or self.users["office"]
        self.office = self.users.get("office") or self.office_head
        self.inspector = self.users.get(f"{code}-office-4") or self.office
        self.members: dict[int, list[User]] = defaultdict(list)
        memberships = (
            Membership.objects.filter(unit__district=district, role__in=(Role.UNIT_STAFF, Role.UNIT_HEAD), user__is_active=True)
            .select_related("user")
            .order_by("unit_id", "role", "user__username")
        )
        for m in sorted(memberships, key=lambda m: (m.unit_id, m.role != Role.UNIT_STAFF, m.user.username)):
            self.members[m.unit_id].append(m.user)
        self.showcase = Unit.objects.filter(code=f"{code}-{SHOWCASE_SUB_DISTRICT}").first()
        self.sub_districts = list(Unit.objects.filter(district=district, kind=UnitKind.SUB_DISTRICT).order_by("sort_order"))
        self.communities: dict[int, list[Unit]] = defaultdict(list)
        for community in Unit.objects.filter(district=district, kind=UnitKind.COMMUNITY).order_by("sort_order", "code"):
            self.communities[community.parent_id].append(community)
        self.leaders = {
            g.domain_id: g.leader for g in SpecialGroup.objects.filter(district=district).select_related("leader") if g.leader_id
        }
        self.trees: dict[str, _Tree] = {}
        self.files: dict[tuple, bytes] = {}
        self.to_resolve: list[tuple[HelpRequest, str]] = []

    def created_anything(self) -> bool:
        return any(v for k, v in self.created.items() if k != "audit_entries")

    # who
    def actor(self, unit: Unit) -> User:
        people = self.members.get(unit.pk) or []
        if self.showcase and unit.pk == self.showcase.pk and "unit" in self.users:
            return self.users["unit"]
        return people[0] if people else self.office

    def assignee(self, rng: random.Random, unit: Unit) -> User | None:
        if self.showcase and unit.pk == self.showcase.pk and "unit" in self.users:
            return self.users["unit"] if rng.random() < 0.75 else (self.members[unit.pk] + [self.users["unit"]])[0]
        people = self.members.get(unit.pk) or []
        return people[0] if people else None

    def help_leader(self, reform: Reform) -> User | None:
        leader = self.leaders.get(reform.domain_id)
        return leader if leader is not None and leader.is_active else reform.responsible_leader

    # when
    def at(self, day: dt.date, rng: random.Random) -> dt.datetime:
        moment = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59)))
        return min(timezone.make_aware(moment), timezone.now())

    # files
    def evidence_file(self, kind: str, *, title: str, stage: str, lines: Sequence[str], seed: int) -> ContentFile:
        name = EVIDENCE_NAMES[kind].format(stage=stage)
        if kind == "png":
            key = ("png", seed % 12)
            if key not in self.files:
                self.files[key] = make_png(seed % 12)
            data = self.files[key]
        elif kind == "pdf":
            data = make_pdf(title, lines)
        elif kind == "docx":
            data = make_docx(title, lines)
        else:
            data = make_xlsx(title, ("序号", "工作内容", "完成情况"), [(i + 1, line, "已完成") for i, line in enumerate(lines)])
        return ContentFile(data, name=name)


@transaction.atomic
def load_supervision_demo(*, district: Unit | None = None, on: dt.date | None = None) -> SupervisionResult:
    """Add supervision to the demo district (``lh``), creating only what is missing; see the module."""
    started = time.perf_counter()
    district = district or Unit.objects.get(code=DEMO_CODE)
    today = on or rollup.today()
    prefix = f"{district.code.upper()}-{CURRENT_YEAR}-"
    reforms = list(
        Reform.objects.filter(
            district=district, year=CURRENT_YEAR, code__startswith=prefix, status__in=(Status.IN_PROGRESS, Status.APPROVED)
        )
        .exclude(pk__in=Task.objects.filter(district=district).values("reform_id"))
        .select_related("lead_unit", "domain", "responsible_leader")
        .prefetch_related("co_units")
        .order_by("code")
    )
    first_time = not Order.objects.filter(district=district).exists()
    if not reforms and not first_time:
        return SupervisionResult(district=district, created=Counter(), seconds=time.perf_counter() - started)
    story = _Story(district, today)
    completion_code = _completion_reform(story, reforms) if first_time else None
    for reform in reforms:
        _build_tree(story, reform, done=reform.code == completion_code)
    _insert_trees(story)
    _write_history(story)
    if story.changes:
        story.created["audit_entries"] += len(log_actions(None, story.changes))
    for tree in story.trees.values():
        rollup.refresh_reform(tree.reform.pk, on=today)
    if first_time:
        _todays_work(story)
    scan = None
    if story.created_anything():
        scan = scan_deadlines(on=today)
    return SupervisionResult(district=district, created=story.created, seconds=time.perf_counter() - started, scan=scan)


def _completion_reform(story: _Story, reforms: list[Reform]) -> str | None:
    """A micro-reform in progress, led by a sub-district other than the showcase, whose tasks are
    all done: its lead unit applies for completion."""
    for reform in reforms:
        if (
            reform.tier == Tier.MICRO and reform.status == Status.IN_PROGRESS and reform.code not in MOODS
            and reform.lead_unit.kind == UnitKind.SUB_DISTRICT
            and (story.showcase is None or reform.lead_unit_id != story.showcase.pk)
        ):
            return reform.code
    return None


def _build_tree(story: _Story, reform: Reform, *, done: bool) -> None:
    """Carry the reform over to the present (through the reforms service) and plan its tree: the
    tasks, their units and people, and the leaves' facts as of today (inserted by :func:`_insert_trees`)."""
    today = story.today
    rng = random.Random(f"{DEMO_SEED}-supervision-{reform.code}")
    mood = DONE if done else MOODS.get(reform.code) or rng.choices((GREEN, AMBER, RED), weights=(60, 20, 20))[0]
    if reform.status == Status.APPROVED:
        mood = GREEN
    changes: dict = {}
    if reform.due_date is None or reform.due_date < today + _days(60):
        changes["due_date"] = month_end(today, rng.randint(4, 12))
    leader = story.users.get("leader")
    if reform.code == LEADER_REFORM and leader is not None and reform.responsible_leader_id != leader.pk:
        changes["responsible_leader"] = leader
    if changes:
        reform_services.update_reform(user=story.office_head, reform=reform, data=changes)
        for name, value in changes.items():
            setattr(reform, name, value)
        story.created["reforms_carried_over"] += 1
    end = reform.due_date
    if reform.status == Status.APPROVED:
        start = today + _days(rng.randint(10, 40))
    elif done:
        start, end = today - _days(rng.randint(200, 300)), today - _days(rng.randint(5, 15))
    else:
        start = today - _days(rng.randint(150, 300))
    start = max(start, reform.start_date or start)
    plan = plan_tree(rng, start=start, due=end)
    marked = apply_mood(rng, plan, mood, today=today, escalate=reform.code in ESCALATE) if mood != GREEN else []
    for node in plan:
        if node.leaf:
            leaf_facts(rng, node, today=today)

    lead = reform.lead_unit
    co = [u for u in reform.co_units.all() if u.is_active]
    if lead.kind == UnitKind.SUB_DISTRICT:
        mine = story.communities.get(lead.pk, [])
        grassroots = [u for u in co if u in mine] + [u for u in mine if u not in co]
    elif lead.kind == UnitKind.COMMUNITY:
        grassroots = [lead]
    else:
        grassroots = [u for u in co if u.kind == UnitKind.SUB_DISTRICT] or rng.sample(story.sub_districts, 3)
    grassroots = grassroots or [lead]
    showcase_led = story.showcase is not None and lead.pk == story.showcase.pk
    marked_keys = {n.key for n in marked}
    measures = _measures(reform)
    deliverables = [d for d in (reform.deliverables or "").rstrip("。").split("；") if d] or ["工作总结"]
    children = Counter(n.parent for n in plan)
    offsets: dict[int, int] = {}
    tasks: list[Task] = []
    for node in plan:
        measure = measures[node.index[0] % len(measures)]
        if node.key in marked_keys and showcase_led:
            unit = lead  # the showcase login's own overdue / behind work
        elif node.depth == 0:
            unit = rng.choice(co) if co and node.index[0] and rng.random() < 0.35 else lead
        elif node.depth == 1:
            unit = tasks[node.parent].unit if node.index[1] == 0 else rng.choice([lead, *co, *grassroots[:3]])
        else:
            offset = offsets.setdefault(node.parent, rng.randrange(len(grassroots)))
            unit = grassroots[(offset + node.index[2]) % len(grassroots)]
        siblings = children[node.parent]
        if node.depth == 0:
            title, deliverable = measure, deliverables[node.index[0] % len(deliverables)]
        elif node.depth == 1:
            stages = STAGES[min(3, siblings)]
            title = f"{_short(measure)}：{stages[node.index[1] % len(stages)]}"
            deliverable = STAGE_DELIVERABLES[min(3, siblings)][node.index[1] % len(stages)]
        else:
            title, deliverable = f"{unit.name}落实“{_short(measure)}”", f"{unit.name}工作台账"
        assignee = (story.users.get("unit") if showcase_led and unit == lead and node.key in marked_keys else None) or (
            story.assignee(rng, unit)
        )
        tasks.append(
            Task(
                reform=reform, district_id=reform.district_id, depth=node.depth, sort_order=node.order, title=title[:200],
                unit=unit, assignee=assignee, start_date=node.start, due_date=node.due, weight=node.weight,
                deliverable=deliverable, status=node.status, progress=node.progress, last_report_on=node.last_report,
                completed_on=node.completed_on,
            )
        )
    story.trees[reform.code] = _Tree(reform=reform, mood=mood, plan=plan, marked=marked, tasks=tasks)


def _insert_trees(story: _Story) -> None:
    """Every planned tree in three inserts, one per layer (parents first, for their ids and paths),
    recorded in the audit trail like the services record a new task."""
    trees = list(story.trees.values())
    for depth in range(3):
        layer = []
        for tree in trees:
            for node, task in zip(tree.plan, tree.tasks, strict=True):
                if node.depth != depth:
                    continue
                if node.parent is not None:
                    parent = tree.tasks[node.parent]
                    task.parent, task.path = parent, f"{parent.path}{parent.pk}/"
                layer.append(task)
        Task.objects.bulk_create(layer, batch_size=500)
    for tree in trees:
        for task in tree.tasks:
            story.changes.append(Change(AUDIT_ACTION, task, diff({}, {
                "reform": task.reform_id, "parent": task.parent_id, "title": task.title, "unit": task.unit_id,
                "assignee": task.assignee_id, "start_date": task.start_date, "due_date": task.due_date,
                "weight": task.weight, "deliverable": task.deliverable, "sort_order": task.sort_order,
            })))
        story.created["task_trees"] += 1
        story.created["tasks"] += len(tree.tasks)


def _report_points(rng: random.Random, node: Planned) -> list[tuple[dt.date, int]]:
    """The reports a leaf had: roughly monthly from its start to its last report, rising to its progress."""
    last = node.last_report
    assert last is not None
    span = max(0, (last - node.start).days)
    count = max(1, min(5, span // 30 + 1))
    points = []
    for i in range(1, count + 1):
        day = node.start + _days(round(span * i / count)) if i < count else last
        percent = node.progress if i == count else max(5, _round5(node.progress * i / count - rng.uniform(0, 5)))
        points.append((day, percent))
    return points


def _write_history(story: _Story) -> None:
    """The leaves' facts, and the reports (with evidence and help needed) that led to them."""
    today = story.today
    pending: list[tuple[ProgressReport, dt.datetime, str | None, str]] = []  # report, created, evidence kind, stage
    help_reports: dict[str, ProgressReport] = {}
    for code, tree in story.trees.items():
        rng = random.Random(f"{DEMO_SEED}-history-{code}")
        help_text = {c: text for c, text, _r in HISTORIC_HELP}.get(code)
        filed: dict[int, list[ProgressReport]] = {}
        for node, task in zip(tree.plan, tree.tasks, strict=True):
            if not node.leaf:
                continue
            if node.last_report is None:
                continue
            reporter = task.assignee or story.actor(task.unit)
            points = _report_points(rng, node)
            stage = task.title.split("：")[-1][:12]
            for i, (day, percent) in enumerate(points):
                last = i == len(points) - 1
                if not last and rng.random() < 0.08:  # a report returned, then filed again
                    early = max(node.start, day - _days(3))
                    returned = ProgressReport(
                        task=task, reporter=reporter, reported_on=early, percent=min(100, percent + 15),
                        text=REPORT_TEXTS[rng.randrange(len(REPORT_TEXTS))].format(n=rng.randint(2, 9), m=rng.randint(20, 300)),
                        status=Decision.RETURNED, reviewed_by=story.inspector, reviewed_at=story.at(day, rng),
                        review_comment=rng.choice(RETURN_COMMENTS),
                    )
                    pending.append((returned, story.at(early, rng), None, stage))
                done_report = last and node.status == TaskStatus.DONE
                status = Decision.ACCEPTED
                if last and not done_report and (today - day).days <= 10 and rng.random() < 0.45:
                    status = Decision.PENDING
                text = (
                    f"已完成全部工作任务，形成{task.deliverable or '工作成果'}，申请验收。" if done_report
                    else REPORT_TEXTS[rng.randrange(len(REPORT_TEXTS))].format(n=rng.randint(2, 9), m=rng.randint(20, 300))
                )
                reviewed = min(today, day + _days(rng.randint(1, 3)))
                report = ProgressReport(
                    task=task, reporter=reporter, reported_on=day, percent=percent, text=f"{text}累计完成{percent}%。",
                    problems=rng.choice(PROBLEMS) if not done_report and rng.random() < 0.3 else "",
                    status=status,
                    reviewed_by=(story.office if rng.random() < 0.4 else story.inspector) if status != Decision.PENDING else None,
                    reviewed_at=story.at(reviewed, rng) if status != Decision.PENDING else None,
                    review_comment=rng.choice(ACCEPT_COMMENTS) if status == Decision.ACCEPTED else "",
                )
                if done_report:
                    kind = rng.choice(("docx", "pdf", "xlsx")) if rng.random() < 0.6 else None
                else:
                    kind = rng.choice(("png", "pdf", "xlsx", "png")) if rng.random() < 0.18 else None
                pending.append((report, story.at(day, rng), kind, stage))
                filed.setdefault(node.key, []).append(report)
        if help_text and filed:
            # Help asked on the reform's troubled task (its last report), else earlier on a task on track.
            key = next((n.key for n in tree.marked if n.key in filed), None)
            standing = filed[key][-1] if key is not None else next(iter(filed.values()))[-2:][0]
            standing.help_needed = help_text
            help_reports[code] = standing
    reports = [r for r, _at, _k, _s in pending]
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    for report, created, _kind, _stage in pending:
        report.created_at = report.updated_at = created
    ProgressReport.objects.bulk_update(reports, ["created_at", "updated_at"], batch_size=100)
    story.created["reports"] += len(reports)
    for report, created, kind, stage in pending:
        story.changes.append(Change(AUDIT_ACTION, report, diff({}, {
            "task": report.task_id, "reported_on": report.reported_on, "percent": report.percent, "status": report.status,
        })))
        if kind is None:
            continue
        task = report.task
        upload = story.evidence_file(
            kind, title=f"{task.reform.code} {task.title}"[:60], stage=stage, seed=report.pk,
            lines=[f"责任单位：{task.unit.name}", f"报送日期：{report.reported_on.isoformat()}", f"完成进度：{report.percent}%",
                   report.text[:40]],
        )
        evidence = Evidence.objects.create(
            reform_id=task.reform_id, report=report, file=upload, name=upload.name, kind=kind, size=upload.size,
            uploaded_by=report.reporter,
        )
        Evidence.objects.filter(pk=evidence.pk).update(created_at=created, updated_at=created)
        story.changes.append(Change(AUDIT_ACTION, evidence, {"report": [None, report.pk], "name": [None, evidence.name]}))
        story.created["evidence_files"] += 1
    resolutions = {c: resolution for c, _t, resolution in HISTORIC_HELP}
    for code, report in help_reports.items():
        tree = story.trees[code]
        help_request = HelpRequest.objects.create(
            report=report, reform=tree.reform, district_id=story.district.pk, leader=story.help_leader(tree.reform),
            text=report.help_needed,
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(created_at=report.created_at, updated_at=report.created_at)
        notify.help_needed(help_request, task=report.task)
        story.changes.append(Change(AUDIT_ACTION, help_request, {"report": [None, report.pk], "leader": [None, help_request.leader_id]}))
        story.created["help_requests"] += 1
        if resolutions.get(code):
            story.to_resolve.append((help_request, resolutions[code]))


def _leaves(story: _Story, code: str, **filters) -> list[Task]:
    """The open leaf tasks of one reform, worst and soonest first."""
    qs = (
        Task.objects.filter(reform__district=story.district, reform__code=code, children__isnull=True, **filters)
        .exclude(status=TaskStatus.DONE)
        .select_related("reform", "reform__lead_unit", "unit", "assignee")
    )
    return sorted(qs, key=lambda t: (LEVEL_RANK[t.level], t.due_date, t.pk))


def _member(story: _Story, unit: Unit) -> User | None:
    people = story.members.get(unit.pk) or []
    if story.showcase is not None and unit.pk == story.showcase.pk:
        return story.users.get("unit") or (people[0] if people else None)
    return people[0] if people else None


def _backdate(story: _Story, obj, **values) -> None:
    before = {name: getattr(obj, name) for name in values}
    type(obj).objects.filter(pk=obj.pk).update(**values)
    story.changes.append(Change("demo.update", obj, diff(before, values)))


ORDERS = (
    # (days ago, reform codes, extra target unit suffixes, title, findings, acknowledged by all?)
    (35, ("LH-2018-ZD-02",), ("renewal",), "关于加快推进棚改回迁安置与社区融入改革的督查令",
     "回迁安置房配套设施建设滞后，部分任务已超过完成时限", True),
    (16, ("LH-2018-ZD-03",), ("civil",), "关于“民生首善区”四个层面民生改革逾期任务的督查令",
     "部分民生改革任务超过完成时限，进展报告不及时", True),
    (5, ("LH-2018-WG-054", "LH-2018-WG-015"), (), "关于东门街道微改革进度滞后的督查令",
     "“空间挖潜”“绿色低碳”两项微改革进度滞后于计划", False),
    (0, ("LH-2018-ZD-08",), ("data",), "关于加快查违“智慧监管”平台建设的督查令",
     "智慧监管平台建设需与数据共享工作同步推进", None),
)


def _todays_work(story: _Story) -> None:
    """Today's supervision, through the services: reports, reviews, help, orders, completion,
    change requests and an urging."""
    today, office, district = story.today, story.office, story.district
    rng = random.Random(f"{DEMO_SEED}-today")
    units = {u.code: u for u in Unit.objects.filter(district=district)}

    # The showcase login files a report on one of its tasks, with a photo.
    unit_user = story.users.get("unit")
    mine = [t for t in _leaves(story, "LH-2018-WG-070", status=TaskStatus.IN_PROGRESS) if unit_user and t.assignee_id == unit_user.pk]
    if mine:
        task = mine[0]
        photo = ContentFile(make_png(7), name="现场照片.png")
        report_services.submit_report(
            user=unit_user, task=task, percent=min(100, task.progress + 10),
            text="组织辖区物业服务企业召开党建联席会议，签订共建协议，累计完成阶段任务。", evidence=[photo],
        )
        story.created["reports_today"] += 1
    # A key reform's unit asks for help.
    asking = [t for t in _leaves(story, "LH-2018-ZD-05", status=TaskStatus.IN_PROGRESS) if t.level != "red"]
    for task in sorted(asking, key=lambda t: t.level != "green")[:1]:
        reporter = task.assignee or _member(story, task.unit)
        if reporter is not None:
            report_services.submit_report(
                user=reporter, task=task, percent=min(100, task.progress + 5),
                text="完成诉求分类标准和处置流程梳理，形成流程图初稿。", problems="市级民生诉求系统接口尚未开放。",
                help_needed="诉求平台需与市级“民生诉求”系统对接，请区政务服务数据管理局协调开放数据接口。",
            )
            story.created["reports_today"] += 1
    # The office reviews the oldest reports waiting for it: one accepted, one returned.
    waiting = list(
        ProgressReport.objects.filter(task__district=district, status=Decision.PENDING, reported_on__lt=today)
        .select_related("task")
        .order_by("reported_on", "pk")[:2]
    )
    for report, accept in zip(waiting, (True, False), strict=False):
        report_services.review_report(
            user=office, report=report, accept=accept, comment="材料齐全，同意。" if accept else RETURN_COMMENTS[0]
        )
        story.created["reviews_today"] += 1
    # Help given.
    for help_request, resolution in story.to_resolve:
        resolver = help_request.leader if help_request.leader_id else office
        help_services.resolve_help(user=resolver, help_request=help_request, resolution=resolution)
        story.created["help_resolved"] += 1

    # Supervision orders, oldest first so that their numbers follow their dates.
    for days_ago, codes, extra, title, findings, acknowledged in ORDERS:
        items = []
        for code in codes:
            leaves = _leaves(story, code)
            items += [(t, t.due_date) for t in leaves[: 2 if len(codes) == 1 else 1]]
        if not items:
            continue
        reform = items[0][0].reform
        targets = [reform.lead_unit] + [units[f"{district.code}-{s}"] for s in extra if f"{district.code}-{s}" in units]
        issued = max(today - _days(days_ago), dt.date(today.year, 1, 1))
        reply_by = max(issued + _days(10), today) if days_ago < 10 else issued + _days(10)
        body = (
            f"根据区委全面深化改革委员会工作部署，区委改革办近期对{reform.title}等改革事项推进情况进行了督查。"
            f"经查，{findings}。现就有关事项督办如下：\n"
            "一、请责任单位主要负责同志亲自研究部署，逐项明确责任人和完成时限；\n"
            "二、请按督查令所列任务和时限抓紧推进，并在系统中及时报送进展和佐证材料；\n"
            f"三、请于{reply_by.year}年{reply_by.month}月{reply_by.day}日前将整改落实情况书面报送区委改革办。"
        )
        order = order_services.issue_order(
            user=office, title=title, body=body, reply_by=max(reply_by, today), units=targets, items=items
        )
        story.created["orders"] += 1
        if issued != order.issued_on or reply_by != order.reply_by:
            _backdate(story, order, issued_on=issued, reply_by=reply_by)
        for n, target in enumerate(order.targets.select_related("unit").order_by("pk")):
            if acknowledged is False or (acknowledged is None and n > 0):
                continue
            signer = _member(story, target.unit)
            if signer is None:
                continue
            order_services.acknowledge_order(user=signer, order=order, unit=target.unit)
            if days_ago:
                signed = story.at(min(today, issued + _days(1 + n)), rng)
                _backdate(story, OrderTarget.objects.get(pk=target.pk), acknowledged_at=signed)

    # A completion application, its tasks all done.
    done = next((t for t in story.trees.values() if t.mood == DONE), None)
    if done is not None:
        reform = done.reform
        summary_lines = [f"{i + 1}. {m}：已完成。" for i, m in enumerate(_measures(reform))]
        summary = f"{reform.title}已按计划完成全部任务。" + "".join(summary_lines)
        paper = ContentFile(make_docx(f"{reform.title}工作总结", summary_lines), name="改革工作总结.docx")
        decision_services.apply_completion(user=story.actor(reform.lead_unit), reform=reform, summary=summary, evidence=[paper])
        story.created["completion_applications"] += 1

    # Change requests: one awaiting the office (a key reform), one approved with the committee.
    pending = Reform.objects.filter(district=district, code="LH-2018-ZD-05").select_related("lead_unit").first()
    if pending is not None and _member(story, pending.lead_unit):
        letter = ContentFile(
            make_pdf("关于民生诉求系统对接事项的复函", ["市级民生诉求系统接口改造计划于明年一季度完成。", "请区级平台做好对接准备。"]),
            name="市级系统对接复函.pdf",
        )
        decision_services.request_change(
            user=_member(story, pending.lead_unit), reform=pending,
            proposed={
                "due_date": month_end(pending.due_date, 3),
                "measures": pending.measures.rstrip("。") + "；五是引入第三方机构评估诉求处置满意度。",
            },
            reason="诉求平台需与市级系统对接，市级接口改造计划于明年一季度完成，申请将完成时限顺延三个月，并增加满意度评估措施。",
            evidence=[letter],
        )
        story.created["change_requests"] += 1
    approved = Reform.objects.filter(district=district, code="LH-2018-ZD-08").select_related("lead_unit").first()
    if approved is not None and _member(story, approved.lead_unit):
        request = decision_services.request_change(
            user=_member(story, approved.lead_unit), reform=approved,
            proposed={"deliverables": approved.deliverables.rstrip("。") + "；违法建筑智慧监管平台运行报告。"},
            reason="智慧监管平台已纳入全区数据共享工程，建议将平台运行报告列为改革成果。",
        )
        decision_services.decide_change(
            user=office, change_request=request, approve=True, note="同意调整。",
            committee_meeting=f"区委全面深化改革委员会{today.year}年第{1 + today.month // 3}次会议",
        )
        story.created["change_requests"] += 1

    # The office urges the showcase sub-district about its overdue task.
    for task in _leaves(story, "LH-2018-WG-054", level="red")[:1]:
        report_services.urge(
            user=office, task=task,
            message=f"“{task.title}”已超过完成时限，请于三个工作日内报送逾期原因、整改措施和完成时间。",
        )
        story.created["urgings"] += 1
