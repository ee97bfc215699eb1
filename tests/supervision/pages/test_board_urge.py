"""The board's "urge selected" form works for whoever is served the board's results, which are kept
for everyone who sees the same rows (core.fragments): the CSRF token in them is each response's own."""

import re

from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from reformledger.org.models import Role
from reformledger.supervision.models import Reminder
from tests.factories import MembershipFactory, UserFactory

BOARD = reverse("supervision:board")
TOKEN = re.compile(r'<form id="board-urge"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(client: Client) -> str:
    token = TOKEN.search(client.get(BOARD).content.decode())
    assert token, "the urge form carries a token"
    return token.group(1)


def _urge(client: Client, token: str, task) -> int:
    return client.post(reverse("supervision:board-urge"), {
        "csrfmiddlewaretoken": token, "task": [task.pk], "message": "请本周内报送进展", "next": BOARD,
    }).status_code


def test_a_second_office_person_and_a_new_session_urge_from_the_kept_results(people, district, reform, add_red):
    task = add_red(reform)
    colleague = UserFactory(username="office2")
    MembershipFactory(user=colleague, unit=district.office_unit, role=Role.OFFICE)
    clients = [Client(enforce_csrf_checks=True) for _ in range(3)]
    for client, person in zip(clients, (people.office, colleague, people.office), strict=True):
        client.force_login(person)  # the third: the first person signed in anew (a new CSRF secret)
    # Each is served the board before anyone writes: the first renders the results, the others are
    # served them as kept; then each urges with the token of the page they were served.
    tokens = [_token(client) for client in clients]
    assert [_urge(client, token, task) for client, token in zip(clients, tokens, strict=True)] == [302, 302, 302]
    assert Reminder.objects.filter(kind="urge", task=task).count() == 3


@override_settings(CATALOGUE_PAGE_SIZE=2)
def test_the_board_is_kept_once_for_every_page_and_each_page_shows_its_own_tasks(people, reform, add_red):
    """The board's results are a late value kept per query string: another page of the list renders
    them alone, and the urge form on it comes back to that page."""
    titles = [add_red(reform, late=10 - i, title=f"逾期任务{i}").title for i in range(5)]  # due in this order
    client = Client()
    client.force_login(people.office)
    client.get(BOARD)
    client.get(BOARD)  # rendered, kept
    second = client.get(f"{BOARD}?page=2")
    assert [t.name for t in second.templates] == ["supervision/_board_results.html", "includes/pagination.html"]
    html = second.content.decode()
    assert titles[2] in html and titles[3] in html and titles[0] not in html
    assert f'name="next" value="{BOARD}?page=2"' in html  # the urge form's and the language form's
    first = client.get(BOARD).content.decode()
    assert titles[0] in first and titles[2] not in first and f'name="next" value="{BOARD}"' in first
