"""core.rows: rows of long lists rendered in Python (ADR 0053) escape as templates do, memoise
per language, and link as ``reverse`` does."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from reformledger.core.rows import escaped, id_url, joined, per_language, row_html, short_date
from reformledger.reforms.models import Status
from reformledger.reforms.templatetags.ui import status_badge

HOSTILE = ['<script>alert("x")</script>', "a & b", "it's", '"quoted"', "<b>bold</b>", 42, 3.5, None, "", "改革 <i>"]


def test_escaped_is_conditional_escape_for_every_kind_of_value():
    for value in [*HOSTILE, mark_safe("<b>safe</b>"), gettext_lazy("Progress"), SafeString("<i>x</i>")]:
        assert escaped(value) == conditional_escape(value)


def test_row_html_is_format_html_with_named_fields():
    template = '<td title="{title}">{body}</td>'
    for value in HOSTILE:
        made = row_html(template, title=value, body=value)
        assert made == format_html(template, title=value, body=value)
        assert isinstance(made, SafeString)
    assert "<script>" not in row_html("<td>{v}</td>", v="<script>alert(1)</script>")
    assert row_html("<td>{v}</td>", v=status_badge(Status.COMPLETED)).count("<span") == 1  # safe HTML kept


def test_joined_keeps_safe_pieces_safe():
    out = joined([row_html("<td>{v}</td>", v="<x>"), row_html("<td>{v}</td>", v="y")])
    assert out == "<td>&lt;x&gt;</td><td>y</td>"
    assert isinstance(out, SafeString)


def test_per_language_memoises_each_language_apart():
    calls: list[tuple[str | None, str]] = []

    @per_language
    def label(value: str) -> str:
        calls.append((translation.get_language(), value))
        return str(Status(value).label)

    with translation.override("en"):
        english = label(Status.COMPLETED)
        assert label(Status.COMPLETED) == english
    with translation.override("zh-hans"):
        chinese = label(Status.COMPLETED)
    assert english == "Completed" and chinese != english
    assert calls == [("en", Status.COMPLETED), ("zh-hans", Status.COMPLETED)]


def test_badges_follow_the_active_language():
    with translation.override("en"):
        english = status_badge(Status.IN_PROGRESS)
    with translation.override("zh-hans"):
        chinese = status_badge(Status.IN_PROGRESS)
    assert "In progress" in english and "In progress" not in chinese


def test_short_date_follows_the_language_and_shows_a_dash_for_none():
    day = dt.date(2018, 8, 18)
    with translation.override("zh-hans"):
        assert short_date(day) == "2018年8月18日"
    with translation.override("en"):
        assert "2018" in short_date(day) and "年" not in short_date(day)
    assert short_date(None) == "—"


def test_id_url_is_reverse_for_every_id(db):
    detail = id_url("reforms:detail")
    for pk in (1, 42, 987654, 10**12):
        assert detail(pk) == reverse("reforms:detail", args=[pk])
