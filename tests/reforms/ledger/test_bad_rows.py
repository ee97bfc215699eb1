"""Every kind of bad row rejects the whole file, naming the row and the column; nothing is written."""

import datetime as dt

import pytest

from reformledger.reforms.ledger.applying import import_ledger
from reformledger.reforms.ledger.format import COLUMNS, HEADER
from reformledger.reforms.models import Reform
from tests.factories import UserFactory

from .conftest import counts, good_row, write

BAD_ROWS = [
    # (what, overrides, column header, part of the message)
    ("unknown lead unit", {"lead_unit": "不存在街道"}, "牵头单位", "There is no unit 不存在街道 in 罗湖区"),
    ("unknown co-unit", {"co_units": "黄贝街道、无此社区"}, "配合单位", "There is no unit 无此社区"),
    (
        "lead unit of another district",
        {"lead_unit": "ft-street"},
        "牵头单位",
        "belongs to 福田区, not to 罗湖区",
    ),
    ("lead unit also a co-unit", {"co_units": "桂园街道"}, "配合单位", "cannot also be a co-unit"),
    ("co-unit of another district", {"co_units": "黄贝街道、ft-street"}, "配合单位", "belongs to 福田区, not to 罗湖区"),
    (
        "responsible leader who is neither leader nor unit head",
        {"responsible_leader": "resident"},
        "责任领导",
        "must be an active district leader or unit head",
    ),
    (
        "unknown leader",
        {"responsible_leader": "无名氏"},
        "责任领导",
        "no person with the username or full name 无名氏",
    ),
    (
        "ambiguous leader",
        {"responsible_leader": "王芳"},
        "责任领导",
        "write the username instead (wangfang1, wangfang2)",
    ),
    ("unknown domain", {"domain": "太空探索"}, "改革领域", "There is no domain 太空探索"),
    ("completed below 100%", {"status": "已完成", "progress": 55}, "进度(%)", "A completed reform is at 100%; this row says 55%"),
    ("unknown district", {"district": "火星区"}, "所属区", "There is no district 火星区"),
    ("impossible date", {"start_date": "2019-02-30"}, "开始日期", "is not a date"),
    ("text that is no date", {"due_date": "年底前"}, "完成时限", "年底前 is not a date"),
    ("number that is no date", {"due_date": 2019}, "完成时限", "is not a date"),
    (
        "due before start",
        {"start_date": dt.date(2019, 6, 1), "due_date": "2019/5/31"},
        "完成时限",
        "The due date May 31, 2019 is before the start date June 1, 2019",  # in the reader's format
    ),
    ("progress above 100", {"progress": 120}, "进度(%)", "from 0 to 100"),
    ("negative progress", {"progress": -5}, "进度(%)", "from 0 to 100"),
    ("progress as a fraction", {"progress": 0.5}, "进度(%)", "50, not 0.5"),
    ("progress not a number", {"progress": "过半"}, "进度(%)", "过半 is not a number"),
    ("unknown tier", {"tier": "超级改革"}, "层级", "Unknown tier 超级改革"),
    ("unknown status", {"status": "进行中"}, "状态", "Unknown status 进行中"),
    (
        "upper tier without source level",
        {"tier": "上级任务", "source_level": ""},
        "上级任务来源",
        "needs its source level",
    ),
    (
        "unknown source level",
        {"tier": "上级任务", "source_level": "县级"},
        "上级任务来源",
        "Unknown source level 县级",
    ),
    ("year not a year", {"year": "19"}, "年度", "is not a year"),
    ("code too long", {"code": "X" * 41}, "编号", "At most 40 characters"),
] + [
    (f"missing {key}", {key: ""}, HEADER[key], "must not be empty")
    for key in ("code", "title", "tier", "year", "district", "domain", "lead_unit")
]


@pytest.fixture
def namesakes(db):
    """Two people of one full name: a name that does not say who."""
    UserFactory(username="wangfang1", full_name="王芳")
    UserFactory(username="wangfang2", full_name="王芳")


@pytest.mark.parametrize(
    ("what", "overrides", "header", "message"), BAD_ROWS, ids=[row[0] for row in BAD_ROWS]
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "apply"])
def test_bad_row_rejects_the_file_naming_row_and_column(
    what, overrides, header, message, dry_run, catalogue, other_district, namesakes, people, tmp_path
):
    path = write(
        tmp_path / "bad.xlsx", [good_row(code="OK-001"), good_row(**{"code": "BAD-001", **overrides})]
    )
    before = counts()
    result = import_ledger(user=people.office, source=path, dry_run=dry_run)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(3, header)], [str(p) for p in result.problems]
    assert message in result.problems[0].message
    assert str(result.problems[0]).startswith(f"Row 3 [{header}]: ")
    assert counts() == before
    assert not Reform.objects.filter(code="OK-001").exists()


def test_duplicate_code_in_the_file_names_both_rows(people, district, tmp_path):
    path = write(tmp_path / "dup.xlsx", [good_row(), good_row(code="NEW-002"), good_row()])
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(4, "编号")]
    assert "The code NEW-001 already appears on row 2" in result.problems[0].message
    assert not Reform.objects.exists()


def test_every_problem_of_every_row_is_reported_at_once(people, district, tmp_path):
    path = write(
        tmp_path / "many.xlsx",
        [
            good_row(code="A", lead_unit="无此单位", progress=101),
            good_row(code="B"),
            good_row(code="C", tier="?", status="?", start_date="?"),
        ],
    )
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert sorted((p.row, p.column) for p in result.problems) == [
        (2, "牵头单位"),
        (2, "进度(%)"),
        (4, "层级"),
        (4, "开始日期"),
        (4, "状态"),
    ]
    assert counts() == before


def test_problem_against_stored_values_when_a_column_is_left_out(catalogue, people, tmp_path):
    """Without the start-date column, a due date before the stored start date is still refused."""
    header = [c.header for c in COLUMNS if c.key != "start_date"]
    row = dict(zip([c.key for c in COLUMNS], good_row(code="ZD-2018-01"), strict=True))
    row["due_date"] = dt.date(2017, 12, 31)  # the stored start date is 2018-01-01
    path = write(
        tmp_path / "partial.xlsx", [[row[c.key] for c in COLUMNS if c.key != "start_date"]], header
    )
    before = counts()
    result = import_ledger(user=people.office, source=path)
    assert [(p.row, p.column) for p in result.problems] == [(2, "完成时限")]
    assert counts() == before
