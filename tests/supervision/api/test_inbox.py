"""GET /inbox, POST /inbox/read, and the OpenAPI document with the supervision paths."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.supervision.models import Channel, Delivery
from reformledger.supervision.services import reports as report_services
from tests.clients import errors_by_field

INBOX_KEYS = {"id", "kind", "subject", "text", "link", "sender", "task", "reform", "order", "created_at", "read_at"}


@pytest.fixture
def urge(people, reform, add_task):
    """The office urges sub-district A about a task, ``n`` times: one inbox message per person each time."""
    task = add_task(reform, title="平台上线")

    def send(n=1):
        for i in range(n):
            report_services.urge(user=people.office, task=task, message=f"请加快进度{i}")
        return task

    return send


def test_the_inbox_lists_my_messages_newest_first_with_the_unread_count(api, people, urge):
    task = urge(3)
    response = api.get("/inbox", people.unit_staff)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["unread"]) == (3, 3)
    assert [i["text"] for i in body["items"]] == ["请加快进度2", "请加快进度1", "请加快进度0"]
    item = body["items"][0]
    assert set(item) == INBOX_KEYS
    assert item["kind"] == "urge" and item["task"] == task.pk and item["read_at"] is None
    assert item["sender"] == {"id": people.office.pk, "name": "office"}
    assert api.get("/inbox", people.other_staff).json() == {"count": 0, "unread": 0, "items": []}
    assert api.get("/inbox", people.resident).json()["count"] == 0


def test_marking_read(api, people, urge):
    urge(3)
    ids = [i["id"] for i in api.get("/inbox", people.unit_staff).json()["items"]]
    response = api.post("/inbox/read", people.unit_staff, {"ids": ids[:1]})
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1, "unread": 2}
    body = api.get("/inbox", people.unit_staff).json()
    assert (body["count"], body["unread"]) == (3, 2) and body["items"][0]["read_at"] is not None
    # someone else's messages are not theirs to mark
    others = list(Delivery.objects.filter(user=people.unit_head).values_list("pk", flat=True))
    assert api.post("/inbox/read", people.unit_staff, {"ids": others}).json() == {"marked": 0, "unread": 2}
    assert not Delivery.objects.filter(user=people.unit_head, read_at__isnull=False).exists()
    # no ids, or no body at all: everything
    assert api.post("/inbox/read", people.unit_staff).json() == {"marked": 2, "unread": 0}
    response = api.client.post("/api/v1/inbox/read", "", content_type="application/json", headers=api.headers(people.unit_head))
    assert response.json() == {"marked": 3, "unread": 0}


def test_bad_ids_are_422(api, people, urge):
    urge(1)
    response = api.post("/inbox/read", people.unit_staff, {"ids": ["one"]})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["ids.0"]
    response = api.post("/inbox/read", people.unit_staff, {"all": True})
    assert response.status_code == 422 and list(errors_by_field(response)) == ["all"]
    assert not Delivery.objects.filter(read_at__isnull=False).exists()


def test_inbox_pagination(api, people, urge):
    urge(5)
    pages = [api.get("/inbox", people.unit_staff, page=n, page_size=2).json() for n in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1, 0]
    assert {(p["count"], p["unread"]) for p in pages} == {(5, 5)}


def test_anonymous_is_401(api, people):
    assert api.get("/inbox").status_code == 401
    assert api.post("/inbox/read", None, {}).status_code == 401


def test_the_inbox_query_count_does_not_grow(api, people, urge, django_assert_num_queries):
    urge(2)
    api.get("/inbox", people.unit_staff)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/inbox", people.unit_staff).json()["items"]) == 2
    urge(18)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        body = api.get("/inbox", people.unit_staff).json()
    assert len(body["items"]) == 20 and body["unread"] == 20
    assert Delivery.objects.filter(user=people.unit_staff, channel=Channel.INBOX).count() == 20


# --- OpenAPI -------------------------------------------------------------------------------------

SUPERVISION_PATHS = {
    "/api/v1/reforms/{reform_id}/tasks": {"get", "post"},
    "/api/v1/tasks/{task_id}": {"get", "patch"},
    "/api/v1/tasks/{task_id}/reports": {"post"},
    "/api/v1/tasks/{task_id}/urge": {"post"},
    "/api/v1/reports/review": {"post"},
    "/api/v1/reports/{report_id}/review": {"post"},
    "/api/v1/tasks/{task_id}/progress-correction": {"post"},  # issue 8 part 3
    "/api/v1/reforms/{reform_id}/progress-correction": {"post"},
    "/api/v1/warnings": {"get"},
    "/api/v1/orders": {"get", "post"},
    "/api/v1/orders/{order_id}": {"get"},
    "/api/v1/orders/{order_id}/acknowledge": {"post"},
    "/api/v1/orders/{order_id}/replies": {"post"},  # issue 8 part 5
    "/api/v1/order-replies/{reply_id}/review": {"post"},
    "/api/v1/reforms/{reform_id}/change-requests": {"post"},
    "/api/v1/change-requests/{request_id}/decide": {"post"},
    "/api/v1/reforms/{reform_id}/completion": {"post"},
    "/api/v1/completions/{completion_id}/decide": {"post"},
    "/api/v1/reforms/{reform_id}/completion/reopen": {"post"},  # issue 8 part 4
    "/api/v1/inbox": {"get"},
    "/api/v1/inbox/read": {"post"},
    # issue 8 part 1: extension requests (延期申请)
    "/api/v1/tasks/{task_id}/extensions": {"post"},
    "/api/v1/extensions": {"get"},
    "/api/v1/extensions/{extension_id}/decision": {"post"},
}


def test_the_openapi_document_builds_and_lists_the_supervision_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    for path, methods in SUPERVISION_PATHS.items():
        assert set(schema["paths"].get(path, {})) == methods, path
    operations = [op for methods in schema["paths"].values() for op in methods.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))  # no operation id is used twice
    for path in SUPERVISION_PATHS:
        for operation in schema["paths"][path].values():
            assert operation["tags"] == ["supervision"]
            assert {} not in operation["security"], path  # supervision data is not public
            assert "401" in operation["responses"]


def test_reports_document_both_json_and_multipart(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    report = schema["paths"]["/api/v1/tasks/{task_id}/reports"]["post"]
    content = report["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert set(content["application/json"]["schema"]["properties"]) == {"percent", "text", "problems", "help_needed"}
    form = content["multipart/form-data"]["schema"]
    assert form["properties"]["evidence"] == {
        "type": "array", "items": {"type": "string", "format": "binary"}, "description": form["properties"]["evidence"]["description"],
    }
    assert {"201", "403", "404", "422"} <= set(report["responses"])
    assert report["responses"]["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReportOut"}
    change = schema["paths"]["/api/v1/reforms/{reform_id}/change-requests"]["post"]["requestBody"]["content"]
    changes = change["application/json"]["schema"]["properties"]["changes"]
    assert set(changes["properties"]) == {"goals", "measures", "deliverables", "start_date", "due_date"}
    assert change["multipart/form-data"]["schema"]["properties"]["changes"]["type"] == "string"
    warnings = schema["paths"]["/api/v1/warnings"]["get"]
    assert {"unit", "level", "domain", "tier", "district", "page", "page_size"} <= {p["name"] for p in warnings["parameters"]}
