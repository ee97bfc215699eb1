"""The bulletin counts the orders' loop (issue 8 part 5): orders issued, acknowledged, replied to
(and replies accepted) and closed this month, and, on the day it is made, the units late to
acknowledge or to reply and the tasks past their order's deadline (督办超期), counted as the board
counts them; in the figures, the page, the Word and the Excel files. Another district's orders
stay out of a district's bulletin."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.documents import BulletinDocument, BulletinWorkbook
from reformledger.supervision.models import Order
from reformledger.supervision.selectors.orders import late_counts
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from reformledger.supervision.services import reports as report_services
from tests.factories import MembershipFactory, UnitFactory

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db
PERIOD = Period.of(TODAY)


@pytest.fixture
def loop(people, district, reform, add_task, other_district, settings):
    """Three orders of this month: one closed, one replied to (awaiting review), one late; and an
    order of another district that is late too."""
    settings.ORDER_ACK_DAYS = 3
    task = add_task(reform, title="任务", due_date=days(30))

    def issue(units, **kw):
        return order_services.issue_order(user=people.office, title="督查令", reply_by=days(5), units=units, **kw)

    closed = issue([district.sub_a])
    answer = reply_services.reply_to_order(user=people.unit_staff, order=closed, text="已完成")
    reply_services.review_order_reply(user=people.office, reply=answer, accept=True)
    replied = issue([district.sub_b])
    reply_services.reply_to_order(user=people.other_staff, order=replied, text="已完成")
    late = issue([district.sub_a, district.department], items=[(task, days(2))])
    ft_office = UnitFactory(code="ft-office", name="福田区委改革办", kind="reform_office", parent=other_district.district)
    ft_officer = MembershipFactory(unit=ft_office, role="office").user
    elsewhere = order_services.issue_order(user=ft_officer, title="福田", reply_by=days(5), units=[other_district.street])
    for order in (late, elsewhere):
        Order.objects.filter(pk=order.pk).update(
            issued_on=max(days(-10), PERIOD.first), reply_by=max(days(-1), PERIOD.first)
        )
    late.items.update(deadline=days(-1))
    return {"closed": closed, "replied": replied, "late": late}


def test_the_figures_count_the_loop(district, loop):
    flow = make_bulletin(period=PERIOD, district=district.district).order_flow
    late_days = (TODAY - max(days(-10), PERIOD.first)).days
    expected_late_ack = 2 if late_days >= 3 else 0
    assert (flow.issued, flow.acknowledged, flow.replied, flow.accepted, flow.closed) == (3, 2, 2, 1, 1)
    assert (flow.late_ack, flow.late_items) == (expected_late_ack, 1)
    assert flow.late_reply == (2 if max(days(-1), PERIOD.first) < TODAY else 0)


def test_the_bulletin_and_the_board_count_the_same(people, district, loop, province_office):
    flow = make_bulletin(period=PERIOD, district=district.district).order_flow
    whole = make_bulletin(period=PERIOD).order_flow
    # The district's office counts its own district (ADR 0025); the province office every district.
    board = late_counts(people.office, TODAY)
    assert (board["ack"], board["reply"], board["items"]) == (flow.late_ack, flow.late_reply, flow.late_items)
    board = late_counts(province_office, TODAY)
    assert (board["ack"], board["reply"], board["items"]) == (whole.late_ack, whole.late_reply, whole.late_items)
    assert whole.issued == flow.issued + 1  # the other district's order


def test_the_figures_take_a_few_queries_whatever_the_number_of_orders(people, district, loop):
    with CaptureQueriesContext(connection) as small:
        make_bulletin(period=PERIOD, district=district.district)
    for _ in range(10):
        order = order_services.issue_order(user=people.office, title="更多", reply_by=days(5), units=[district.sub_a])
        reply_services.reply_to_order(user=people.unit_staff, order=order, text="回复")
    with CaptureQueriesContext(connection) as large:
        make_bulletin(period=PERIOD, district=district.district)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_word_and_excel_bulletins_and_the_page_say_it(client_for, people, district, loop):
    bulletin = make_bulletin(period=PERIOD, district=district.district)
    flow = bulletin.order_flow
    text = "\n".join(p.text for p in Document(io.BytesIO(BulletinDocument(bulletin).render())).paragraphs)
    assert f"本月收到督查令书面回复{flow.replied}份（审核采纳{flow.accepted}份），办结督查令{flow.closed}份" in text
    assert f"逾期未签收{flow.late_ack}家次、逾期未回复{flow.late_reply}家次，督办超期任务{flow.late_items}个" in text
    workbook = load_workbook(io.BytesIO(BulletinWorkbook(bulletin).render()))
    pairs = {row[0]: row[1] for row in workbook["总体情况"].iter_rows(values_only=True) if row and row[0]}
    assert (pairs["本月督查令书面回复"], pairs["本月办结督查令"], pairs["督办超期任务"]) == (flow.replied, flow.closed, flow.late_items)
    html = client_for(people.office).get(reverse("supervision:bulletin"), {"period": PERIOD.code, "district": district.district.pk}).content.decode()
    assert "rl-bulletin-orders" in html and f"{flow.replied} written replies ({flow.accepted} accepted)" in html


def test_a_progress_report_leaves_the_late_acknowledgements_and_replies_counted(people, district, loop, add_task, reform):
    """The board's late-order counts: acknowledgements and replies are the orders' facts (kept
    through the district's progress reports); tasks past an order's deadline are its work."""
    before = late_counts(people.office, TODAY)
    task = add_task(reform, title="另一任务", due_date=days(20))
    report_services.submit_report(user=people.unit_staff, task=task, percent=10, text="推进")
    with CaptureQueriesContext(connection) as after_report:
        assert late_counts(people.office, TODAY) == before
    counted = [q["sql"] for q in after_report.captured_queries if "COUNT(" in q["sql"]]
    assert len(counted) == 1 and "supervision_orderitem" in counted[0]  # the items only
    order_services.acknowledge_order(user=people.unit_staff, order=loop["late"], unit=district.sub_a)
    with CaptureQueriesContext(connection) as after_ack:
        now = late_counts(people.office, TODAY)
    assert sum("supervision_ordertarget" in q["sql"] for q in after_ack.captured_queries) == 2  # both recounted
    assert now["ack"] == before["ack"] - (1 if before["ack"] else 0)
