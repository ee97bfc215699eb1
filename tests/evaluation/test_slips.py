"""Paper slips from Excel: imported whole or not at all, every problem named by row and column, the
same file refused twice, the template filled in and imported back."""

import io
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from reformledger.core.models import AuditEntry
from reformledger.evaluation.models import Channel, CommentStatus, PaperSlipImport, Rating
from reformledger.evaluation.services import slips as slip_services
from reformledger.evaluation.services import tallies
from tests.evaluation.factories import RoundFactory, add_reforms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages in English whatever an earlier test left active (zh-Hans is the default)."""
    with translation.override("en"):
        yield

HEADER = ["票号", "改革编号", "社区", "满意度", "获得感", "意见建议"]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def round_(district, people, reform_factory):
    found = RoundFactory(district=district.district, created_by=people.office)
    add_reforms(found, [reform_factory(code="R-1"), reform_factory(code="R-2")])
    return found


def test_import(round_, people, district):
    data = workbook([
        ["0001", "R-1", "松园社区", 5, 4, "<script>alert(1)</script>"],
        ["0001", "R-2", "lh-guiyuan-c1", 3, 3, None],
        [2, "R-1", "黄贝街道", 4.0, "5", ""],
        [None, None, None, None, None, None],  # a blank row is skipped
    ])
    record = slip_services.import_slips(user=people.office, round=round_, file_name="第一批.xlsx", data=data)
    assert record.rows == 3
    stored = list(Rating.objects.filter(slip=record).order_by("slip_number", "reform__code"))
    assert [(r.slip_number, r.reform.code, r.score_1, r.score_2) for r in stored] == [
        ("0001", "R-1", 5, 4), ("0001", "R-2", 3, 3), ("2", "R-1", 4, 5),
    ]
    assert {r.channel for r in stored} == {Channel.PAPER}
    assert stored[0].community_id == district.community_a.pk and stored[2].community_id == district.sub_b.pk
    assert stored[0].comment_status == CommentStatus.PENDING and stored[1].comment_status == CommentStatus.NONE
    entry = AuditEntry.objects.get(action="evaluation.slips.import")
    assert entry.changes["rows"] == 3 and entry.changes["slips"] == 2
    with pytest.raises(ValidationError) as caught:
        slip_services.import_slips(user=people.office, round=round_, file_name="again.xlsx", data=data)
    assert "imported already" in caught.value.message_dict["file"][0]
    assert Rating.objects.count() == 3
    assert tallies.disagreements(round=round_) == []  # the import counted its ratings, the refusal nothing


def test_bad_rows_store_nothing_and_are_named(round_, people):
    data = workbook([
        ["1", "R-1", "松园社区", 5, 4, ""],
        ["2", "R-9", "松园社区", 5, 4, ""],  # row 3: unknown reform
        ["3", "R-1", "火星社区", 6, "", ""],  # row 4: unknown community, 6, missing score
        ["4", "R-1", "松园社区", "=2+3", 4, ""],  # row 5: a formula
        ["1", "R-1", "松园社区", 5, 4, ""],  # row 6: slip 1 rates R-1 twice
        ["", "R-2", "松园社区", 5, 4, "x" * 3000],  # row 7: no slip number, comment too long
    ])
    with pytest.raises(slip_services.SlipProblems) as caught:
        slip_services.import_slips(user=people.office, round=round_, file_name="bad.xlsx", data=data)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (3, "改革编号"), (4, "社区"), (4, "满意度"), (4, "获得感"), (5, "满意度"), (6, "票号"), (7, "票号"), (7, "意见建议"),
    }
    assert not Rating.objects.exists() and not PaperSlipImport.objects.exists()


def test_header_problems(round_, people):
    data = workbook([["1", "R-1", "松园社区", 5, ""]], header=["票号", "改革编号", "社区", "满意度", "颜值"])
    with pytest.raises(slip_services.SlipProblems) as caught:
        slip_services.import_slips(user=people.office, round=round_, file_name="h.xlsx", data=data)
    messages = " ".join(p.message for p in caught.value.problems)
    assert "颜值" in messages and "获得感" in messages


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04 broken zip"])
def test_not_a_workbook(round_, people, data):
    with pytest.raises(ValidationError) as caught:
        slip_services.import_slips(user=people.office, round=round_, file_name="x.xlsx", data=data)
    assert "file" in caught.value.message_dict


def test_rights_and_round_state(round_, people, other_people, province_office):
    data = workbook([["1", "R-1", "松园社区", 5, 4, ""]])
    for who in (province_office, other_people.office, people.unit_staff):
        with pytest.raises(PermissionDenied):
            slip_services.import_slips(user=who, round=round_, file_name="x.xlsx", data=data)
    round_.published_at = timezone.now()
    round_.save()
    with pytest.raises(ValidationError) as caught:
        slip_services.import_slips(user=people.office, round=round_, file_name="x.xlsx", data=data)
    assert "round" in caught.value.message_dict


def test_template_round_trip_and_pages(round_, client_for, people, province_office, other_people):
    client = client_for(people.office)
    template = client.get(f"/evaluation/rounds/{round_.pk}/slips/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    out = io.BytesIO()
    book.save(out)  # the two example rows, as the office would leave them
    upload = io.BytesIO(out.getvalue())
    upload.name = "filled.xlsx"
    answer = client.post(f"/evaluation/rounds/{round_.pk}/slips/", {"file": upload})
    assert answer.status_code == 302
    assert Rating.objects.filter(channel=Channel.PAPER).count() == 2
    bad = io.BytesIO(workbook([["1", "R-9", "松园社区", 5, 4, ""]]))
    bad.name = "bad.xlsx"
    page = client.post(f"/evaluation/rounds/{round_.pk}/slips/", {"file": bad})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Nothing was imported" in html and "改革编号" in html and "R-9" in html
    assert client_for(province_office).get(f"/evaluation/rounds/{round_.pk}/slips/").status_code == 200
    assert client_for(province_office).post(f"/evaluation/rounds/{round_.pk}/slips/", {}).status_code == 403
    assert client_for(other_people.office).get(f"/evaluation/rounds/{round_.pk}/slips/").status_code == 404


@pytest.mark.timed
def test_five_thousand_rows_quickly(round_, people):
    rows = [[f"{i:05d}", "R-1" if i % 2 else "R-2", "松园社区", 1 + i % 5, 1 + (i * 7) % 5, ""] for i in range(5000)]
    data = workbook(rows)
    started = time.perf_counter()
    record = slip_services.import_slips(user=people.office, round=round_, file_name="big.xlsx", data=data)
    assert record.rows == 5000
    assert time.perf_counter() - started < 15
