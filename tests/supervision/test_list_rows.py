"""The rows of the catalogues and the board, rendered in Python (ADR 0053): hostile text is
escaped, links and labels are right, and the language is the reader's."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from reformledger.reforms.models import Status

from .conftest import days

HOSTILE = '<script>alert("x")</script> & <b>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;"


def test_a_hostile_title_is_escaped_in_the_office_catalogue_the_public_one_and_the_board(
    client_for, people, reform_factory, add_red, district
):
    reform = reform_factory(
        code="X-1", title=HOSTILE, status=Status.IN_PROGRESS, start_date=days(-200), due_date=days(200),
        public_summary=HOSTILE * 10,
    )
    reform.domain.name = HOSTILE
    reform.domain.save()
    add_red(reform, title=HOSTILE)
    office = client_for(people.office)
    for client, path in (
        (office, reverse("reforms:catalogue")),
        (client_for(None), reverse("portal:catalogue")),
        (office, reverse("supervision:board")),
        (client_for(None), reverse("portal:home")),
    ):
        page = client.get(path).content.decode()
        assert "<script>alert" not in page, path
        assert ESCAPED in page, path


def test_the_catalogue_row_links_the_reform_and_shows_its_warning(client_for, people, reform_factory, add_red):
    reform = reform_factory(code="X-2", title="一号改革", status=Status.IN_PROGRESS, start_date=days(-200), due_date=days(200))
    add_red(reform, title="逾期")
    page = client_for(people.office).get(reverse("reforms:catalogue")).content.decode()
    row = page[page.index('<td class="rl-code d-none d-sm-table-cell">X-2</td>') :]
    row = row[: row.index("</tr>")]
    assert f'href="{reverse("reforms:detail", args=[reform.pk])}"' in row
    assert "rl-level-red" in row and "In progress" in row


def test_rows_are_rendered_in_the_readers_language_from_the_same_cache(client_for, people, reform_factory):
    reform_factory(code="X-3", title="二号改革", status=Status.COMPLETED)
    cache.clear()
    english = client_for(people.office).get(reverse("reforms:catalogue")).content.decode()
    chinese_client = client_for(people.office)
    chinese_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = chinese_client.get(reverse("reforms:catalogue")).content.decode()
    assert "Completed" in english
    assert "已完成" in chinese and "Completed</span>" not in chinese
