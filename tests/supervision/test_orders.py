"""Supervision orders (改革督查令, issue 3 part 2, issue 8 part 2): numbering, the order's own
deadlines (督办时限, which never move a task's due date), acknowledgement, escalation of orders
nobody signed for."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reformledger.core.models import AuditEntry
from reformledger.org.models import Role, UnitKind
from reformledger.supervision.models import (
    Channel,
    Delivery,
    Order,
    OrderItem,
    OrderTarget,
    Reminder,
    ReminderKind,
    Task,
)
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import orders as order_services
from tests.factories import MembershipFactory, OrderFactory, UnitFactory, UserFactory

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db
YEAR = TODAY.year



def issue(people, **kw):
    kw.setdefault("title", "关于加快推进不动产登记改革的督查令")
    kw.setdefault("reply_by", days(5))
    return order_services.issue_order(user=people.office, **kw)


def written():
    return (
        Order.objects.count(), OrderTarget.objects.count(), OrderItem.objects.count(), Reminder.objects.count(),
        AuditEntry.objects.count(), list(Task.objects.order_by("pk").values_list("due_date", flat=True)),
    )


def test_orders_are_numbered_per_year_with_the_configured_prefix(settings, people, district):
    settings.ORDER_PREFIX = "测改督"
    orders = [issue(people, units=[district.sub_a]) for _ in range(3)]
    assert [o.number for o in orders] == [1, 2, 3]
    assert [o.code for o in orders] == [f"测改督〔{YEAR}〕{n}号" for n in (1, 2, 3)]
    assert all(o.year == YEAR and o.issued_on == TODAY and o.district == district.district for o in orders)


def test_numbering_starts_again_each_year(people, district):
    OrderFactory(
        district=district.district, year=YEAR - 1, number=7, title="去年",
        issued_by=people.office, issued_on=dt.date(YEAR - 1, 6, 1), reply_by=dt.date(YEAR - 1, 6, 5),
    )
    assert issue(people, units=[district.sub_a]).number == 1


@pytest.fixture
def other_office(people, other_district):
    """The second district's reform office and its officer: ``(its street, the officer)``."""
    office = UnitFactory(code="ft-office", name="福田区委改革办", kind=UnitKind.REFORM_OFFICE, parent=other_district.district)
    officer = MembershipFactory(user=UserFactory(username="ft-office-person"), unit=office, role=Role.OFFICE).user
    return other_district.street, officer


def test_each_district_numbers_its_own_orders(people, district, other_office):
    street, officer = other_office
    issue(people, units=[district.sub_a])
    theirs = order_services.issue_order(user=officer, title="福田督查令", reply_by=days(5), units=[street])
    ours = Order.objects.get(district=district.district)
    # Both are number 1 of the year; with one prefix for the install the codes are equal, each
    # unique within its own district.
    assert theirs.number == ours.number == 1 and theirs.code == ours.code


def test_each_district_has_its_own_prefix(people, district, other_office, settings):
    settings.ORDER_PREFIXES = {"ft": "福改督"}
    street, officer = other_office
    ours = issue(people, units=[district.sub_a])
    theirs = order_services.issue_order(user=officer, title="福田督查令", reply_by=days(5), units=[street])
    assert ours.code.startswith(settings.ORDER_PREFIX + "〔") and theirs.code.startswith("福改督〔")
    assert theirs.code == f"福改督〔{theirs.year}〕1号"


def test_order_goes_to_units_and_the_units_of_its_tasks(people, district, reform, add_task):
    task = add_task(reform, unit=district.sub_b)
    order = issue(people, units=[district.sub_a], items=[(task, days(40))])
    assert set(order.targets.values_list("unit", flat=True)) == {district.sub_a.pk, district.sub_b.pk}
    # Each target unit is told, in its people's inboxes.
    assert set(Reminder.objects.filter(kind=ReminderKind.ORDER).values_list("unit", flat=True)) == {
        district.sub_a.pk, district.sub_b.pk
    }
    assert Delivery.objects.filter(user=people.other_staff, channel=Channel.INBOX, reminder__order=order).exists()


def test_the_order_deadline_is_the_orders_own_and_never_moves_the_task(people, reform, add_task, add_red):
    """Issue 8 part 2 (finding 4): issuing an order used to rewrite the tasks' due dates, so an
    overdue task turned green the moment the order went out."""
    task = add_task(reform, due_date=days(60))
    late = add_red(reform, title="逾期任务", late=5)
    order = issue(people, items=[(task, days(40)), (late, days(10))])
    task.refresh_from_db()
    late.refresh_from_db()
    assert (task.due_date, late.due_date) == (days(60), days(-5))
    assert late.level == "red"  # still red: the order gave it a deadline of its own, not a new due date
    assert dict(order.items.values_list("task_id", "deadline")) == {task.pk: days(40), late.pk: days(10)}
    assert not AuditEntry.objects.filter(action="task.update").exists()
    entry = AuditEntry.objects.get(action="order.issue")
    assert entry.changes["deadlines"] == [None, {str(task.pk): days(40).isoformat(), str(late.pk): days(10).isoformat()}]
    # No deadline given: the order records the task's due date.
    other = add_task(reform, title="B", due_date=days(50))
    order = issue(people, items=[(other, None)])
    assert order.items.get().deadline == days(50)


def test_an_order_deadline_may_pass_the_parents_or_the_reforms_dates(people, reform, add_task):
    """The order's deadline is the order's: the task's range constrains its due date, not this."""
    parent = add_task(reform, title="P", start_date=days(-10), due_date=days(30))
    child = add_task(reform, parent=parent, title="C", start_date=days(-10), due_date=days(20))
    order = issue(people, items=[(child, days(31)), (parent, reform.due_date + dt.timedelta(days=1))])
    assert sorted(order.items.values_list("deadline", flat=True)) == [days(31), reform.due_date + dt.timedelta(days=1)]
    child.refresh_from_db()
    assert child.due_date == days(20)


def test_a_deadline_that_has_passed_or_is_not_a_date_is_refused(people, reform, add_task, add_red):
    task = add_task(reform, title="C", start_date=days(-10), due_date=days(20))
    late = add_red(reform, title="逾期任务", late=3)
    before = written()
    for items in ([(task, days(-1))], [(task, "2026-02-30")], [(late, None)]):
        with pytest.raises(ValidationError) as exc:
            issue(people, items=items)
        assert set(exc.value.message_dict) == {"items"}, items
        assert written() == before
    # The task's own due date has passed: the message says to give the order's own deadline.
    with pytest.raises(ValidationError) as exc:
        issue(people, items=[(late, None)])
    assert "逾期任务" in exc.value.message_dict["items"][0]
    assert issue(people, items=[(task, TODAY)]).number == 1  # no number was used up


def test_bad_orders_are_refused_with_nothing_written(people, district):
    a = [district.sub_a]
    cases = [
        ({"units": []}, "units"),
        ({"title": " ", "units": a}, "title"),
        ({"reply_by": days(-1), "units": a}, "reply_by"),
        ({"reply_by": None, "units": a}, "reply_by"),
        ({"reply_by": "next week", "units": a}, "reply_by"),
    ]
    before = written()
    for kw, field in cases:
        with pytest.raises(ValidationError) as exc:
            issue(people, **kw)
        assert field in exc.value.message_dict, kw
    assert written() == before


def test_an_order_to_two_districts_is_refused(people, district, other_district):
    street = other_district.street
    with pytest.raises(ValidationError) as exc:
        issue(people, units=[district.sub_a, street])
    assert "units" in exc.value.message_dict
    assert not Order.objects.exists()


def test_acknowledge_once(people, district):
    order = issue(people, units=[district.sub_a, district.sub_b])
    target = order_services.acknowledge_order(user=people.unit_staff, order=order)
    assert (target.unit, target.acknowledged_by) == (district.sub_a, people.unit_staff)
    first = target.acknowledged_at
    # Twice: refused, for the same person or a colleague of the same unit.
    for person in (people.unit_staff, people.unit_head):
        with pytest.raises(ValidationError) as exc:
            order_services.acknowledge_order(user=person, order=order)
        assert "order" in exc.value.message_dict
    target.refresh_from_db()
    assert (target.acknowledged_at, target.acknowledged_by) == (first, people.unit_staff)
    # The other target unit signs for itself.
    assert order_services.acknowledge_order(user=people.other_staff, order=order).unit == district.sub_b
    assert AuditEntry.objects.filter(action="order.acknowledge").count() == 2


def test_acknowledge_an_order_not_addressed_to_you(people, district):
    order = issue(people, units=[district.sub_b])
    for person in (people.unit_staff, people.office, people.leader_main, people.resident):
        with pytest.raises(PermissionDenied):
            order_services.acknowledge_order(user=person, order=order)
    # Naming a unit one does not work in does not help either.
    with pytest.raises(PermissionDenied):
        order_services.acknowledge_order(user=people.unit_staff, order=order, unit=district.sub_b)
    assert not OrderTarget.objects.filter(acknowledged_at__isnull=False).exists()


def test_unacknowledged_orders_escalate_once_per_target(settings, people, district):
    settings.ORDER_ACK_DAYS = 2
    order = issue(people, units=[district.sub_a, district.sub_b])
    order_services.acknowledge_order(user=people.other_staff, order=order)  # sub-district B signs
    escalations = Reminder.objects.filter(kind=ReminderKind.ORDER_ESCALATION)
    scan_deadlines(on=days(1))
    assert not escalations.exists()
    summary = scan_deadlines(on=days(2))
    assert summary["reminders_order_escalation"] == 1
    (reminder,) = escalations
    assert (reminder.unit, reminder.order) == (district.sub_a, order)
    # To the unit's people again and to the office person who issued the order.
    told = set(reminder.deliveries.filter(channel=Channel.INBOX).values_list("user", flat=True))
    assert told == {people.unit_head.pk, people.unit_staff.pk, people.office.pk}
    deliveries = Delivery.objects.filter(reminder__kind=ReminderKind.ORDER_ESCALATION).count()
    for day in (2, 3, 10):
        assert scan_deadlines(on=days(day))["reminders_order_escalation"] == 0
    assert escalations.count() == 1
    assert Delivery.objects.filter(reminder__kind=ReminderKind.ORDER_ESCALATION).count() == deliveries


def test_a_task_listed_twice_is_refused(people, reform, add_task):
    task = add_task(reform)
    before = written()
    with pytest.raises(ValidationError) as exc:
        issue(people, items=[(task, days(40)), (task, days(30))])
    assert "items" in exc.value.message_dict
    assert written() == before


def test_a_person_in_two_target_units_signs_for_each_in_turn(people, district):
    MembershipFactory(user=people.unit_head, unit=district.sub_b, role=Role.UNIT_HEAD)
    order = issue(people, units=[district.sub_a, district.sub_b])
    first = order_services.acknowledge_order(user=people.unit_head, order=order)
    second = order_services.acknowledge_order(user=people.unit_head, order=order)
    assert {first.unit, second.unit} == {district.sub_a, district.sub_b}
    with pytest.raises(ValidationError):
        order_services.acknowledge_order(user=people.unit_head, order=order)
    # Naming the unit works too, once.
    with pytest.raises(ValidationError):
        order_services.acknowledge_order(user=people.unit_head, order=order, unit=district.sub_b)
