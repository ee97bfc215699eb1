"""Pages read in Chinese by default, with none of our English left, and in English once chosen."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from reformledger.reforms.models import Status, Tier
from tests.clients import english_client
from tests.i18n.po import read_po

#: Common msgids of our templates: none of them may show on a zh-Hans page.
COMMON_MSGIDS = [
    "Reform catalogue",
    "Reforms",
    "Status",
    "Export to Excel",
    "Filter",
    "Reset",
    "Lead unit",
    "Progress",
    "Dashboard",
    "Log out",
    "Log in",
    "Import ledger",
    "Home",
    "Browse the reforms",
    "Latest reforms",
]
#: Text the pages show in Latin letters on purpose: product names and the name of the other language.
ALLOWED_LATIN = {"Excel", "English", "Reform Ledger"}


class _VisibleText(HTMLParser):
    """Text a person reads or hears: element text and accessible names, outside scripts and styles.

    Text inside an element in another language than the page (the switch to English, marked
    ``lang="en"`` on a Chinese page) is in that language on purpose.
    """

    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.page_lang = ""

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_lang = attrs.get("lang") or ""
        lang = attrs.get("lang")
        hidden = tag in {"script", "style"} or (tag != "html" and lang is not None and lang.lower() != self.page_lang.lower())
        if not hidden and not self._hidden():
            self.parts.extend(attrs[name] for name in self.ATTRIBUTES if attrs.get(name))
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def shows(text: str, phrase: str) -> bool:
    """``phrase`` appears as whole words (so "leader" is not found inside the user name "leader_main")."""
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


@pytest.fixture(scope="module")
def english_msgids() -> list[str]:
    """Every msgid of the catalogue that would read as English text on a page.

    Single lowercase words ("expert", "unit") are left out: the fixture's user names are such words.
    """
    _header, entries = read_po()
    return sorted(
        {
            e.msgid
            for e in entries
            if "%" not in e.msgid and re.search(r"[A-Za-z]{3}", e.msgid) and (e.msgid[0].isupper() or " " in e.msgid)
        }
        - ALLOWED_LATIN
    )


@pytest.fixture
def reforms(reform_factory, district, people):
    return {
        "key": reform_factory(code="LH-K-01", title="棚改安置", tier=Tier.KEY, status=Status.APPROVED,
                              responsible_leader=people.leader_main, public_summary="棚户区改造。"),
        "micro": reform_factory(code="LH-M-01", title="物业管理改革", status=Status.COMPLETED, progress=100),
        "upper": reform_factory(code="LH-U-01", title="放管服", tier=Tier.UPPER, source_level="municipal",
                                lead_unit=district.department, status=Status.IN_PROGRESS),
    }


def office_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_chinese_page(response, english_msgids) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    text = visible_text(html)
    leftovers = [msgid for msgid in COMMON_MSGIDS if shows(text, msgid)]
    assert not leftovers, f"English left on a zh-Hans page: {leftovers}"
    leftovers = [msgid for msgid in english_msgids if shows(text, msgid)]
    assert not leftovers, f"English msgids left on a zh-Hans page: {leftovers}"
    return text


@pytest.mark.parametrize("path", ["/", "/reforms/", "/accounts/login/", "detail"])
def test_public_pages_are_chinese_by_default(client, reforms, english_msgids, path):
    if path == "detail":
        path = f"/reforms/{reforms['key'].pk}/"
    text = assert_chinese_page(client.get(path), english_msgids)
    assert "首页" in text and "改革事项" in text and "登录" in text


def test_portal_home_reads_in_chinese(client, reforms, english_msgids):
    text = assert_chinese_page(client.get("/"), english_msgids)
    for phrase in ("浏览改革事项", "改革推进情况", "最新改革事项", "重点改革", "微改革", "上级任务"):
        assert phrase in text


@pytest.mark.parametrize(
    "path",
    [
        "/office/",
        "/office/reforms/",
        "/office/reforms/?tier=key",
        "/office/reforms/new/",
        "detail",
        "edit",
        "/office/org/units/",
        "/office/org/people/",
        "/office/ledger/import/",
    ],
)
def test_office_pages_are_chinese_by_default(people, reforms, english_msgids, path):
    if path in {"detail", "edit"}:
        path = f"/office/reforms/{reforms['key'].pk}/" + ("edit/" if path == "edit" else "")
    assert_chinese_page(office_client(people.office).get(path), english_msgids)


def test_office_catalogue_reads_in_chinese(people, reforms, english_msgids):
    text = assert_chinese_page(office_client(people.office).get("/office/reforms/"), english_msgids)
    for phrase in ("改革事项清单", "导出 Excel", "导入台账", "筛选", "状态", "牵头单位", "进度", "已批准", "已完成", "推进中"):
        assert phrase in text, phrase


def test_english_is_complete_once_chosen(people, reforms):
    client = english_client()
    client.force_login(people.office)
    html = client.get("/office/reforms/").content.decode()
    assert '<html lang="en">' in html
    text = visible_text(html)
    for phrase in ("Reform catalogue", "Export to Excel", "Import ledger", "Status", "Lead unit", "Approved",
                   "Completed", "In progress", "Key reform"):
        assert shows(text, phrase), phrase
    for phrase in ("改革事项清单", "导出 Excel", "导入台账", "筛选", "牵头单位", "已批准", "重点改革"):
        assert phrase not in text, phrase

    text = visible_text(english_client().get("/").content.decode())
    for phrase in ("Home", "Browse the reforms", "Latest reforms", "Log in"):
        assert shows(text, phrase), phrase
    assert "浏览改革事项" not in text and "首页" not in text
