"""One count, one meaning (issue 8, part 7): the warning board, its API, the workbench, the monthly
bulletin and the demo's log count the same tasks — leaf tasks — the same way on the same day.

A parent task takes the worst level of its children, so counting it as well counted the same late
work twice (the board showed 33 red where the bulletin said 16)."""

import pytest
from django.urls import reverse

from reformledger.cockpit import selectors as cockpit_selectors
from reformledger.supervision.bulletin import Period, make_bulletin
from reformledger.supervision.models import Level
from tests.supervision.conftest import TODAY, days


@pytest.fixture
def tree(reform, add_task, add_red, add_amber):
    """A parent with two red sub-tasks and one amber leaf beside it: the parent is red too."""
    parent = add_task(reform, title="父任务", start_date=days(-40), due_date=days(60))
    add_red(reform, parent=parent, title="子任务一")
    add_red(reform, parent=parent, title="子任务二", late=5)
    add_amber(reform, title="滞后任务")
    parent.refresh_from_db()
    assert parent.level == Level.RED  # the parent's level is its children's
    return parent


def test_the_board_the_api_the_workbench_and_the_bulletin_count_leaf_tasks(tree, people, district, client_for, api):
    board = client_for(people.office).get(reverse("supervision:board"))
    assert (board.context["red"], board.context["amber"]) == (2, 1)
    titles = [task.title for task in board.context["page"].object_list]
    assert "父任务" not in titles and set(titles) == {"子任务一", "子任务二", "滞后任务"}

    listed = api.get("/warnings", people.office).json()
    assert listed["count"] == 3
    assert {item["title"] for item in listed["items"]} == {"子任务一", "子任务二", "滞后任务"}
    assert api.get("/warnings", people.office, level="red").json()["count"] == 2

    assert cockpit_selectors.warning_counts(people.office) == {Level.RED: 2, Level.AMBER: 1}

    bulletin = make_bulletin(period=Period.of(TODAY), district=district.district)
    assert (bulletin.red_total, bulletin.amber_total) == (2, 1)


def test_the_labels_say_what_is_counted(tree, people, client_for):
    board = client_for(people.office).get(reverse("supervision:board")).content.decode()
    assert "leaf tasks (tasks without sub-tasks)" in board
    bulletin = client_for(people.office).get(reverse("supervision:bulletin")).content.decode()
    assert "tasks are counted as leaf tasks" in bulletin
    workbench = client_for(people.office).get(reverse("cockpit:workbench")).content.decode()
    assert "leaf tasks overdue" in workbench


def test_the_public_page_says_its_figures_cover_published_reforms(client_for, db):
    home = client_for().get(reverse("portal:home")).content.decode()
    assert "count the reforms published on this site" in home
