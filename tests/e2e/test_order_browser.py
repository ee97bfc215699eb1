"""Orders that close the loop in a real browser (issue 8 part 5): a unit replies in writing with a
file, the office returns it with a comment, the unit replies again, the office accepts and the
order is closed; the order pages pass axe, for the office and for the unit."""

import datetime as dt

import pytest
from django.utils import timezone

from reformledger.supervision.models import Order, OrderReply, OrderStatus
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import tasks as task_services

from .test_accessibility import serious_violations
from .test_supervision_browser import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def order(people, district, reform_factory):
    today = timezone.localdate()
    reform = reform_factory(code="OR-E2E", title="不动产登记“一窗受理”改革", start_date=today - dt.timedelta(days=120),
                            due_date=today + dt.timedelta(days=200), progress=0)
    late = task_services.create_task(user=people.office, reform=reform, title="制定工作方案", unit=district.sub_a,
                                     start_date=today - dt.timedelta(days=60), due_date=today - dt.timedelta(days=5))
    return order_services.issue_order(
        user=people.office, title="关于加快推进不动产登记改革的督查令", reply_by=today + dt.timedelta(days=5),
        units=[district.sub_a], cc_units=[district.sub_b], items=[(late, today + dt.timedelta(days=10))],
    )


def test_a_reply_is_returned_then_accepted_and_the_order_closes(live_server, new_page, people, order, tmp_path):
    paper = tmp_path / "整改报告.pdf"
    paper.write_bytes(PDF)
    base, url = live_server.url, f"/office/supervision/orders/{order.pk}/"
    unit = new_page()
    log_in(unit, base, "unit_staff", url)
    unit.fill("#id_text", "已制定工作方案，见附件。")
    unit.set_input_files("#id_attachments", [str(paper)])
    unit.locator(".rl-reply-form button[type=submit]").click()
    unit.wait_for_url(f"{base}{url}#replies")
    assert "整改报告.pdf" in unit.locator("#replies").inner_text()
    first = OrderReply.objects.get()

    office = new_page()
    log_in(office, base, "office", url)
    review = office.locator(f"form[action$='/order-replies/{first.pk}/review/']")
    review.locator("textarea[name=comment]").fill("请补充会议纪要")
    review.locator("button[value=return]").click()
    office.wait_for_load_state()
    assert "请补充会议纪要" in office.locator("#replies").inner_text()

    unit.goto(base + url)
    assert "请补充会议纪要" in unit.locator("#replies").inner_text()
    unit.fill("#id_text", "已补充会议纪要。")
    unit.locator(".rl-reply-form button[type=submit]").click()
    unit.wait_for_url(f"{base}{url}#replies")
    second = OrderReply.objects.get(number=2)

    office.goto(base + url)
    office.locator(f"form[action$='/order-replies/{second.pk}/review/'] button[value=accept]").click()
    office.wait_for_load_state()
    assert office.locator(".rl-order-closed").count() == 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CLOSED


def test_the_order_pages_pass_axe(live_server, new_page, people, order):
    office = new_page()
    log_in(office, live_server.url, "office", "/office/supervision/orders/")
    for url in ["/office/supervision/orders/", "/office/supervision/orders/?state=overdue", f"/office/supervision/orders/{order.pk}/",
                "/office/supervision/orders/new/", "/office/supervision/board/"]:
        office.goto(live_server.url + url)
        office.wait_for_load_state("networkidle")
        assert serious_violations(office) == [], url
    for username in ("unit_staff", "other_staff"):  # addressed, and copied (抄送)
        unit = new_page()
        log_in(unit, live_server.url, username, "/office/supervision/orders/")
        for url in ["/office/supervision/orders/", f"/office/supervision/orders/{order.pk}/"]:
            unit.goto(live_server.url + url)
            unit.wait_for_load_state("networkidle")
            assert serious_violations(unit) == [], (username, url)
