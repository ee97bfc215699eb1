"""Supervision order pages (改革督查令, issue 3 part 2): the list, the form, the order with its
acknowledgement (签收) — who may see and do what, bad input, query counts."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.reforms.models import Status
from reformledger.supervision.models import Order, OrderItem, OrderTarget
from reformledger.supervision.services import orders as order_services
from tests.factories import TaskFactory
from tests.supervision.conftest import TODAY, days

pytestmark = pytest.mark.django_db
ORDERS = reverse("supervision:orders")
NEW = reverse("supervision:order-new")



@pytest.fixture
def issue(people):
    def make(units=(), items=(), title="关于加快推进不动产登记改革的督查令", **kwargs):
        return order_services.issue_order(
            user=people.office, title=title, reply_by=kwargs.pop("reply_by", days(7)), units=list(units),
            items=list(items), **kwargs,
        )

    return make


# --- the list --------------------------------------------------------------------------------------


def test_office_sees_every_order_with_acknowledgement_counts(client_for, people, district, issue):
    a = issue(units=[district.sub_a, district.sub_b])
    b = issue(units=[district.department], title="第二份督查令")
    order_services.acknowledge_order(user=people.unit_staff, order=a)
    html = client_for(people.office).get(ORDERS).content.decode()
    assert a.code in html and b.code in html
    assert "1 of 2 acknowledged" in html
    assert "0 of 1 acknowledged" in html


def test_a_unit_sees_only_orders_addressed_to_it_and_its_state(client_for, people, district, issue):
    mine = issue(units=[district.sub_a])
    other = issue(units=[district.sub_b], title="不是发给桂园的")
    response = client_for(people.unit_staff).get(ORDERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.code in html and other.code not in html
    assert "rl-order-unacknowledged" in html and "Not acknowledged" in html
    order_services.acknowledge_order(user=people.unit_head, order=mine)
    html = client_for(people.unit_staff).get(ORDERS).content.decode()
    assert "rl-order-unacknowledged" not in html and "Acknowledged" in html


def test_the_unacknowledged_filter(client_for, people, district, issue):
    signed = issue(units=[district.sub_a], title="已签收")
    open_ = issue(units=[district.sub_a], title="未签收")
    order_services.acknowledge_order(user=people.unit_staff, order=signed)
    for user in (people.unit_staff, people.office):
        html = client_for(user).get(ORDERS + "?state=pending").content.decode()
        assert open_.code in html and signed.code not in html, user


@pytest.mark.parametrize("role", ["expert", "resident"])
def test_people_outside_the_programme_may_not_see_orders(client_for, people, district, issue, role):
    order = issue(units=[district.sub_a])
    client = client_for(getattr(people, role))
    for url in (ORDERS, NEW, reverse("supervision:order", args=[order.pk]), reverse("supervision:order-docx", args=[order.pk])):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client_for, district, issue):
    order = issue(units=[district.sub_a])
    for url in (ORDERS, NEW, reverse("supervision:order", args=[order.pk])):
        response = client_for().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["office", "unit_staff"])
def test_the_list_takes_the_same_queries_for_2_and_20_orders(client_for, people, district, issue, role,
                                                               django_assert_num_queries):
    for i in range(2):
        issue(units=[district.sub_a, district.sub_b], title=f"督查令{i}")
    client = client_for(getattr(people, role))
    client.get(ORDERS)  # warm the session and the caches every page shares
    with CaptureQueriesContext(connection) as small:
        first = client.get(ORDERS)
    assert first.status_code == 200
    expected = len(small.captured_queries)  # now: the next request empties the log
    for i in range(18):
        order = issue(units=[district.sub_a, district.sub_b], title=f"督查令{i + 2}")
        if i % 2:
            order_services.acknowledge_order(user=people.unit_staff, order=order)
    client.get(ORDERS)
    with django_assert_num_queries(expected):
        response = client.get(ORDERS)
    assert response.context["page"].paginator.count == 20


# --- a new order -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["committee", "leader_main", "unit_head", "unit_staff"])
def test_only_the_office_issues_orders(client_for, people, district, role):
    client = client_for(getattr(people, role))
    assert client.get(NEW).status_code == 403
    response = client.post(NEW, {"title": "x", "reply_by": days(5).isoformat(), "units": [district.sub_a.pk]})
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_office_issues_an_order_with_tasks_and_deadlines(client_for, people, district, reform, add_task):
    task = add_task(reform, title="制定实施方案", due_date=days(60))
    other = add_task(reform, title="上线运行", unit=district.sub_b, due_date=days(90))
    client = client_for(people.office)
    page = client.get(NEW + f"?reform={reform.pk}")
    assert page.status_code == 200
    assert "制定实施方案" in page.content.decode()  # the reform's open tasks are offered
    response = client.post(NEW, {
        "title": "关于加快推进不动产登记改革的督查令",
        "body": "请各单位高度重视。",
        "reply_by": days(5).isoformat(),
        "units": [district.department.pk],
        "items": [task.pk, other.pk],
        f"deadline-{task.pk}": days(30).isoformat(),
        f"deadline-{other.pk}": "",
    })
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supervision:order", args=[order.pk])
    assert order.code == f"罗改督〔{TODAY.year}〕1号"
    # The chosen units, plus the units responsible for the tasks.
    assert set(order.targets.values_list("unit__code", flat=True)) == {"lh-health", "lh-guiyuan", "lh-huangbei"}
    deadlines = dict(OrderItem.objects.values_list("task__title", "deadline"))
    assert deadlines == {"制定实施方案": days(30), "上线运行": days(90)}
    task.refresh_from_db()
    assert task.due_date == days(60)  # issue 8: the order's deadline is its own; the due date stays
    assert AuditEntry.objects.filter(action="order.issue").count() == 1


def test_an_order_with_no_target_unit_is_refused_on_units(client_for, people):
    response = client_for(people.office).post(NEW, {"title": "没有主送单位", "reply_by": days(5).isoformat()})
    assert response.status_code == 400
    assert response.context["form"].errors["units"] == ["An order needs at least one target unit."]
    assert "An order needs at least one target unit." in response.content.decode()
    assert not Order.objects.exists() and not AuditEntry.objects.filter(action="order.issue").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "reply_by": days(5).isoformat()}, "title", "This field is required."),
        ({"title": "t", "reply_by": "next week"}, "reply_by", "Enter a valid date."),
        ({"title": "t", "reply_by": days(-1).isoformat()}, "reply_by", "The reply-by date has passed."),
    ],
)
def test_bad_order_input_is_shown_and_nothing_is_written(client_for, people, district, data, field, message):
    response = client_for(people.office).post(NEW, {**data, "units": [district.sub_a.pk]})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Order.objects.exists()


def test_a_deadline_that_has_passed_is_refused_and_nothing_moves(client_for, people, reform, add_task):
    parent = add_task(reform, title="父任务", due_date=days(40))
    child = add_task(reform, parent=parent, title="子任务", due_date=days(20))
    response = client_for(people.office).post(NEW, {
        "title": "t", "reply_by": days(5).isoformat(), "items": [child.pk], f"deadline-{child.pk}": days(-2).isoformat(),
    })
    assert response.status_code == 400
    assert any("子任务" in e and "has passed" in e for e in response.context["form"].errors["items"])
    assert not Order.objects.exists()
    child.refresh_from_db()
    assert child.due_date == days(20)


def test_a_bad_deadline_or_a_closed_task_is_refused(client_for, people, reform, reform_factory, add_task):
    task = add_task(reform)
    client = client_for(people.office)
    response = client.post(NEW, {"title": "t", "reply_by": days(5).isoformat(), "items": [task.pk], f"deadline-{task.pk}": "soon"})
    assert response.status_code == 400
    assert "as a date" in " ".join(response.context["form"].errors["items"])
    closed = reform_factory(code="SV-DONE", status=Status.COMPLETED, start_date=days(-100), due_date=days(100))
    done = TaskFactory(reform=closed, title="已办结", unit=task.unit, start_date=days(-10), due_date=days(10))
    response = client.post(NEW, {"title": "t", "reply_by": days(5).isoformat(), "items": [done.pk]})
    assert response.status_code == 400 and "items" in response.context["form"].errors
    assert not Order.objects.exists()


def test_the_task_finder_answers_htmx_with_rows_and_skips_chosen_tasks(client_for, people, reform, add_task):
    a = add_task(reform, title="梳理登记流程")
    add_task(reform, title="建设一窗受理平台")
    client = client_for(people.office)
    response = client.get(NEW, {"q": "流程"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "梳理登记流程" in html and "一窗受理" not in html
    html = client.get(NEW, {"q": "SV-1", "items": [a.pk]}, HTTP_HX_REQUEST="true").content.decode()
    assert "建设一窗受理平台" in html and "梳理登记流程" not in html


def test_find_without_javascript_keeps_what_was_typed(client_for, people, district, reform, add_task):
    add_task(reform, title="梳理登记流程")
    response = client_for(people.office).post(NEW, {"title": "草拟中", "q": "登记", "find": "1", "units": [district.sub_b.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "梳理登记流程" in html and 'value="草拟中"' in html
    assert not Order.objects.exists()


# --- one order ---------------------------------------------------------------------------------------


def test_the_order_page_shows_number_targets_tasks_and_levels(client_for, people, district, reform, add_task, issue):
    task = add_task(reform, title="制定实施方案")
    order = issue(units=[district.sub_b], items=[(task, days(30))], body="请按时完成。")
    order_services.acknowledge_order(user=people.other_staff, order=order)
    response = client_for(people.office).get(reverse("supervision:order", args=[order.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (order.code, "桂园街道", "黄贝街道", "制定实施方案", "请按时完成。", "other_staff", "rl-level-"):
        assert text in html, text
    assert "Acknowledge (签收)" not in html  # the office signs nothing


@pytest.mark.parametrize(("role", "status"), [("office", 200), ("committee", 200), ("unit_staff", 200),
                                              ("other_staff", 404), ("leader_main", 404)])
def test_who_may_open_an_order(client_for, people, district, issue, role, status):
    order = issue(units=[district.sub_a])
    client = client_for(getattr(people, role))
    assert client.get(reverse("supervision:order", args=[order.pk])).status_code == status
    assert client.get(reverse("supervision:order-docx", args=[order.pk])).status_code == status


def test_a_target_unit_acknowledges_once(client_for, people, district, issue):
    order = issue(units=[district.sub_a, district.sub_b])
    client = client_for(people.unit_staff)
    page = client.get(reverse("supervision:order", args=[order.pk])).content.decode()
    assert "Acknowledge (签收)" in page
    url = reverse("supervision:order-acknowledge", args=[order.pk])
    response = client.post(url, {"unit": district.sub_a.pk}, follow=True)
    assert response.status_code == 200
    target = OrderTarget.objects.get(order=order, unit=district.sub_a)
    assert target.acknowledged_by == people.unit_staff and target.acknowledged_at is not None
    first = target.acknowledged_at
    assert "Acknowledge (签收)" not in response.content.decode()
    again = client.post(url, follow=True)
    assert "acknowledged this order on" in again.content.decode()
    target.refresh_from_db()
    assert target.acknowledged_at == first
    assert AuditEntry.objects.filter(action="order.acknowledge").count() == 1


def test_a_unit_the_order_is_not_addressed_to_cannot_acknowledge(client_for, people, district, issue):
    order = issue(units=[district.sub_a])
    url = reverse("supervision:order-acknowledge", args=[order.pk])
    assert client_for(people.other_staff).post(url).status_code == 403
    assert client_for(people.office).post(url).status_code == 403
    assert client_for(people.other_staff).post(url, {"unit": district.sub_a.pk}).status_code == 403
    assert client_for(people.unit_staff).get(url).status_code == 405
    assert not OrderTarget.objects.filter(acknowledged_at__isnull=False).exists()
