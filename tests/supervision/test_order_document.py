"""The supervision order as a Word document, and the order numbers (per district and year)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from reformledger.supervision.models import Order
from reformledger.supervision.services import orders as order_services
from tests.factories import OrderFactory

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db



def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def order(people, district, reform, add_task):
    first = add_task(reform, title="梳理不动产登记全流程", due_date=days(60))
    second = add_task(reform, title="建设一窗受理平台", unit=district.sub_b, due_date=days(90))
    return order_services.issue_order(
        user=people.office, title="关于加快推进不动产登记改革的督查令", reply_by=days(7),
        body="根据区委深改委部署，现将有关任务交由你单位督办落实。\n请高度重视，确保按期完成。",
        units=[district.department], items=[(first, days(30)), (second, None)],
    )


def test_the_order_downloads_as_a_word_document_in_the_government_layout(client_for, people, district, order):
    response = client_for(people.office).get(reverse("supervision:order-docx", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = all_text(document)
    lines = [p.text for p in document.paragraphs if p.text]
    # Masthead from the district's name, the kind, the number under it, the title.
    assert lines[0] == "中共罗湖区委全面深化改革委员会办公室"
    assert lines[1] == "改革督查令"
    assert lines[2] == f"罗改督〔{TODAY.year}〕1号" == order.code
    assert lines[3] == "关于加快推进不动产登记改革的督查令"
    # Addressees: the chosen unit and the tasks' units.
    addressees = next(line for line in lines if line.startswith("主送："))
    assert {"区卫生健康局", "桂园街道", "黄贝街道"} == set(addressees.removeprefix("主送：").split("、"))
    assert "请高度重视，确保按期完成。" in text
    # The tasks' table: 序号, 任务, 责任单位, the task's own due date and the order's (issue 8 part 2).
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "任务", "责任单位", "原定完成时限", "督办时限"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0][0] == "1" and rows[0][1].startswith("梳理不动产登记全流程") and rows[0][2] == "桂园街道"
    assert rows[0][3] == f"{days(60).year}年{days(60).month}月{days(60).day}日"
    assert rows[0][4] == f"{days(30).year}年{days(30).month}月{days(30).day}日"
    assert rows[1][1].startswith("建设一窗受理平台") and rows[1][2] == "黄贝街道"
    # Reply-by sentence, the issuing office (its short name from the office unit) and the date bottom-right.
    reply = f"{order.reply_by.year}年{order.reply_by.month}月{order.reply_by.day}日前签收本督查令"
    assert any(reply in line and "区委改革办" in line for line in lines)
    signature = [p for p in document.paragraphs if p.text][-3:-1]  # the 版记 (印发) follows: see test_order_gbt9704
    assert [p.text for p in signature] == ["中共罗湖区委全面深化改革委员会办公室", f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"]
    assert signature[-1].alignment == 2  # right


def test_the_document_is_a4_with_chinese_fonts_on_east_asian_runs(client_for, people, order):
    response = client_for(people.office).get(reverse("supervision:order-docx", args=[order.pk]))
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    masthead = document.paragraphs[0].runs[0]
    fonts = masthead._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert masthead.font.color.rgb is not None and str(masthead.font.color.rgb) != "000000"  # red
    title = next(p for p in document.paragraphs if p.text == order.title)
    assert title.runs[0].font.bold and title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.alignment == 1  # centred
    body = next(p for p in document.paragraphs if p.text.startswith("根据区委深改委部署"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # The red rule under the number, and the fallbacks recorded in the font table.
    number = next(p for p in document.paragraphs if p.text == order.code)
    assert number._p.pPr.find(qn("w:pBdr")) is not None
    font_table = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    assert b"SimSun" in font_table.blob and "方正小标宋简体".encode() in font_table.blob
    assert round(section.left_margin.mm) == 28


def test_numbers_increment_per_district_and_year(client_for, people, district, other_district, other_people, settings):
    other_unit = other_district.street
    # Last year's orders do not count towards this year's numbers.
    OrderFactory(district=district.district, year=TODAY.year - 1, number=9, title="去年的督查令", issued_by=people.office,
                 issued_on=days(-400), reply_by=days(-390))
    client = client_for(people.office)
    for i in range(3):
        response = client.post(reverse("supervision:order-new"), {"title": f"督查令{i}", "reply_by": days(5).isoformat(),
                                                                  "units": [district.sub_a.pk]})
        assert response.status_code == 302
    # Each district numbers its own orders (under its own prefix: codes are unique across districts).
    settings.ORDER_PREFIX = "福改督"
    elsewhere = order_services.issue_order(user=other_people.office, title="福田的", reply_by=days(5), units=[other_unit])
    numbers = list(Order.objects.filter(district=district.district, year=TODAY.year).order_by("number").values_list("code", flat=True))
    assert numbers == [f"罗改督〔{TODAY.year}〕{n}号" for n in (1, 2, 3)]
    assert elsewhere.number == 1 and elsewhere.year == TODAY.year and elsewhere.code == f"福改督〔{TODAY.year}〕1号"


def test_an_order_to_the_units_of_two_districts_is_refused(people, district, other_district):
    other_unit = other_district.street
    with pytest.raises(ValidationError) as exc:
        order_services.issue_order(user=people.office, title="t", reply_by=days(5), units=[district.sub_a, other_unit])
    assert "units" in exc.value.message_dict
    assert not Order.objects.exists()


def test_the_page_offers_only_the_office_districts_units(client_for, people, district, other_district):
    html = client_for(people.office).get(reverse("supervision:order-new")).content.decode()
    assert "桂园街道" in html and "园岭街道" not in html
