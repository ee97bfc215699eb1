"""GET /warnings: the warning board as an API: filters, scoping, pagination, query count."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reformledger.org.models import Domain
from reformledger.supervision.models import Task
from reformledger.supervision.scan import scan_deadlines
from reformledger.supervision.services import reports as report_services
from tests.clients import errors_by_field
from tests.supervision.conftest import TODAY, days

ITEM_KEYS = {
    "id", "title", "level", "level_reason", "warning", "start_date", "due_date", "progress", "last_report_on",
    "unit", "assignee", "reform",
}


@pytest.fixture
def board(people, district, reform, reform_factory, add_task, add_red, add_amber):
    """Sub-district A's reform: a red, an amber and a green task (and a red one given to sub-district B);
    the health bureau's key reform in public services: one amber task."""
    key = reform_factory(
        code="KEY-1", tier="key", lead_unit=district.department, domain=Domain.objects.get(code="public-services"),
        start_date=TODAY - dt.timedelta(days=100), due_date=TODAY + dt.timedelta(days=100),
    )
    return {
        "red": add_red(reform, title="逾期任务", assignee=people.unit_staff),  # overdue by two days
        "amber": add_amber(reform, title="滞后任务"),  # due in five days, nothing done after fifteen of twenty
        "green": add_task(reform, title="正常任务", start_date=days(-5), due_date=days(90)),
        "red_b": add_red(reform, title="黄贝任务", unit=district.sub_b),
        "key_amber": add_amber(key, title="医改任务", unit=district.department),
        "key": key,
    }


def test_the_office_sees_red_first_then_amber(api, people, board, reform):
    response = api.get("/warnings", people.office)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 4
    assert [i["level"] for i in body["items"]] == ["red", "red", "amber", "amber"]
    item = next(i for i in body["items"] if i["id"] == board["red"].pk)
    assert set(item) == ITEM_KEYS
    assert (item["level_reason"], item["warning"]) == ("overdue", "Overdue by 2 days")
    assert item["unit"]["code"] == "lh-guiyuan" and item["assignee"]["name"] == "unit_staff"
    assert item["reform"] == {
        "id": reform.pk, "code": "SV-1", "title": "不动产登记改革", "tier": "micro",
        "domain": {"id": reform.domain_id, "code": "government-functions", "name": reform.domain.name},
    }
    behind = next(i for i in body["items"] if i["id"] == board["amber"].pk)
    assert behind["level_reason"] == "behind" and behind["warning"].startswith("Due in 5 days: 0% done")


def test_filters(api, people, board, district):
    def ids(**params):
        response = api.get("/warnings", people.office, **params)
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["items"]}

    assert ids(level="red") == {board["red"].pk, board["red_b"].pk}
    assert ids(level="amber") == {board["amber"].pk, board["key_amber"].pk}
    assert ids(unit="lh-huangbei") == {board["red_b"].pk}
    assert ids(domain="public-services") == {board["key_amber"].pk}
    assert ids(tier="key") == {board["key_amber"].pk}
    assert ids(tier="micro", level="amber") == {board["amber"].pk}
    assert ids(district=district.district.pk) == ids() and len(ids()) == 4
    assert ids(district=district.sub_a.pk) == set()
    assert ids(q="医改") == {board["key_amber"].pk}


def test_bad_filters_are_422_naming_them(api, people, board):
    response = api.get("/warnings", people.office, level="green", tier="galaxy", district="x", page_size=0)
    assert response.status_code == 422
    assert set(errors_by_field(response)) == {"level", "tier", "district", "page_size"}


def test_pagination(api, people, board):
    pages = [api.get("/warnings", people.office, page=n, page_size=3).json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1, 0] and {p["count"] for p in pages} == {4}


def test_each_person_sees_their_part(api, people, board):
    def ids(user):
        return {i["id"] for i in api.get("/warnings", user).json()["items"]}

    # the lead unit sees its reform's tasks; sub-district B only the task given to it
    assert ids(people.unit_staff) == {board["red"].pk, board["amber"].pk, board["red_b"].pk}
    assert ids(people.other_staff) == {board["red_b"].pk}
    # the domain leader (public services) sees the key reform; the main leader key reforms
    assert ids(people.leader_domain) == {board["key_amber"].pk}
    assert ids(people.leader_main) == {board["key_amber"].pk}
    assert len(ids(people.committee)) == 4


@pytest.mark.parametrize("role", ["resident", "expert"])
def test_residents_and_experts_may_not_see_the_board(api, people, board, role):
    response = api.get("/warnings", getattr(people, role))
    assert response.status_code == 403 and errors_by_field(response) == {}


def test_anonymous_is_401(api, board):
    assert api.get("/warnings").status_code == 401


@pytest.mark.parametrize("role", ["office", "unit_staff"])
def test_the_query_count_does_not_grow_with_the_rows(api, people, reform, add_red, add_amber, role, django_assert_num_queries):
    user = getattr(people, role)
    add_red(reform, assignee=people.unit_staff)
    add_amber(reform)
    api.get("/warnings", user)  # the token's first use is recorded
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/warnings", user).json()["items"]) == 2
    for n in range(9):
        add_red(reform, title=f"r{n}", assignee=people.unit_staff if n % 2 else None)
        add_amber(reform, title=f"a{n}")
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/warnings", user).json()["items"]) == 20
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/warnings", user, page_size=5).json()["items"]) == 5


def test_a_kept_page_follows_writes_and_the_daily_scan(api, people, board):
    """Pages are kept until the next audited write; the scan is one (its summary is audited), so a
    level that moves overnight shows at once."""
    first = api.get("/warnings", people.office).json()
    assert api.get("/warnings", people.office).json() == first  # kept
    # A scan that moves a level is seen at once (a task's level changed behind the services'
    # back, as a threshold change would do; the scan puts it right and is audited).
    Task.objects.filter(pk=board["green"].pk).update(due_date=TODAY - dt.timedelta(days=1))
    assert api.get("/warnings", people.office).json() == first  # no audited write yet: kept
    scan_deadlines(on=TODAY)
    assert api.get("/warnings", people.office).json()["count"] == first["count"] + 1
    # The unit reports it done and the office accepts: the task leaves the board at once.
    report = report_services.submit_report(user=people.unit_staff, task=board["red"], percent=100, text="完成")
    report_services.review_report(user=people.office, report=report, accept=True)
    after = api.get("/warnings", people.office).json()
    assert board["red"].pk not in [i["id"] for i in after["items"]]
    assert after["count"] == first["count"]
