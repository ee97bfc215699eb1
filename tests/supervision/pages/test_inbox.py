"""The inbox page, the unread count in the navigation bar, the supervision menu, and the
"Supervision" box on a reform's page."""

import pytest
from django.urls import reverse

from reformledger.supervision.models import Channel, Delivery
from reformledger.supervision.services import reports as report_services

INBOX = reverse("supervision:inbox")
READ = reverse("supervision:inbox-read")


def urge(people, task, n: int = 1) -> None:
    for i in range(n):
        report_services.urge(user=people.office, task=task, message=f"请尽快报送进展（第{i + 1}次）")


def unread(user) -> int:
    return Delivery.objects.filter(user=user, channel=Channel.INBOX, read_at__isnull=True).count()


def test_inbox_lists_messages_newest_first_unread_in_bold(client_for, people, task):
    urge(people, task, 2)
    response = client_for(people.unit_staff).get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("第2次") < html.index("第1次")
    assert html.count('class="rl-sv-message is-unread"') == 2
    # Subjects are written once, in the site's language (zh-Hans), whoever reads them.
    assert "催办：窗口改造" in html
    assert 'name="next" value="{}"'.format(reverse("supervision:task", args=[task.pk])) in html  # open = read + go


@pytest.mark.parametrize("role", ["office", "committee", "leader_main", "unit_head", "unit_staff", "other_staff"])
def test_everyone_in_the_office_pages_has_an_inbox(client_for, people, role):
    assert client_for(getattr(people, role)).get(INBOX).status_code == 200


def test_outsiders_and_anonymous_have_none(client_for, people):
    assert client_for(people.resident).get(INBOX).status_code == 403
    assert client_for().get(INBOX).status_code == 302
    assert client_for().post(READ, {"all": "1"}).status_code == 302


def test_mark_one_read_then_go_to_the_thing(client_for, people, task):
    urge(people, task, 2)
    client = client_for(people.unit_staff)
    first = Delivery.objects.filter(user=people.unit_staff, channel=Channel.INBOX).order_by("pk").first()
    target = reverse("supervision:task", args=[task.pk])
    response = client.post(READ, {"id": first.pk, "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert unread(people.unit_staff) == 1
    assert unread(people.unit_head) == 2  # the colleague's copies are the colleague's
    html = client.get(INBOX).content.decode()
    assert html.count('class="rl-sv-message is-unread"') == 1


def test_mark_all_read_and_only_ones_own(client_for, people, task):
    urge(people, task, 3)
    colleague = Delivery.objects.filter(user=people.unit_head, channel=Channel.INBOX).first()
    client = client_for(people.unit_staff)
    client.post(READ, {"id": colleague.pk})  # someone else's message: nothing happens
    assert unread(people.unit_head) == 3
    response = client.post(READ, {"all": "1"})
    assert response["Location"] == INBOX
    assert unread(people.unit_staff) == 0
    assert unread(people.unit_head) == 3
    assert client.get(READ).status_code == 405
    assert client.post(READ, {"id": "x", "next": "https://evil.example/"})["Location"] == INBOX


def test_unread_filter(client_for, people, task):
    urge(people, task, 2)
    client = client_for(people.unit_staff)
    client.post(READ, {"all": "1"})
    urge(people, task, 1)
    response = client.get(INBOX + "?unread=1")
    assert len(response.context["page"].object_list) == 1


def test_navigation_shows_the_unread_count_on_every_office_page(client_for, people, task, reform):
    urge(people, task, 3)
    client = client_for(people.unit_staff)
    for url in [reverse("reforms:catalogue"), reverse("org:people"), reverse("org:units"),
                reverse("supervision:my-tasks"), reverse("supervision:tree", args=[reform.pk])]:
        html = client.get(url).content.decode()
        assert 'class="rl-inbox-badge">3<span class="rl-visually-hidden"> unread</span>' in html, url
    client.post(READ, {"all": "1"})
    html = client.get(reverse("supervision:board")).content.decode()
    assert 'href="/office/supervision/inbox/"' in html and "rl-inbox-badge" not in html
    public = client.get(reverse("portal:home")).content.decode()
    assert "rl-inbox-link" not in public  # the public pages stay as they were


def test_supervision_menu_links_every_page_the_role_may_use(client_for, people):
    office = client_for(people.office).get(reverse("cockpit:workbench")).content.decode()
    for name in ["my-tasks", "board", "orders", "reports", "decisions", "bulletin"]:
        assert f'href="{reverse(f"supervision:{name}")}"' in office, name
    unit = client_for(people.unit_staff).get(reverse("reforms:catalogue")).content.decode()
    for name in ["my-tasks", "board", "orders"]:
        assert f'href="{reverse(f"supervision:{name}")}"' in unit, name
    for name in ["reports", "decisions", "bulletin"]:
        assert f'href="{reverse(f"supervision:{name}")}"' not in unit, name


@pytest.mark.parametrize("count", [2, 20])
def test_inbox_runs_a_constant_number_of_queries(client_for, people, task, count, django_assert_num_queries):
    urge(people, task, count)
    client = client_for(people.unit_staff)
    client.get(INBOX)
    # session, user, data version, the unread count, the page's count, the page's messages
    with django_assert_num_queries(6):
        response = client.get(INBOX)
    assert len(response.context["page"].object_list) == count


def test_reform_page_has_a_supervision_box(client_for, people, reform, add_task):
    url = reverse("reforms:detail", args=[reform.pk])
    before = client_for(people.office).get(url).content.decode()
    assert "Not decomposed into tasks yet" in before
    add_task(reform, title="任务")
    html = client_for(people.office).get(url).content.decode()
    assert 'id="supervision"' in html
    assert reverse("supervision:tree", args=[reform.pk]) in html
    assert 'class="rl-badge rl-level rl-level-green"' in html and "1 open task" in html
