"""POST /orders/{id}/replies (JSON or multipart with files), POST /order-replies/{id}/review, the
order detail with its status, targets (acknowledgement, replies, lateness), copies and both
deadlines per task, and the list's ``state`` filter (issue 8 parts 2 and 5)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.supervision.models import Order, OrderReply, OrderReplyFile, OrderTarget
from reformledger.supervision.services import orders as order_services
from reformledger.supervision.services import replies as reply_services
from tests.clients import errors_by_field, multipart
from tests.supervision.conftest import TODAY, day, days
from tests.supervision.files import fake_pdf, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(people, district):
    return order_services.issue_order(
        user=people.office, title="关于加快推进不动产登记改革的督查令", reply_by=days(5),
        units=[district.sub_a, district.sub_b], cc_units=[district.department],
    )


def replies_path(order) -> str:
    return f"/orders/{order.pk}/replies"


def nothing_written():
    return not OrderReply.objects.exists() and not OrderReplyFile.objects.exists()


def test_a_unit_replies_in_json_and_the_detail_shows_it(api, people, district, order):
    response = api.post(replies_path(order), people.unit_staff, {"text": "已完成整改。"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["status"], body["days_late"], body["unit"]["code"]) == (1, "pending", 0, "lh-guiyuan")
    assert body["submitted_by"]["id"] == people.unit_staff.pk and body["files"] == []
    detail = api.get(f"/orders/{order.pk}", people.office).json()
    targets = {t["unit"]["code"]: t for t in detail["targets"]}
    assert targets["lh-guiyuan"]["reply_status"] == "pending" and targets["lh-guiyuan"]["acknowledged_at"] is not None
    assert [r["text"] for r in targets["lh-guiyuan"]["replies"]] == ["已完成整改。"]
    assert targets["lh-huangbei"]["replies"] == [] and targets["lh-huangbei"]["acknowledged_at"] is None
    assert [u["code"] for u in detail["cc_units"]] == ["lh-health"]
    assert detail["status"] == "issued"


def test_a_reply_with_files_in_multipart(api, people, order, media):
    response = multipart(api, replies_path(order), people.unit_staff, {"text": "整改报告见附件", "files": [pdf("整改报告.pdf")]})
    assert response.status_code == 201, response.content
    (file,) = response.json()["files"]
    assert (file["name"], file["kind"]) == ("整改报告.pdf", "pdf")
    assert api.client.get(file["url"]).status_code == 302  # pages need a session: sent to log in
    bad = multipart(api, replies_path(order), people.unit_head, {"text": "x", "files": [fake_pdf()]})
    assert bad.status_code == 422 and "files" in errors_by_field(bad)


@pytest.mark.parametrize(("body", "field"), [({"text": " "}, "text"), ({}, "text"), ({"text": "x", "copies": 1}, "copies")])
def test_an_empty_reply_is_422_naming_the_field(api, people, order, body, field):
    response = api.post(replies_path(order), people.unit_staff, body)
    assert response.status_code == 422, response.content
    assert field in errors_by_field(response)
    assert nothing_written()


@pytest.mark.parametrize("role", ["office", "committee", "leader_main", "resident", "expert"])
def test_a_reply_to_an_order_not_addressed_to_the_unit_is_403(api, people, district, role):
    order = order_services.issue_order(user=people.office, title="t", reply_by=days(5), units=[district.sub_a])
    response = api.post(replies_path(order), getattr(people, role), {"text": "回复"})
    assert response.status_code == 403
    assert api.post(replies_path(order), people.other_staff, {"text": "回复"}).status_code == 403
    assert api.post("/orders/999999/replies", people.unit_staff, {"text": "回复"}).status_code == 404
    assert api.post(replies_path(order), None, {"text": "回复"}).status_code == 401
    assert nothing_written()


def test_a_copied_unit_reads_the_order_but_may_not_reply(api, people, district):
    order = order_services.issue_order(
        user=people.office, title="t", reply_by=days(5), units=[district.sub_a], cc_units=[district.sub_b],
    )
    assert api.get(f"/orders/{order.pk}", people.other_staff).status_code == 200
    assert [o["id"] for o in api.get("/orders", people.other_staff).json()["items"]] == [order.pk]
    assert api.post(replies_path(order), people.other_staff, {"text": "回复"}).status_code == 403
    assert api.post(f"/orders/{order.pk}/acknowledge", people.other_staff).status_code == 403


def test_the_office_accepts_and_returns_and_the_last_acceptance_closes(api, people, district, order):
    a = api.post(replies_path(order), people.unit_staff, {"text": "桂园已完成"}).json()
    b = api.post(replies_path(order), people.other_staff, {"text": "黄贝已完成"}).json()
    no_comment = api.post(f"/order-replies/{b['id']}/review", people.office, {"accept": False})
    assert no_comment.status_code == 422 and list(errors_by_field(no_comment)) == ["comment"]
    returned = api.post(f"/order-replies/{b['id']}/review", people.office, {"accept": False, "comment": "请补充材料"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    again = api.post(f"/order-replies/{b['id']}/review", people.office, {"accept": True})
    assert again.status_code == 422 and list(errors_by_field(again)) == ["status"]
    accepted = api.post(f"/order-replies/{a['id']}/review", people.office, {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["reviewed_by"]["id"] == people.office.pk
    b2 = api.post(replies_path(order), people.other_staff, {"text": "已补充"}).json()
    assert b2["number"] == 2
    assert api.post(f"/order-replies/{b2['id']}/review", people.office, {"accept": True}).status_code == 200
    detail = api.get(f"/orders/{order.pk}", people.office).json()
    assert (detail["status"], detail["closed_on"]) == ("closed", TODAY.isoformat())
    huangbei = next(t for t in detail["targets"] if t["unit"]["code"] == "lh-huangbei")
    assert [(r["number"], r["status"], r["review_comment"]) for r in huangbei["replies"]] == [
        (1, "returned", "请补充材料"), (2, "accepted", ""),
    ]


@pytest.mark.parametrize("role", ["unit_staff", "unit_head", "committee", "leader_main", "resident"])
def test_only_the_office_reviews_replies(api, people, order, role):
    answer = reply_services.reply_to_order(user=people.unit_staff, order=order, text="已完成")
    response = api.post(f"/order-replies/{answer.pk}/review", getattr(people, role), {"accept": True})
    assert response.status_code == 403
    assert api.post("/order-replies/999999/review", people.office, {"accept": True}).status_code == 404
    assert OrderReply.objects.get().status == "pending"


def test_the_detail_shows_each_task_against_the_orders_deadline_and_its_own(api, people, district, reform, add_task, add_red):
    late = add_red(reform, title="逾期任务", late=6)
    on_track = add_task(reform, title="正常任务", due_date=days(30))
    order = order_services.issue_order(
        user=people.office, title="t", reply_by=days(5), items=[(late, days(1)), (on_track, days(20))],
    )
    Order.objects.filter(pk=order.pk).update(issued_on=days(-10), reply_by=days(-2))
    items = {i["title"]: i for i in api.get(f"/orders/{order.pk}", people.office).json()["items"]}
    assert (items["逾期任务"]["due_date"], items["逾期任务"]["days_past_due"], items["逾期任务"]["level"]) == (day(-6), 6, "red")
    assert (items["逾期任务"]["deadline"], items["逾期任务"]["days_past_deadline"]) == (day(1), 0)
    assert (items["正常任务"]["days_past_due"], items["正常任务"]["days_past_deadline"]) == (0, 0)
    target = api.get(f"/orders/{order.pk}", people.office).json()["targets"][0]
    assert target["acknowledgement_overdue"] is True and target["reply_days_overdue"] == 2


def test_the_list_filters_by_state(api, people, district):
    def make(title):
        return order_services.issue_order(user=people.office, title=title, reply_by=days(5), units=[district.sub_a])

    fresh, replied, closed, late = make("新"), make("已回复"), make("已办结"), make("逾期")
    reply_services.reply_to_order(user=people.unit_staff, order=replied, text="回复")
    answer = reply_services.reply_to_order(user=people.unit_staff, order=closed, text="回复")
    reply_services.review_order_reply(user=people.office, reply=answer, accept=True)
    Order.objects.filter(pk=late.pk).update(issued_on=days(-10), reply_by=days(-1))

    def ids(state, user=people.office):
        return {o["id"] for o in api.get("/orders", user, state=state).json()["items"]}

    assert ids("issued") == {fresh.pk}
    assert ids("partly_replied") == {replied.pk}
    assert ids("closed") == {closed.pk}
    assert ids("overdue") == {late.pk}
    assert ids("review") == {replied.pk}
    assert ids("pending") == {fresh.pk, late.pk}
    assert ids("overdue", people.unit_staff) == {late.pk} and ids("overdue", people.other_staff) == set()
    assert api.get("/orders", people.office, state="nonsense").status_code == 422


def test_the_order_list_with_replies_takes_the_same_queries_for_2_and_20(api, people, district, media, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            order = order_services.issue_order(user=people.office, title="督查令", reply_by=TODAY + dt.timedelta(days=5),
                                               units=[district.sub_a, district.sub_b], cc_units=[district.department])
            reply_services.reply_to_order(user=people.unit_staff, order=order, text="回复", files=[pdf()])

    make(2)
    api.get("/orders", people.office)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/orders", people.office).json()["items"]) == 2
    make(18)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/orders", people.office).json()["items"]) == 20
    assert OrderTarget.objects.filter(reply_status="pending").count() == 20


def test_the_reply_documents_both_json_and_multipart(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    content = schema["paths"]["/api/v1/orders/{order_id}/replies"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert set(content["application/json"]["schema"]["properties"]) == {"text", "unit"}
    assert content["multipart/form-data"]["schema"]["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
