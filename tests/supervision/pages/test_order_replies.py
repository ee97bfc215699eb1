"""Order pages that close the loop (issue 8 parts 2 and 5): the unit's reply form with files, the
office's review (accept / return with a comment), the list's states and filters, copies (抄送),
the order's tasks against both deadlines, and the board's "orders overdue" section."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformledger.supervision.models import Order, OrderReply, OrderStatus, OrderTarget
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from tests.supervision.conftest import days
from tests.supervision.files import fake_pdf, pdf

pytestmark = pytest.mark.django_db
ORDERS = reverse("supervision:orders")
BOARD = reverse("supervision:board")


@pytest.fixture
def issue(people, district):
    def make(units=None, title="关于加快推进不动产登记改革的督查令", **kwargs):
        return order_services.issue_order(
            user=people.office, title=title, reply_by=kwargs.pop("reply_by", days(7)),
            units=units if units is not None else [district.sub_a], **kwargs,
        )

    return make


def page(order):
    return reverse("supervision:order", args=[order.pk])


def backdate(order, *, issued=-10, reply_by=-2):
    Order.objects.filter(pk=order.pk).update(issued_on=days(issued), reply_by=days(reply_by))


# --- replying ----------------------------------------------------------------------------------------


def test_a_unit_replies_with_files_from_the_order_page(client_for, people, district, issue, media):
    order = issue()
    client = client_for(people.unit_staff)
    html = client.get(page(order)).content.decode()
    assert "rl-reply-form" in html and 'enctype="multipart/form-data"' in html
    response = client.post(
        reverse("supervision:order-reply", args=[order.pk]), {"text": "已完成整改，详见附件。", "attachments": [pdf("整改报告.pdf")]},
    )
    assert response.status_code == 302 and response["Location"].endswith("#replies")
    reply = OrderReply.objects.get()
    assert reply.target.unit == district.sub_a and [f.name for f in reply.files.all()] == ["整改报告.pdf"]
    html = client.get(page(order)).content.decode()
    assert "已完成整改，详见附件。" in html and "整改报告.pdf" in html and "Awaiting review" in html
    assert "rl-reply-form" not in html  # one reply waits for review at a time
    file_url = reverse("supervision:order-reply-file", args=[reply.files.get().pk])
    assert client.get(file_url).status_code == 200
    assert client_for(people.office).get(file_url).status_code == 200
    assert client_for(people.other_staff).get(file_url).status_code == 404


@pytest.mark.parametrize(("data", "field"), [({"text": ""}, "text"), ({"text": "见附件", "attachments": "bad"}, "attachments")])
def test_a_bad_reply_is_shown_on_the_form_and_nothing_is_written(client_for, people, issue, media, data, field):
    order = issue()
    if field == "attachments":
        data = {**data, "attachments": [fake_pdf()]}
    response = client_for(people.unit_staff).post(reverse("supervision:order-reply", args=[order.pk]), data)
    assert response.status_code == 400
    assert response.context["reply_form"].errors[field]
    assert not OrderReply.objects.exists() and OrderTarget.objects.get().acknowledged_at is None


def test_a_late_reply_says_so(client_for, people, issue):
    order = issue()
    backdate(order, reply_by=-3)
    response = client_for(people.unit_staff).post(reverse("supervision:order-reply", args=[order.pk]), {"text": "迟到的回复"}, follow=True)
    assert "3 days after the reply-by date" in response.content.decode()
    assert "3 days late" in client_for(people.office).get(page(order)).content.decode()


@pytest.mark.parametrize("role", ["other_staff", "office", "committee", "leader_main"])
def test_a_reply_to_an_order_not_addressed_to_the_unit_is_refused(client_for, people, issue, role):
    order = issue()
    response = client_for(getattr(people, role)).post(reverse("supervision:order-reply", args=[order.pk]), {"text": "回复"})
    assert response.status_code == 403
    assert not OrderReply.objects.exists()


# --- reviewing ---------------------------------------------------------------------------------------


def test_the_office_accepts_the_last_reply_and_the_order_closes(client_for, people, district, issue):
    order = issue()
    reply = reply_services.reply_to_order(user=people.unit_staff, order=order, text="已完成")
    client = client_for(people.office)
    html = client.get(page(order)).content.decode()
    assert "rl-reply-review" in html
    assert "rl-reply-review" not in client_for(people.unit_staff).get(page(order)).content.decode()
    response = client.post(reverse("supervision:order-reply-review", args=[reply.pk]), {"decision": "accept"}, follow=True)
    html = response.content.decode()
    assert "the order is closed" in html and "rl-order-closed" in html
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    assert "closed the order" in html  # its history


def test_a_return_needs_a_comment_and_a_reviewed_reply_is_not_reviewed_again(client_for, people, issue):
    order = issue()
    reply = reply_services.reply_to_order(user=people.unit_staff, order=order, text="已完成")
    client = client_for(people.office)
    url = reverse("supervision:order-reply-review", args=[reply.pk])
    html = client.post(url, {"decision": "return", "comment": ""}, follow=True).content.decode()
    assert "Say why the reply is returned." in html
    reply.refresh_from_db()
    assert reply.status == "pending"
    client.post(url, {"decision": "return", "comment": "请补充佐证材料"})
    html = client.post(url, {"decision": "accept"}, follow=True).content.decode()
    assert "already reviewed" in html
    reply.refresh_from_db()
    assert (reply.status, reply.review_comment) == ("returned", "请补充佐证材料")
    # The unit sees the comment and may reply again.
    html = client_for(people.unit_staff).get(page(order)).content.decode()
    assert "请补充佐证材料" in html and "rl-reply-form" in html


@pytest.mark.parametrize("role", ["unit_staff", "committee", "leader_main"])
def test_only_the_office_reviews(client_for, people, issue, role):
    reply = reply_services.reply_to_order(user=people.unit_staff, order=issue(), text="已完成")
    response = client_for(getattr(people, role)).post(reverse("supervision:order-reply-review", args=[reply.pk]), {"decision": "accept"})
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.status == "pending"


# --- copies, the list, the tasks -------------------------------------------------------------------


def test_the_form_copies_the_order_and_a_copied_unit_reads_it(client_for, people, district):
    client = client_for(people.office)
    assert 'name="cc_units"' in client.get(reverse("supervision:order-new")).content.decode()
    response = client.post(reverse("supervision:order-new"), {
        "title": "抄送测试", "reply_by": days(5).isoformat(), "units": [district.sub_a.pk], "cc_units": [district.sub_b.pk],
    })
    assert response.status_code == 302
    order = Order.objects.get()
    assert list(order.copies.values_list("unit", flat=True)) == [district.sub_b.pk]
    both = client.post(reverse("supervision:order-new"), {
        "title": "重复", "reply_by": days(5).isoformat(), "units": [district.sub_a.pk], "cc_units": [district.sub_a.pk],
    })
    assert both.status_code == 400 and both.context["form"].errors["cc_units"]
    copied = client_for(people.other_staff)
    html = copied.get(page(order)).content.decode()
    assert "黄贝街道" in html and "rl-reply-form" not in html and "Acknowledge (签收)" not in html
    assert "rl-order-copy" in copied.get(ORDERS).content.decode()


def test_the_list_shows_each_orders_state_and_filters_by_it(client_for, people, district, issue):
    fresh, replied, closed, late = issue(title="新的"), issue(title="已回复的"), issue(title="办结的"), issue(title="逾期的")
    reply_services.reply_to_order(user=people.unit_staff, order=replied, text="回复")
    answer = reply_services.reply_to_order(user=people.unit_staff, order=closed, text="回复")
    reply_services.review_order_reply(user=people.office, reply=answer, accept=True)
    backdate(late)
    client = client_for(people.office)
    html = client.get(ORDERS).content.decode()
    for state in ("issued", "partly_replied", "closed", "overdue"):
        assert f"rl-order-state-{state}" in html, state
    for state, order in (("issued", fresh), ("partly_replied", replied), ("closed", closed), ("overdue", late), ("review", replied)):
        rows = client.get(ORDERS, {"state": state}).context["page"].object_list
        assert [o.pk for o in rows] == [order.pk], state
    # A unit's list has no "to review" filter; its "overdue" is its own lateness.
    unit = client_for(people.unit_staff)
    assert "state=review" not in unit.get(ORDERS).content.decode()
    assert [o.pk for o in unit.get(ORDERS, {"state": "overdue"}).context["page"].object_list] == [late.pk]


@pytest.mark.parametrize("role", ["office", "unit_staff"])
def test_the_list_with_replies_and_copies_takes_the_same_queries_for_2_and_20(client_for, people, district, issue, role,
                                                                             django_assert_num_queries):
    def make(n):
        for i in range(n):
            order = issue(units=[district.sub_a, district.sub_b], cc_units=[district.department], title=f"督查令{i}")
            if i % 2:
                reply_services.reply_to_order(user=people.unit_staff, order=order, text="回复")

    make(2)
    client = client_for(getattr(people, role))
    client.get(ORDERS)
    with CaptureQueriesContext(connection) as small:
        assert client.get(ORDERS).status_code == 200
    expected = len(small.captured_queries)
    make(18)
    client.get(ORDERS)
    with django_assert_num_queries(expected):
        response = client.get(ORDERS)
    assert response.context["page"].paginator.count == 20


def test_the_order_page_shows_each_task_against_both_deadlines(client_for, people, district, reform, add_task, add_red):
    late = add_red(reform, title="逾期的任务", late=6)
    fine = add_task(reform, title="正常的任务", due_date=days(30))
    order = order_services.issue_order(user=people.office, title="t", reply_by=days(5), items=[(late, days(2)), (fine, days(20))])
    html = client_for(people.office).get(page(order)).content.decode()
    assert "Order's deadline (督办时限)" in html and "Task's due date" in html
    # "逾期的任务": its own due date is behind, the order's deadline ahead.
    assert "overdue by 6 days" in html and "rl-order-item-overdue" not in html
    # The order's deadline passes too: order overdue (督办超期).
    order.items.filter(task=late).update(deadline=days(-1))
    html = client_for(people.office).get(page(order)).content.decode()
    assert "rl-order-item-overdue" in html and "Order overdue" in html and "overdue by 1 day" in html


# --- the board --------------------------------------------------------------------------------------


def test_the_board_counts_the_orders_overdue(client_for, people, district, reform, add_task, issue, settings):
    settings.ORDER_ACK_DAYS = 3
    task = add_task(reform, title="任务", due_date=days(30))
    late = order_services.issue_order(user=people.office, title="逾期", reply_by=days(5), units=[district.sub_a, district.sub_b],
                                      items=[(task, days(3))])
    backdate(late, issued=-10, reply_by=-2)
    late.items.update(deadline=days(-1))
    reply_services.reply_to_order(user=people.other_staff, order=late, text="黄贝已回复")  # signed, reply awaiting review
    issue(units=[district.sub_b], title="新的")  # on time
    html = client_for(people.office).get(BOARD).content.decode()
    assert "rl-board-orders" in html
    assert 'data-late="ack">1<' in html  # sub-district A did not sign
    assert 'data-late="reply">2<' in html  # neither has an accepted reply
    assert 'data-late="items">1<' in html
    unit = client_for(people.other_staff).get(BOARD).content.decode()
    assert 'data-late="ack">0<' in unit and 'data-late="reply">1<' in unit and 'data-late="items">0<' in unit
    assert "rl-board-orders" not in client_for(people.leader_main).get(BOARD).content.decode()
