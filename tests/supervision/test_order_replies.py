"""Orders close the loop (issue 8 part 5): a unit's written reply (书面回复, text and files) by the
reply date, the office's review of each (accept, or return with a comment), every reply kept,
the order closed (办结) on the last acceptance; copies (抄送); bad input writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from reformledger.core.audit import history_of
from reformledger.core.models import AuditEntry
from reformledger.org.models import Role
from reformledger.supervision.models import (
    Decision,
    Order,
    OrderReply,
    OrderReplyFile,
    OrderStatus,
    OrderTarget,
    Reminder,
    ReminderKind,
)
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from tests.factories import MembershipFactory, UnitFactory
from tests.supervision.files import fake_pdf, pdf, png

from .conftest import TODAY, days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are read in English (the site's language is zh-Hans)."""
    with translation.override("en"):
        yield


@pytest.fixture
def issue(people, district):
    def make(units=None, **kw):
        kw.setdefault("title", "关于加快推进不动产登记改革的督查令")
        kw.setdefault("reply_by", days(5))
        return order_services.issue_order(user=people.office, units=units if units is not None else [district.sub_a, district.sub_b], **kw)

    return make


def reply(user, order, text="已按要求完成整改，详见附件。", **kw):
    return reply_services.reply_to_order(user=user, order=order, text=text, **kw)


def review(people, the_reply, accept=True, comment=""):
    return reply_services.review_order_reply(user=people.office, reply=the_reply, accept=accept, comment=comment)


def written():
    return (
        OrderReply.objects.count(), OrderReplyFile.objects.count(), AuditEntry.objects.count(), Reminder.objects.count(),
        list(OrderTarget.objects.order_by("pk").values_list("acknowledged_at", "reply_status", "accepted_on")),
        list(Order.objects.order_by("pk").values_list("status", "closed_on")),
        list(OrderReply.objects.order_by("pk").values_list("status", "review_comment")),
    )


def test_a_unit_replies_with_files_and_the_office_is_told(people, district, issue, media):
    order = issue()
    order_services.acknowledge_order(user=people.unit_staff, order=order)
    answer = reply(people.unit_staff, order, files=[pdf("整改报告.pdf"), png("现场照片.png")])
    assert (answer.number, answer.status, answer.days_late, answer.is_late) == (1, Decision.PENDING, 0, False)
    assert answer.target.unit == district.sub_a and answer.submitted_by == people.unit_staff
    assert sorted(answer.files.values_list("name", "kind")) == [("整改报告.pdf", "pdf"), ("现场照片.png", "png")]
    target = OrderTarget.objects.get(order=order, unit=district.sub_a)
    assert target.reply_status == Decision.PENDING
    entry = history_of(order).first()
    assert entry.action == "order.reply" and entry.changes["files"] == [None, ["整改报告.pdf", "现场照片.png"]]
    # The office person who issued the order finds it in the inbox.
    notice = Reminder.objects.get(kind=ReminderKind.ORDER_REPLY)
    assert notice.deliveries.filter(user=people.office).exists() and notice.order == order


def test_a_reply_before_acknowledging_acknowledges_implicitly(people, district, issue):
    """Decided: a written reply is the surest proof of receipt, so it signs for the order too."""
    order = issue()
    reply(people.unit_staff, order)
    target = OrderTarget.objects.get(order=order, unit=district.sub_a)
    assert target.acknowledged_at is not None and target.acknowledged_by == people.unit_staff
    actions = [(e.action, e.changes.get("implicit")) for e in history_of(order).order_by("seq")]
    assert actions[-2:] == [("order.acknowledge", True), ("order.reply", None)]
    with pytest.raises(ValidationError) as exc:
        order_services.acknowledge_order(user=people.unit_head, order=order)
    assert "order" in exc.value.message_dict


def backdate(order, *, issued: int, reply_by: int):
    Order.objects.filter(pk=order.pk).update(issued_on=days(issued), reply_by=days(reply_by))
    order.refresh_from_db()


def test_a_late_reply_is_accepted_and_recorded_as_late(people, district, issue):
    order = issue()
    backdate(order, issued=-10, reply_by=-3)
    answer = reply(people.unit_staff, order)
    assert (answer.days_late, answer.is_late) == (3, True)
    assert history_of(order).filter(action="order.reply").get().changes["days_late"] == 3


@pytest.mark.parametrize("role", ["office", "committee", "leader_main", "leader_domain", "other_staff", "expert", "resident"])
def test_only_the_staff_of_an_addressed_unit_reply(people, district, issue, role):
    order = issue(units=[district.sub_a])
    before = written()
    with pytest.raises(PermissionDenied):
        reply(getattr(people, role), order)
    assert written() == before


def test_naming_a_unit_one_does_not_work_in_is_refused(people, district, issue):
    order = issue()
    before = written()
    with pytest.raises(PermissionDenied):
        reply(people.unit_staff, order, unit=district.sub_b)
    assert written() == before


@pytest.mark.parametrize(
    ("kw", "field"),
    [({"text": " "}, "text"), ({"text": ""}, "text"), ({"files": [fake_pdf()]}, "files")],
)
def test_bad_replies_name_the_field_and_write_nothing(people, issue, media, kw, field):
    order = issue()
    before = written()
    with pytest.raises(ValidationError) as exc:
        reply(people.unit_staff, order, **kw)
    assert field in exc.value.message_dict
    assert written() == before


def test_one_reply_waits_for_review_at_a_time_then_the_unit_replies_again(people, district, issue):
    order = issue()
    first = reply(people.unit_staff, order)
    before = written()
    with pytest.raises(ValidationError) as exc:
        reply(people.unit_head, order, text="补充")
    assert "awaits the office's review" in exc.value.message_dict["order"][0]
    assert written() == before
    # Returned: the comment is required, and then the unit replies again; both replies are kept.
    with pytest.raises(ValidationError) as exc:
        review(people, first, accept=False, comment="  ")
    assert list(exc.value.message_dict) == ["comment"]
    assert written() == before
    review(people, first, accept=False, comment="请补充整改佐证材料")
    assert OrderTarget.objects.get(order=order, unit=district.sub_a).reply_status == Decision.RETURNED
    second = reply(people.unit_head, order, text="已补充材料")
    assert second.number == 2
    assert list(OrderReply.objects.filter(target=first.target).values_list("number", "status")) == [
        (1, Decision.RETURNED), (2, Decision.PENDING),
    ]
    told = Reminder.objects.get(key=f"review:order_reply:{first.pk}")
    assert told.unit == district.sub_a and "请补充" in told.text


def test_a_reviewed_reply_cannot_be_reviewed_again(people, issue):
    order = issue()
    answer = review(people, reply(people.unit_staff, order))
    before = written()
    for accept in (True, False):
        with pytest.raises(ValidationError) as exc:
            review(people, answer, accept=accept, comment="再审")
        assert list(exc.value.message_dict) == ["status"]
    assert written() == before
    with pytest.raises(ValidationError) as exc:
        reply(people.unit_head, order, text="再回复")
    assert "accepted" in exc.value.message_dict["order"][0]


@pytest.mark.parametrize("role", ["committee", "leader_main", "leader_domain", "unit_head", "unit_staff", "other_staff", "resident"])
def test_only_the_office_reviews(people, issue, role):
    answer = reply(people.unit_staff, issue())
    before = written()
    with pytest.raises(PermissionDenied):
        reply_services.review_order_reply(user=getattr(people, role), reply=answer, accept=True)
    assert written() == before


def test_another_districts_office_may_not_review(people, issue, other_district):
    office = UnitFactory(code="ft-office", name="福田区委改革办", kind="reform_office", parent=other_district.district)
    officer = MembershipFactory(unit=office, role=Role.OFFICE).user
    answer = reply(people.unit_staff, issue())
    before = written()
    with pytest.raises(PermissionDenied):
        reply_services.review_order_reply(user=officer, reply=answer, accept=True)
    assert written() == before


def test_the_order_closes_on_the_last_acceptance_and_it_is_audited(people, district, issue):
    order = issue()
    a = reply(people.unit_staff, order)
    b = reply(people.other_staff, order)
    review(people, a)
    order.refresh_from_db()
    assert (order.status, order.closed_on) == (OrderStatus.ISSUED, None)
    review(people, b, accept=False, comment="请说明进度")
    b2 = reply(people.other_staff, order, text="已说明")
    review(people, b2)
    order.refresh_from_db()
    assert (order.status, order.closed_on) == (OrderStatus.CLOSED, TODAY)
    close = history_of(order).filter(action="order.close").get()
    assert close.actor == people.office and close.changes["status"] == ["issued", "closed"]
    assert dict(OrderTarget.objects.filter(order=order).values_list("unit_id", "accepted_on")) == {
        district.sub_a.pk: TODAY, district.sub_b.pk: TODAY,
    }
    # A closed order takes no more replies (nothing is owed).
    with pytest.raises(ValidationError) as exc:
        reply(people.unit_head, order)
    assert "closed" in exc.value.message_dict["order"][0]


def test_a_person_in_two_addressed_units_replies_for_each(people, district, issue):
    MembershipFactory(user=people.unit_head, unit=district.sub_b, role=Role.UNIT_HEAD)
    order = issue()
    first = reply(people.unit_head, order, unit=district.sub_b)
    second = reply(people.unit_head, order)  # the unit that still owes one
    assert {first.target.unit, second.target.unit} == {district.sub_a, district.sub_b}


# --- copies (抄送) -----------------------------------------------------------------------------------


def test_an_order_is_copied_to_units_that_are_told_and_owe_nothing(people, district, issue):
    order = issue(units=[district.sub_a], cc_units=[district.sub_b, district.department])
    assert set(order.copies.values_list("unit", flat=True)) == {district.sub_b.pk, district.department.pk}
    assert set(order.targets.values_list("unit", flat=True)) == {district.sub_a.pk}
    cc = Reminder.objects.get(key=f"order:{order.pk}:cc:{district.sub_b.pk}")
    assert cc.deliveries.filter(user=people.other_staff).exists() and "抄送" in cc.subject
    assert history_of(order).get(action="order.issue").changes["cc_units"] == [None, sorted([district.sub_b.pk, district.department.pk])]
    # A copied unit neither signs nor replies.
    for act in (
        lambda: order_services.acknowledge_order(user=people.other_staff, order=order),
        lambda: reply(people.other_staff, order),
    ):
        with pytest.raises(PermissionDenied):
            act()


def test_a_unit_both_addressed_and_copied_or_of_another_district_is_refused(people, district, issue, other_district):
    before = written()
    for cc in ([district.sub_a], [other_district.street]):
        with pytest.raises(ValidationError) as exc:
            issue(units=[district.sub_a], cc_units=cc)
        assert list(exc.value.message_dict) == ["cc_units"], cc
    assert written() == before and not Order.objects.exists()
