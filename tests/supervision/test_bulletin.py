"""The supervision bulletin (督查通报, issue 3 part 8): its figures, the Word and Excel files, the
``bulletin`` command and the office's page."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from reformledger.org.models import Role
from reformledger.reforms.models import Tier
from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.documents import BulletinDocument
from reformledger.supervision.models import Level
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import reports as report_services
from tests.factories import MembershipFactory

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db
PERIOD = Period.of(TODAY)
PAGE = reverse("supervision:bulletin")



@pytest.fixture
def spread(people, district, other_district, other_people, reform, reform_factory, add_task):
    """A district with one task at every level, completions on time this month, an order, and a
    red task in another district that a district's bulletin must not count."""
    # Who reports for the department and the community.
    dept_head = MembershipFactory(user=people.leader_domain, unit=district.department, role=Role.UNIT_HEAD).user
    MembershipFactory(user=dept_head, unit=district.community_a, role=Role.UNIT_HEAD)
    red = add_task(reform, title="逾期的任务", start_date=days(-60), due_date=days(-3))
    amber = add_task(reform, title="落后的任务", unit=district.sub_b, start_date=days(-20), due_date=days(3))
    parent = add_task(reform, title="父任务", due_date=days(90))
    green = add_task(reform, parent=parent, title="正常的任务", due_date=days(60))
    done = add_task(reform, title="按时完成的任务", unit=district.department, due_date=days(30))
    key = reform_factory(code="SV-2", title="社区治理改革", tier=Tier.KEY, lead_unit=district.department,
                         start_date=days(-100), due_date=days(100))
    done2 = add_task(key, title="社区任务", unit=district.community_a, due_date=days(20))
    for task in (done, done2):
        report_services.submit_report(user=dept_head, task=task, percent=100, text="完成")
        report_services.review_report(user=people.office, report=task.reports.get(), accept=True)
    report_services.submit_report(user=people.unit_staff, task=green, percent=10, text="开始")
    order = order_services.issue_order(user=people.office, title="督查令一", reply_by=days(5), units=[district.sub_a, district.sub_b])
    order_services.acknowledge_order(user=people.unit_staff, order=order)
    # Another district: a red task and an order that the district's bulletin leaves out.
    ft, ft_unit = other_district
    far = reform_factory(code="FT-1", lead_unit=ft_unit, district=ft, start_date=days(-100), due_date=days(100))
    add_task(far, title="福田的逾期任务", unit=ft_unit, start_date=days(-50), due_date=days(-10), user=other_people.office)
    return {"red": red, "amber": amber, "green": green, "parent": parent, "done": done, "done2": done2, "order": order,
            "other": ft}


# --- the figures ------------------------------------------------------------------------------------


def test_the_figures_of_a_district(district, spread):
    b = make_bulletin(period=PERIOD, district=district.district)
    assert b.reform_total == 2
    assert {r.tier: r.total for r in b.reforms} == {"upper": 0, "key": 1, "micro": 1}
    assert {r.tier: r.counts["in_progress"] for r in b.reforms} == {"upper": 0, "key": 1, "micro": 1}
    # Leaf tasks only (the parent is the roll-up of its child).
    assert b.levels == {Level.RED: 1, Level.AMBER: 1, Level.GREEN: 1, Level.PAUSED: 0, Level.DONE: 2}
    assert [(g.unit_name, [r.title for r in g.rows]) for g in b.red] == [("桂园街道", ["逾期的任务"])]
    assert [(g.unit_name, [r.title for r in g.rows]) for g in b.amber] == [("黄贝街道", ["落后的任务"])]
    assert b.red[0].rows[0].reason == "overdue"
    # Praised: completed on time this month and no red work; named: red work, with overdue counts.
    assert [(p.name, p.on_time) for p in b.praised] == [("松园社区", 1), ("区卫生健康局", 1)]  # then by unit order
    assert [(n.name, n.red, n.overdue, n.longest_days) for n in b.named] == [("桂园街道", 1, 1, 3)]
    assert (b.completed, b.completed_on_time) == (2, 2)
    assert (b.reports, b.reports_accepted) == (3, 2)
    assert [(o.code, o.targets, o.acknowledged, o.pending_units) for o in b.orders] == [
        (spread["order"].code, 2, 1, ["黄贝街道"])
    ]


def test_every_district_when_none_is_named(district, spread):
    b = make_bulletin(period=PERIOD)
    assert b.levels[Level.RED] == 2 and b.reform_total == 3
    assert {g.unit_name for g in b.red} == {"桂园街道", "园岭街道"}


def test_another_month_counts_no_flow_but_the_same_state(district, spread):
    b = make_bulletin(period=PERIOD.previous(), district=district.district)
    assert (b.completed, b.reports, len(b.orders), b.praised) == (0, 0, 0, [])
    assert b.levels[Level.RED] == 1  # warnings as they stand when the bulletin is made


def test_the_figures_take_the_same_queries_for_few_and_many_tasks(people, district, reform, add_task):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            make_bulletin(period=PERIOD, district=district.district)
        return len(ctx.captured_queries)

    add_task(reform, title="逾期", start_date=days(-60), due_date=days(-3))
    order_services.issue_order(user=people.office, title="o", reply_by=days(5), units=[district.sub_a])
    few = count()
    for i in range(20):
        add_task(reform, title=f"逾期{i}", unit=district.sub_b if i % 2 else district.department,
                 start_date=days(-60), due_date=days(-1 - i))
        order_services.issue_order(user=people.office, title=f"o{i}", reply_by=days(5), units=[district.sub_b])
    assert count() == few
    b = make_bulletin(period=PERIOD, district=district.district, limit=5)
    assert b.levels[Level.RED] == 21 and sum(len(g.rows) for g in b.red) == 5


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "november", "", "2026-00"])
def test_a_bad_period_is_refused(text):
    with pytest.raises(ValidationError) as exc:
        Period.parse(text)
    assert "period" in exc.value.message_dict


def test_periods():
    assert Period.parse("2024-02").last == dt.date(2024, 2, 29)
    assert Period.parse("2026-01").previous() == Period(2025, 12)
    assert str(Period(2026, 3)) == "2026-03"


# --- the files and the command -------------------------------------------------------------------


def test_the_command_writes_a_word_bulletin(district, spread, tmp_path):
    out = tmp_path / "通报.docx"
    call_command("bulletin", "--period", PERIOD.code, "--format", "docx", "--out", str(out), "--district", "lh")
    document = Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert document.paragraphs[0].text == "改革督查通报"
    assert f"（{PERIOD.year}年{PERIOD.month}月）" in text
    for heading in ("一、总体情况", "二、红色预警事项", "三、黄色预警事项", "四、表扬单位", "五、点名通报单位", "六、改革督查令签收情况"):
        assert heading in text
    assert "改革事项共2项" in text and "其中推进中2项、已完成0项" in text and "红色预警1个、黄色预警1个" in text
    assert "（一）桂园街道（1项）" in cells and "（一）黄贝街道（1项）" in cells  # a unit's row over its tasks
    assert "逾期的任务" in cells and "逾期3天" in cells
    assert "区卫生健康局" in cells and "松园社区" in cells  # praised
    assert spread["order"].code in cells and "1/2" in cells and "黄贝街道" in cells
    assert "福田的逾期任务" not in cells  # another district
    assert text.rstrip().endswith(f"{TODAY.year}年{TODAY.month}月{TODAY.day}日")


def test_the_word_bulletin_lists_the_first_tasks_and_points_to_the_excel_one(district, spread, tmp_path, monkeypatch,
                                                                            add_task, reform):
    add_task(reform, title="另一项逾期任务", unit=district.sub_b, start_date=days(-60), due_date=days(-5))
    monkeypatch.setattr(BulletinDocument, "list_limit", 1)
    document = Document(io.BytesIO(BulletinDocument(make_bulletin(period=PERIOD, district=district.district)).render()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "共2项，以下列出前1项，完整清单见本期通报的Excel版。" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "逾期的任务" in cells and "另一项逾期任务" not in cells


def test_the_command_writes_an_excel_bulletin(district, spread, tmp_path):
    out = tmp_path / "bulletin.xlsx"
    call_command("bulletin", period=PERIOD.code, kind="xlsx", out=str(out), district="lh")
    workbook = load_workbook(out)
    # issue 8 part 1: the month's lateness has its own sheet
    assert workbook.sheetnames == ["总体情况", "红色预警", "黄色预警", "表扬单位", "点名通报单位", "本月逾期", "督查令签收"]
    red = workbook["红色预警"]
    assert [c.value for c in red[1]] == ["责任单位", "任务", "改革编号", "所属改革", "完成时限", "预警说明"]
    assert red[1][0].font.bold and red.column_dimensions["B"].width == 40
    assert [c.value for c in red[2]][:3] == ["桂园街道", "逾期的任务", "SV-1"]
    assert red.max_row == 2
    summary = workbook["总体情况"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    assert ["合计", 0, 0, 0, 2, 0, 0, 0, 2] in values
    assert ["红色预警", 1] in [row[:2] for row in values] and ["已完成", 2] in [row[:2] for row in values]
    praised = workbook["表扬单位"]
    assert [[c.value for c in row] for row in praised.iter_rows(min_row=2)] == [[1, "松园社区", 1], [2, "区卫生健康局", 1]]
    named = workbook["点名通报单位"]
    assert [c.value for c in named[2]] == [1, "桂园街道", 1, 1, 3]
    orders = workbook["督查令签收"]
    assert [c.value for c in orders[2]][4:] == [2, 1, "黄贝街道"]


def test_the_whole_database_when_no_district_is_named(spread, tmp_path):
    out = tmp_path / "all.xlsx"
    call_command("bulletin", "--period", PERIOD.code, "--format", "xlsx", "--out", str(out))
    titles = [row[1].value for row in load_workbook(out)["红色预警"].iter_rows(min_row=2)]
    assert sorted(titles) == ["福田的逾期任务", "逾期的任务"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13", "--format", "docx"], "YYYY-MM"),
        (["--period", "2026/11", "--format", "docx"], "YYYY-MM"),
        (["--period", "2026-11", "--format", "pdf"], "docx or xlsx"),
        (["--period", "2026-11", "--format", "docx", "--district", "nowhere"], "no unit with the code nowhere"),
        (["--period", "2026-11", "--format", "docx", "--district", "lh-guiyuan"], "lh-guiyuan is not a district"),
    ],
)
def test_bad_arguments_are_command_errors(district, tmp_path, args, message):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError) as exc, translation.override("en"):
        call_command("bulletin", *args, "--out", str(out))
    assert message in str(exc.value)
    assert not out.exists()


def test_a_missing_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("bulletin", "--period", "2026-11", "--format", "docx", "--out", str(tmp_path / "no" / "x.docx"))


# --- the page -----------------------------------------------------------------------------------------


def test_the_office_previews_this_month_and_downloads_both_files(client_for, people, district, spread):
    client = client_for(people.office)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["period"] == PERIOD and response.context["district"] == district.district
    for text in ("逾期的任务", "落后的任务", "区卫生健康局", "松园社区", spread["order"].code, "Download Word (.docx)"):
        assert text in html, text
    assert "福田的逾期任务" not in html
    docx = client.get(PAGE, {"period": PERIOD.code, "format": "docx"})
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert "逾期的任务" in [c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells]
    xlsx = client.get(PAGE, {"period": PERIOD.code, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(xlsx.content))["红色预警"]["B2"].value == "逾期的任务"


def test_a_bad_period_on_the_page_is_shown(client_for, people, district):
    response = client_for(people.office).get(PAGE, {"period": "2026-13"})
    assert response.status_code == 400
    assert "YYYY-MM" in response.context["form"].errors["period"][0]
    page = response.content.decode()
    # A choice of month saves nothing: the page says so, not "nothing was saved".
    assert "No bulletin for this choice" in page and "Nothing was saved" not in page
    assert 'aria-describedby="id_period_error"' in page and 'id="id_period_error"' in page
    response = client_for(people.office).get(PAGE, {"period": PERIOD.code, "format": "pdf"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["committee", "leader_main", "unit_head", "unit_staff", "expert", "resident"])
def test_the_bulletin_page_is_for_the_office_only(client_for, people, district, role):
    client = client_for(getattr(people, role))
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE, {"period": PERIOD.code, "format": "docx"}).status_code == 403
