"""The board's "urge selected" form works for whoever is served the board's results, which are kept
for everyone who sees the same rows (core.fragments): the CSRF token in them is each response's own."""

import re

from django.test import Client
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
