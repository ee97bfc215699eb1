"""Order reminders stop once their step is done (issue 8 part 5): the "not acknowledged" escalation
is not sent after acknowledgement (finding 7: its e-mails and robot messages still went out, and
were retried, after the unit had signed), and "reply due / reply overdue" reminders stop once a
reply is accepted. The scan stays set-based: one query per kind of order reminder."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.supervision.delivery import deliver_pending
from reformledger.supervision.models import Channel, Delivery, Order, Reminder, ReminderKind
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services

from .conftest import days

pytestmark = pytest.mark.django_db
Status = Delivery.DeliveryStatus


@pytest.fixture
def mailboxes(people):
    for person in (people.unit_head, people.unit_staff, people.other_staff, people.office):
        person.email = f"{person.username}@example.gov.cn"
        person.save()


@pytest.fixture
def issue(people, district):
    def make(*, issued: int = 0, reply_by: int = 5, units=None):
        order = order_services.issue_order(
            user=people.office, title="督查令", reply_by=days(max(reply_by, 0)), units=units or [district.sub_a, district.sub_b]
        )
        if issued or reply_by < 0:
            Order.objects.filter(pk=order.pk).update(issued_on=days(issued), reply_by=days(reply_by))
            order.refresh_from_db()
        return order

    return make


def of_kind(kind, order=None):
    qs = Reminder.objects.filter(kind=kind)
    return qs.filter(order=order) if order is not None else qs


def test_the_not_acknowledged_escalation_is_not_sent_after_acknowledgement(settings, people, district, issue, mailboxes, mailoutbox):
    """The bug: the escalation's e-mails wait for the worker; the unit signs before the worker runs
    (or while a failed delivery waits for its retry); the worker then sent "not acknowledged"."""
    settings.ORDER_ACK_DAYS = 2
    order = issue(issued=-2)
    mailoutbox.clear()
    Delivery.objects.filter(channel=Channel.EMAIL).update(status=Status.SENT)  # the order's own notice went out
    scan_deadlines(on=days(0))
    (escalation,) = of_kind(ReminderKind.ORDER_ESCALATION).filter(unit=district.sub_a)
    emails = escalation.deliveries.filter(channel=Channel.EMAIL)
    assert emails.count() == 3 and set(emails.values_list("status", flat=True)) == {Status.PENDING}
    order_services.acknowledge_order(user=people.unit_staff, order=order)
    deliver_pending.call()
    assert [m.to for m in mailoutbox if district.sub_a.name in m.body] == []  # nothing about sub-district A went out
    assert set(emails.values_list("status", flat=True)) == {Status.WITHDRAWN}
    escalation.refresh_from_db()
    assert escalation.settled_at is not None
    # Its inbox copies no longer count as unread; sub-district B, which has not signed, is still told.
    assert not escalation.deliveries.filter(channel=Channel.INBOX, read_at__isnull=True).exists()
    other = of_kind(ReminderKind.ORDER_ESCALATION).get(unit=district.sub_b)
    assert other.settled_at is None
    assert other.deliveries.filter(channel=Channel.EMAIL, status=Status.SENT).exists()
    # And the next days' scans make nothing new for the unit that signed.
    for day in (1, 5):
        scan_deadlines(on=days(day))
    assert of_kind(ReminderKind.ORDER_ESCALATION).filter(unit=district.sub_a).count() == 1


def test_a_reply_before_acknowledging_settles_the_escalation_too(settings, people, district, issue, mailboxes):
    settings.ORDER_ACK_DAYS = 1
    order = issue(issued=-3)
    scan_deadlines(on=days(0))
    reply_services.reply_to_order(user=people.unit_staff, order=order, text="已整改")
    escalation = of_kind(ReminderKind.ORDER_ESCALATION).get(unit=district.sub_a)
    assert escalation.settled_at is not None
    assert not escalation.deliveries.filter(status=Status.PENDING).exists()


def test_reply_due_and_overdue_reminders_go_to_units_that_owe_a_reply(settings, people, district, issue):
    settings.ORDER_REPLY_SOON_DAYS = 2
    order = issue(reply_by=4, units=[district.sub_a, district.sub_b])
    reply_services.reply_to_order(user=people.other_staff, order=order, text="黄贝已回复")  # B replied: awaits review
    assert scan_deadlines(on=days(1))["reminders_order_reply"] == 0  # 3 days before: not yet
    assert scan_deadlines(on=days(2))["reminders_order_reply"] == 1
    (due,) = of_kind(ReminderKind.ORDER_REPLY_DUE, order)
    # The date in the reader's format (the site's language: zh-Hans), issue 8 part 9.
    assert due.unit == district.sub_a and f"{order.reply_by.year}年{order.reply_by.month}月{order.reply_by.day}日" in due.text
    assert set(due.deliveries.values_list("user", flat=True)) == {people.unit_head.pk, people.unit_staff.pk}
    assert scan_deadlines(on=days(3))["reminders_order_reply"] == 0  # once
    # After the reply-by date: overdue, to the unit and to the office person who issued it.
    assert scan_deadlines(on=days(5))["reminders_order_reply"] == 1
    (late,) = of_kind(ReminderKind.ORDER_REPLY_OVERDUE, order)
    assert late.unit == district.sub_a
    assert set(late.deliveries.values_list("user", flat=True)) == {people.unit_head.pk, people.unit_staff.pk, people.office.pk}
    assert scan_deadlines(on=days(9))["reminders_order_reply"] == 0


def test_reply_reminders_stop_once_the_reply_is_accepted(settings, people, district, issue, mailboxes, mailoutbox):
    order = issue(issued=-10, reply_by=-1, units=[district.sub_a])
    scan_deadlines(on=days(0))
    (late,) = of_kind(ReminderKind.ORDER_REPLY_OVERDUE, order)
    assert late.deliveries.filter(channel=Channel.EMAIL, status=Status.PENDING).exists()
    answer = reply_services.reply_to_order(user=people.unit_staff, order=order, text="已整改")
    # A reply waiting for review: the reminder is not settled yet (the reply may be returned) …
    late.refresh_from_db()
    assert late.settled_at is None
    # … once accepted, it is, and its unsent deliveries are withdrawn.
    reply_services.review_order_reply(user=people.office, reply=answer, accept=True)
    late.refresh_from_db()
    assert late.settled_at is not None
    assert set(late.deliveries.exclude(channel=Channel.INBOX).values_list("status", flat=True)) == {Status.WITHDRAWN}
    mailoutbox.clear()
    deliver_pending.call()
    assert [m for m in mailoutbox if m.subject == late.subject] == []
    assert set(late.deliveries.exclude(channel=Channel.INBOX).values_list("status", flat=True)) == {Status.WITHDRAWN}
    for day in (1, 3):
        assert scan_deadlines(on=days(day))["reminders_order_reply"] == 0


def test_a_returned_reply_after_the_date_is_reminded_once(people, district, issue):
    order = issue(issued=-10, reply_by=-1, units=[district.sub_a])
    answer = reply_services.reply_to_order(user=people.unit_staff, order=order, text="已整改")
    assert scan_deadlines(on=days(0))["reminders_order_reply"] == 0  # a reply waits for the office
    reply_services.review_order_reply(user=people.office, reply=answer, accept=False, comment="材料不全")
    assert scan_deadlines(on=days(1))["reminders_order_reply"] == 1
    assert of_kind(ReminderKind.ORDER_REPLY_OVERDUE, order).get().unit == district.sub_a


def test_the_order_reminders_take_the_same_queries_for_2_and_20_orders(settings, people, district, issue):
    settings.ORDER_ACK_DAYS = 1

    def scan_queries(day):
        with CaptureQueriesContext(connection) as queries:
            scan_deadlines(on=days(day))
        return [q["sql"] for q in queries.captured_queries if "supervision_ordertarget" in q["sql"]]

    for _ in range(2):
        issue(issued=-5, reply_by=-1)
    small = scan_queries(0)
    for _ in range(18):
        issue(issued=-5, reply_by=-1)
    assert len(scan_queries(1)) == len(small)
    assert of_kind(ReminderKind.ORDER_ESCALATION).count() == 40 and of_kind(ReminderKind.ORDER_REPLY_OVERDUE).count() == 40
