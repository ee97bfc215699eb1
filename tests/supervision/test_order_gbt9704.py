"""The order's Word file follows GB/T 9704 (issue 8 part 5, finding 7: no page numbers, no 版记):
the footer holds a PAGE field between two dashes (— 1 —), odd pages right and even pages left;
the 版记 at the end names the units copied (抄送) and the issuing office with the date (印发); the
task table shows both deadlines and where each task stands. Read with python-docx and zipfile."""

import io
import re
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.documents import BulletinDocument
from reformledger.supervision.services import orders as order_services

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db
CN_TODAY = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"
OFFICE = "中共罗湖区委全面深化改革委员会办公室"


@pytest.fixture
def order(people, district, reform, add_task, add_red):
    on_track = add_task(reform, title="梳理不动产登记全流程", due_date=days(60))
    late = add_red(reform, title="建设一窗受理平台", unit=district.sub_b, late=4)
    return order_services.issue_order(
        user=people.office, title="关于加快推进不动产登记改革的督查令", reply_by=days(7),
        units=[district.sub_a], cc_units=[district.department, district.community_a],
        items=[(on_track, days(30)), (late, days(10))],
    )


def docx_of(client, order) -> bytes:
    response = client.get(reverse("supervision:order-docx", args=[order.pk]))
    assert response.status_code == 200
    return response.content


def parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")}


def test_the_footer_holds_page_numbers_odd_right_and_even_left(client_for, people, order):
    content = docx_of(client_for(people.office), order)
    xml = parts(content)
    footers = {name: text for name, text in xml.items() if re.match(r"word/footer\d+\.xml", name)}
    assert len(footers) == 2
    for text in footers.values():
        assert "PAGE" in re.sub(r"<[^>]+>", " ", text.split("instrText", 1)[1])  # the field's instruction
        assert 'w:fldCharType="begin"' in text and 'w:fldCharType="end"' in text
        assert "— " in text and " —" in text
    assert "<w:evenAndOddHeaders" in xml["word/settings.xml"]
    section = Document(io.BytesIO(content)).sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (2, 0)  # right, left
    assert odd.text == even.text == "— 1 —"
    assert section.footer_distance is not None


def test_the_colophon_names_the_copies_and_who_issued_it_when(client_for, people, district, order):
    document = Document(io.BytesIO(docx_of(client_for(people.office), order)))
    lines = [p for p in document.paragraphs if p.text.strip()]
    cc, printed = lines[-2], lines[-1]
    assert cc.text.strip().startswith("抄送：") and cc.text.strip().endswith("。")
    assert set(cc.text.strip()[3:-1].split("，")) == {district.department.name, district.community_a.name}
    assert printed.text.strip().replace("\t", " ") == f"{OFFICE} {CN_TODAY}印发"
    # Rules: thick above 抄送, thin between, thick below 印发 (GB/T 9704's 版记 lines).
    top = cc._p.pPr.find(qn("w:pBdr")).find(qn("w:top"))
    between = cc._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    bottom = printed._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert int(top.get(qn("w:sz"))) > int(between.get(qn("w:sz"))) and int(bottom.get(qn("w:sz"))) == int(top.get(qn("w:sz")))
    # 成文日期 in Chinese under the office, before the 版记.
    assert [p.text for p in lines[-4:-2]] == [OFFICE, CN_TODAY]


def test_without_copies_the_colophon_has_only_the_issuing_line(client_for, people, district):
    order = order_services.issue_order(user=people.office, title="督查令", reply_by=days(3), units=[district.sub_a])
    document = Document(io.BytesIO(docx_of(client_for(people.office), order)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "抄送" not in text
    last = [p for p in document.paragraphs if p.text.strip()][-1]
    borders = last._p.pPr.find(qn("w:pBdr"))
    assert last.text.strip().endswith("印发") and borders.find(qn("w:top")) is not None and borders.find(qn("w:bottom")) is not None


def test_the_header_number_title_and_addressees(client_for, people, district, order):
    document = Document(io.BytesIO(docx_of(client_for(people.office), order)))
    lines = [p.text for p in document.paragraphs if p.text]
    assert lines[:4] == [OFFICE, "改革督查令", order.code, order.title]  # 发文机关标志, 文号, 标题
    assert re.fullmatch(r"罗改督〔\d{4}〕\d+号", order.code)
    addressees = next(line for line in lines if line.startswith("主送："))
    assert set(addressees.removeprefix("主送：").split("、")) == {district.sub_a.name, district.sub_b.name}
    assert district.department.name not in addressees  # copied, not addressed


def test_the_task_table_has_both_deadlines_and_where_each_task_stands(client_for, people, order):
    document = Document(io.BytesIO(docx_of(client_for(people.office), order)))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务", "责任单位", "原定完成时限", "督办时限"]
    late = [c.text for c in table.rows[2].cells]
    assert late[1].startswith("建设一窗受理平台") and "逾期4天" in late[1] and "红色预警" in late[1]
    assert late[3] == f"{days(-4).year}年{days(-4).month}月{days(-4).day}日"
    assert late[4] == f"{days(10).year}年{days(10).month}月{days(10).day}日"
    assert order.items.get(task__title="建设一窗受理平台").task.due_date == days(-4)


def test_the_bulletin_has_page_numbers_too(people, district, order):
    content = BulletinDocument(make_bulletin(period=Period.of(TODAY), district=district.district)).render()
    footers = [text for name, text in parts(content).items() if re.match(r"word/footer\d+\.xml", name)]
    assert len(footers) == 2 and all("PAGE" in text for text in footers)
