"""Supervision pages: my tasks, the warning board, a reform's task tree with its timeline, and the
task forms (add, split, edit, remove) — who may see and do what, bad input, query counts."""


import pytest
from django.core.cache import cache
from django.urls import reverse

from reformledger.core.models import AuditEntry
from reformledger.org.models import Domain
from reformledger.reforms.models import Status, Tier
from reformledger.supervision.models import Level, Task
from reformledger.supervision.services import reports as report_services
from tests.supervision.conftest import TODAY, days

OFFICE_MEMBERS = ["office", "committee", "leader_main", "leader_domain", "unit_head", "unit_staff", "other_staff"]
OUTSIDERS = ["expert", "resident"]
MY_TASKS = reverse("supervision:my-tasks")
BOARD = reverse("supervision:board")



@pytest.fixture
def red(reform, add_red, people):
    return add_red(reform, late=5, title="逾期任务", start_date=days(-100), assignee=people.unit_staff)


@pytest.fixture
def amber(reform, add_amber):
    return add_amber(reform, left=3, title="临期任务", start_date=days(-20))


@pytest.fixture
def green(reform, add_task):
    return add_task(reform, title="正常任务", start_date=days(-10), due_date=days(60))


def tree_url(reform) -> str:
    return reverse("supervision:tree", args=[reform.pk])


# --- who may open the pages ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client_for, reform, red):
    for url in [MY_TASKS, BOARD, tree_url(reform), reverse("supervision:task", args=[red.pk]),
                reverse("supervision:task-new", args=[reform.pk]), reverse("supervision:inbox"),
                reverse("supervision:reports")]:
        response = client_for().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", OFFICE_MEMBERS)
def test_every_office_member_has_my_tasks_and_the_board(client_for, people, reform, red, role):
    client = client_for(getattr(people, role))
    assert client.get(MY_TASKS).status_code == 200
    assert client.get(BOARD).status_code == 200


@pytest.mark.parametrize("role", OUTSIDERS)
def test_experts_and_residents_may_not(client_for, people, reform, red, role):
    client = client_for(getattr(people, role))
    for url in [MY_TASKS, BOARD, tree_url(reform), reverse("supervision:task", args=[red.pk])]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("role", "status"),
    [("office", 200), ("committee", 200), ("unit_head", 200), ("unit_staff", 200), ("other_staff", 404),
     ("leader_domain", 404)],
)
def test_the_tree_is_for_whoever_may_see_the_reform(client_for, people, reform, red, role, status):
    assert client_for(getattr(people, role)).get(tree_url(reform)).status_code == status


# --- my tasks ----------------------------------------------------------------------------------------


def test_my_tasks_groups_late_due_soon_and_later(client_for, people, reform, red, amber, green, add_task, district):
    add_task(reform, title="别的单位的任务", unit=district.sub_b, due_date=days(-1), start_date=days(-30))
    response = client_for(people.unit_staff).get(MY_TASKS)
    sections = {key: [t.title for t in tasks] for key, _label, _icon, tasks in response.context["sections"]}
    assert sections == {"late": ["逾期任务"], "due_soon": ["临期任务"], "later": ["正常任务"]}
    html = response.content.decode()
    assert "5 days late" in html and "3 days left" in html
    assert 'bi-exclamation-octagon-fill' in html and "Red" in html  # colour + icon + text
    assert reverse("supervision:task", args=[red.pk]) + "#report" in html  # the quick "Report" link


def test_my_tasks_shows_the_persons_own_tasks_and_the_unit_switch(client_for, people, reform, red, amber):
    # unit_head is not the assignee of the red task: it shows only under "my unit's".
    mine = client_for(people.unit_head).get(MY_TASKS)
    titles = [t.title for _k, _l, _i, tasks in mine.context["sections"] for t in tasks]
    assert titles == ["临期任务"]
    unit = client_for(people.unit_head).get(MY_TASKS + "?scope=unit")
    assert unit.context["unit_wide"] is True
    titles = [t.title for _k, _l, _i, tasks in unit.context["sections"] for t in tasks]
    assert titles == ["逾期任务", "临期任务"]
    assert "unit_staff" in unit.content.decode()  # the responsible person is shown unit-wide


def test_a_task_split_into_sub_tasks_has_no_report_link(client_for, people, reform, add_task):
    parent = add_task(reform, title="父任务", assignee=people.unit_staff)
    child = add_task(reform, parent=parent, title="子任务", assignee=people.unit_staff)
    html = client_for(people.unit_staff).get(MY_TASKS).content.decode()
    assert reverse("supervision:task", args=[child.pk]) + "#report" in html
    assert reverse("supervision:task", args=[parent.pk]) + "#report" not in html


def test_people_without_a_unit_get_no_unit_switch(client_for, people, red):
    response = client_for(people.office).get(MY_TASKS + "?scope=unit")
    assert response.context["unit_wide"] is False
    assert "No open tasks" in response.content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_my_tasks_runs_a_constant_number_of_queries(client_for, people, reform, add_task, count,
                                                    django_assert_num_queries):
    for i in range(count):
        add_task(reform, title=f"任务{i}", due_date=days(i - 5), start_date=days(-10 - i))
    client = client_for(people.unit_staff)
    client.get(MY_TASKS)  # sets the CSRF cookie: from now on the page is kept (core.cache.personal_page)
    client.get(MY_TASKS)  # the person's districts, which key the kept page, are cached until the organisation changes
    # session, user, the versions, the tasks, which of them have sub-tasks, the inbox's unread count
    with django_assert_num_queries(6):
        response = client.get(MY_TASKS + "?scope=unit")
    assert response.context["total"] == count


# --- the warning board --------------------------------------------------------------------------------


def test_board_lists_red_then_amber_with_the_warning_in_words(client_for, people, red, amber, green):
    response = client_for(people.office).get(BOARD)
    html = response.content.decode()
    rows = list(response.context["page"].object_list) if "page" in response.context else None
    assert "逾期任务" in html and "临期任务" in html and "正常任务" not in html
    assert html.index("逾期任务") < html.index("临期任务")  # red first
    assert "Overdue by 5 days" in html
    assert "Due in 3 days: 0% done" in html
    assert 'class="rl-badge rl-level rl-level-red"' in html and "bi-exclamation-triangle-fill" in html
    assert rows is None or len(rows) == 2


def test_board_filters_by_level_unit_domain_tier_and_text(client_for, people, reform, red, amber, add_task, district,
                                                          reform_factory):
    other = reform_factory(code="SV-2", title="医改", tier=Tier.KEY, domain=Domain.objects.get(code="public-services"),
                           start_date=days(-200), due_date=days(200))
    add_task(other, title="医改逾期", unit=district.sub_b, start_date=days(-60), due_date=days(-2))
    client = client_for(people.office)

    def titles(query: str) -> list[str]:
        cache.clear()  # the results fragment is cached until the next write: render it afresh
        return [t.title for t in client.get(f"{BOARD}?{query}").context["page"].object_list]

    assert sorted(titles("level=red")) == ["医改逾期", "逾期任务"]
    assert titles("level=amber") == ["临期任务"]
    assert titles("unit=lh-huangbei") == ["医改逾期"]
    assert titles("domain=public-services") == ["医改逾期"]
    assert titles("tier=key") == ["医改逾期"]
    assert titles("q=SV-2") == ["医改逾期"]
    assert sorted(titles("q=逾期")) == ["医改逾期", "逾期任务"]
    assert sorted(titles("level=purple")) == ["临期任务", "医改逾期", "逾期任务"]  # a bad value is ignored
    cache.clear()
    response = client.get(f"{BOARD}?unit=lh-huangbei")
    assert (response.context["red"], response.context["amber"]) == (1, 0)
    again = client.get(f"{BOARD}?unit=lh-huangbei", HTTP_HX_REQUEST="true")  # the same rows, from the cache
    assert "医改逾期" in again.content.decode() and "逾期任务" not in again.content.decode().replace("医改逾期", "")


def test_board_refreshes_in_place_with_htmx(client_for, people, red, amber):
    client = client_for(people.office)
    fragment = client.get(f"{BOARD}?level=amber", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html and "临期任务" in html and "逾期任务" not in html
    assert "HX-Request" in fragment["Vary"]


def test_units_see_their_part_of_the_board(client_for, people, reform, red, add_task, district, reform_factory):
    other = reform_factory(code="SV-3", lead_unit=district.sub_b, start_date=days(-200), due_date=days(200))
    add_task(other, title="黄贝的逾期任务", unit=district.sub_b, start_date=days(-60), due_date=days(-2))
    mine = [t.title for t in client_for(people.unit_staff).get(BOARD).context["page"].object_list]
    theirs = [t.title for t in client_for(people.other_staff).get(BOARD).context["page"].object_list]
    assert mine == ["逾期任务"]
    assert theirs == ["黄贝的逾期任务"]


@pytest.mark.parametrize("count", [2, 20])
def test_board_runs_a_constant_number_of_queries(client_for, people, reform, add_task, count,
                                                 django_assert_num_queries):
    for i in range(count):
        add_task(reform, title=f"逾期{i}", start_date=days(-60), due_date=days(-1 - i))
    client = client_for(people.office)
    # The actor, its districts, the filters' options and the red/amber counts per district (whatever
    # level is chosen: the total is their sum) are cached until a write changes them.
    client.get(BOARD)
    # session, user, the versions, the rows (keyset), the inbox's unread count
    with django_assert_num_queries(5):
        response = client.get(BOARD + "?level=red")
    assert response.context["page"].paginator.count == count


# --- the tree and its timeline ---------------------------------------------------------------------------


def test_tree_shows_tasks_by_depth_with_their_timeline(client_for, people, reform, add_task, red):
    parent = add_task(reform, title="一级任务", start_date=days(-50), due_date=days(100), weight=2)
    child = add_task(reform, parent=parent, title="二级任务", start_date=days(-40), due_date=days(50))
    report = report_services.submit_report(user=people.unit_staff, task=child, percent=40, text="进行中")
    report_services.review_report(user=people.office, report=report, accept=True)
    response = client_for(people.office).get(tree_url(reform))
    rows = response.context["rows"]
    assert [(row.task.title, row.depth) for row in rows] == [("逾期任务", 0), ("一级任务", 0), ("二级任务", 1)]
    html = response.content.decode()
    child_row = next(row for row in rows if row.task.pk == child.pk)
    # The bar runs from start to due date; the tick is where the straight line stands today.
    assert 0 < child_row.bar.left < 100 and child_row.bar.width > 0
    assert child_row.bar.expected == pytest.approx(100 * 40 / 90, abs=0.1)
    assert 'class="rl-gantt-today"' in html
    assert child_row.bar.fill == 40 and child_row.bar.tick == pytest.approx(child_row.bar.expected, abs=0.1)
    assert f'class="rl-gantt-fill" data-rl-width="{child_row.bar.fill}"' in html
    assert "From " in html and "40% done, 44% expected by today" in html  # the bar in words
    assert response.context["warning"].level == Level.RED
    assert "1 red and 0 amber tasks" in html
    for url in [reverse("supervision:task-new", args=[reform.pk]),
                reverse("supervision:task-new", args=[reform.pk]) + f"?parent={parent.pk}",
                reverse("supervision:task-edit", args=[child.pk]),
                reverse("supervision:task-delete", args=[child.pk])]:
        assert url in html


def test_the_timeline_spans_the_tasks_and_opens_a_reform_bar_that_reaches_beyond(reform):
    from reformledger.supervision.timeline import Timeline

    tasks = [Task(start_date=days(-30), due_date=days(30)), Task(start_date=days(-10), due_date=days(60))]
    timeline = Timeline(reform, tasks, TODAY)  # the reform runs from 200 days ago to 200 days ahead
    assert timeline.start < days(-30) and timeline.end > days(60)
    assert 30 < timeline.today < 37  # 30 of about 90 days
    whole = timeline.bar(reform.start_date, reform.due_date, 50)
    assert whole.starts_before and whole.ends_after and (whole.left, whole.width) == (0, 100)
    assert whole.fill == pytest.approx(timeline.today, abs=1)  # 50% of the reform's span is about today
    task = timeline.bar(days(-30), days(30), 25)
    assert task.fill == 25 and task.tick == 50 and not task.starts_before
    assert 1 <= len(timeline.ticks) <= 8 and timeline.ticks[0].year


def test_tree_offers_the_buttons_each_role_may_use(client_for, people, reform, red):
    new_url = reverse("supervision:task-new", args=[reform.pk])
    edit_url = reverse("supervision:task-edit", args=[red.pk])
    committee = client_for(people.committee).get(tree_url(reform)).content.decode()
    assert new_url not in committee and edit_url not in committee  # the committee watches
    unit = client_for(people.unit_staff).get(tree_url(reform)).content.decode()
    # The lead unit decomposes its reform, but does not edit a task the office set (issue 8, part 9).
    assert new_url in unit and edit_url not in unit
    assert edit_url in client_for(people.office).get(tree_url(reform)).content.decode()


def test_tree_of_a_reform_without_tasks_invites_the_first(client_for, people, reform):
    html = client_for(people.office).get(tree_url(reform)).content.decode()
    assert "not decomposed into tasks yet" in html


@pytest.mark.parametrize("count", [2, 20])
def test_tree_runs_a_constant_number_of_queries(client_for, people, reform, add_task, count,
                                                django_assert_num_queries):
    parent = add_task(reform, title="父任务", start_date=days(-50), due_date=days(100))
    for i in range(count):
        add_task(reform, parent=parent if i % 2 else None, title=f"任务{i}", start_date=days(-10), due_date=days(20 + i))
    client = client_for(people.unit_staff)
    client.get(tree_url(reform))
    # session, user, data version, the reform, its co-units, its attachments, its warning, the
    # tasks, the inbox's unread count, a pending application for completion
    with django_assert_num_queries(10):
        response = client.get(tree_url(reform))
    assert len(response.context["rows"]) == count + 1


# --- task forms ---------------------------------------------------------------------------------------


def task_data(district, **changes) -> dict:
    data = {
        "title": "新任务",
        "unit": district.sub_a.pk,
        "assignee": "",
        "start_date": days(-5).isoformat(),
        "due_date": days(30).isoformat(),
        "weight": "1",
        "deliverable": "方案",
    }
    data.update(changes)
    return data


def test_lead_unit_adds_a_task_and_a_sub_task(client_for, people, reform, district):
    client = client_for(people.unit_staff)
    url = reverse("supervision:task-new", args=[reform.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["unit"] == district.sub_a.pk
    response = client.post(url, task_data(district, assignee=people.unit_staff.pk))
    assert response.status_code == 302 and response["Location"] == tree_url(reform)
    task = Task.objects.get(title="新任务")
    assert task.assignee == people.unit_staff and task.deliverable == "方案"
    response = client.post(f"{url}?parent={task.pk}", task_data(district, title="子任务", due_date=days(20).isoformat()))
    assert response.status_code == 302
    child = Task.objects.get(title="子任务")
    assert child.parent == task and child.depth == 1
    assert AuditEntry.objects.filter(action="task.create").count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight": "0"}, "weight", "greater than 0"),
        ({"weight": "-2"}, "weight", "greater than 0"),
        ({"title": ""}, "title", "required"),
        ({"due_date": days(-30).isoformat()}, "due_date", "before the start date"),
        ({"start_date": "not a date"}, "start_date", "valid date"),
        ({"due_date": days(500).isoformat()}, "due_date", "no later than its reform"),
    ],
)
def test_bad_task_input_shows_the_error_and_writes_nothing(client_for, people, reform, district, changes, field,
                                                           message):
    entries = AuditEntry.objects.count()
    response = client_for(people.office).post(reverse("supervision:task-new", args=[reform.pk]),
                                              task_data(district, **changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert "Nothing was saved" in html and 'aria-invalid="true"' in html
    assert not Task.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_sub_task_is_due_no_later_than_its_parent(client_for, people, reform, district, add_task):
    parent = add_task(reform, title="父任务", start_date=days(-10), due_date=days(30))
    response = client_for(people.office).post(
        reverse("supervision:task-new", args=[reform.pk]) + f"?parent={parent.pk}",
        task_data(district, title="太晚的子任务", due_date=days(31).isoformat()),
    )
    assert response.status_code == 400
    assert "A sub-task is due no later than its parent task" in " ".join(response.context["form"].errors["due_date"])
    assert not Task.objects.filter(title="太晚的子任务").exists()


def test_an_assignee_from_another_unit_is_refused(client_for, people, reform, district):
    response = client_for(people.office).post(reverse("supervision:task-new", args=[reform.pk]),
                                              task_data(district, assignee=people.other_staff.pk))
    assert response.status_code == 400
    assert "must work in the responsible unit" in " ".join(response.context["form"].errors["assignee"])


def test_who_may_not_decompose_gets_403_or_404(client_for, people, reform, district, add_task):
    url = reverse("supervision:task-new", args=[reform.pk])
    assert client_for(people.committee).get(url).status_code == 403
    assert client_for(people.committee).post(url, task_data(district)).status_code == 403
    assert client_for(people.other_staff).get(url).status_code == 404  # may not see the reform
    assert client_for(people.other_staff).post(url, task_data(district)).status_code == 403
    parent = add_task(reform, title="父任务")
    assert client_for(people.other_staff).post(f"{url}?parent={parent.pk}", task_data(district)).status_code == 403
    assert not Task.objects.exclude(pk=parent.pk).exists()


def test_the_responsible_unit_splits_its_own_task_in_another_units_reform(client_for, people, reform, add_task,
                                                                        district):
    task = add_task(reform, title="交给黄贝的任务", unit=district.sub_b)
    client = client_for(people.other_staff)
    url = reverse("supervision:task-new", args=[reform.pk]) + f"?parent={task.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, task_data(district, title="黄贝的子任务", unit=district.sub_b.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:task", args=[task.pk])  # it cannot see the tree
    assert Task.objects.get(title="黄贝的子任务").parent == task


def test_edit_a_task(client_for, people, reform, add_task, district):
    task = add_task(reform, title="旧标题", user=people.unit_staff)  # the lead unit's own task (issue 8, part 9)
    client = client_for(people.unit_staff)
    url = reverse("supervision:task-edit", args=[task.pk])
    assert client.get(url).context["form"].initial["title"] == "旧标题"
    # The unit's form shows the dates read-only and sends them back unchanged (issue 8: only the
    # office moves dates).
    dates = {"start_date": task.start_date.isoformat(), "due_date": task.due_date.isoformat()}
    response = client.post(url, task_data(district, title="新标题", weight="2.5", **dates))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "新标题" and str(task.weight) == "2.50"
    bad = client.post(url, task_data(district, weight="0", **dates))
    assert bad.status_code == 400
    task.refresh_from_db()
    assert str(task.weight) == "2.50"
    assert client_for(people.committee).post(url, task_data(district, title="x")).status_code == 403
    assert client_for(people.other_staff).get(url).status_code == 404


def test_remove_a_task_but_not_one_with_reports(client_for, people, reform, add_task):
    kept = add_task(reform, title="有报告的任务")
    gone = add_task(reform, title="要删除的任务")
    report_services.submit_report(user=people.unit_staff, task=kept, percent=10, text="开始")
    client = client_for(people.office)
    assert client.get(reverse("supervision:task-delete", args=[gone.pk])).status_code == 405
    response = client.post(reverse("supervision:task-delete", args=[gone.pk]))
    assert response.status_code == 302 and response["Location"] == tree_url(reform)
    assert not Task.objects.filter(pk=gone.pk).exists()
    response = client.post(reverse("supervision:task-delete", args=[kept.pk]), follow=True)
    assert "can be changed but not removed" in response.content.decode()
    assert Task.objects.filter(pk=kept.pk).exists()
    assert client_for(people.committee).post(reverse("supervision:task-delete", args=[kept.pk])).status_code == 403


def test_a_completed_reform_is_locked_for_task_forms(client_for, people, reform_factory, district):
    done = reform_factory(status=Status.COMPLETED, start_date=days(-100), due_date=days(10))
    url = reverse("supervision:task-new", args=[done.pk])
    assert client_for(people.unit_staff).get(url).status_code == 403
    assert client_for(people.unit_staff).post(url, task_data(district)).status_code == 403


@pytest.mark.parametrize(
    "role, landing",
    [
        ("unit_staff", "supervision:my-tasks"),
        ("office", "cockpit:workbench"),
        ("committee", "cockpit:workbench"),
        ("leader_main", "cockpit:workbench"),
        ("resident", "portal:catalogue"),
    ],
)
def test_signing_in_leads_each_role_to_its_start(client_for, people, role, landing):
    client = client_for()
    user = getattr(people, role)
    user.set_password("pw-for-the-test")
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-for-the-test"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200
