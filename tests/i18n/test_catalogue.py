"""The zh-Hans catalogue is complete, faithful to its msgids, compiled, and uses the ledger's words.

zh-Hans is the site's default language, so a msgid left untranslated shows English to every user.
These tests fail when a new string was added to the code without a translation, when a translation
lost a placeholder, or when the committed ``.mo`` is older than the ``.po``.
"""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from reformledger.reforms.ledger.format import SOURCE_LEVEL_LABELS, STATUS_LABELS, TIER_LABELS
from reformledger.reforms.models import SourceLevel, Status, Tier
from tests.i18n.po import MO_PATH, Entry, read_po

PACKAGE_DIR = Path(settings.LOCALE_PATHS[0]).parent

# %(name)s, %(size).1f, %d, %s and {name}: what the code fills in and the translation must keep.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdif]|\{\w*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


@pytest.fixture(scope="module")
def catalogue() -> tuple[dict[str, str], list[Entry]]:
    return read_po()


def placeholders(text: str) -> list[str]:
    # "%%" is a literal percent sign ("50%% done"), not the start of a placeholder.
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def test_header_declares_simplified_chinese_with_one_plural_form(catalogue):
    header, _entries = catalogue
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in header["#flags"], "the header is still marked fuzzy"


def test_every_msgid_is_translated_and_none_is_fuzzy(catalogue):
    _header, entries = catalogue
    assert len(entries) > 100, "the catalogue looks truncated"
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    empty = [str(e) for e in entries if not all(t.strip() for t in e.translations)]
    assert not fuzzy, "fuzzy entries (check and clear the flag):\n" + "\n".join(fuzzy)
    assert not empty, "untranslated entries:\n" + "\n".join(empty)


def test_plural_entries_have_exactly_one_form(catalogue):
    _header, entries = catalogue
    wrong = [str(e) for e in entries if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0]]
    assert not wrong, "zh has nplurals=1: only msgstr[0]:\n" + "\n".join(wrong)


def test_translations_keep_every_placeholder_and_tag(catalogue):
    _header, entries = catalogue
    problems = []
    for entry in entries:
        # A plural translation serves every count, so it follows the plural msgid (which has the counter).
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        for text in entry.translations:
            if placeholders(text) != placeholders(source):
                problems.append(f"{entry}: {placeholders(source)} became {placeholders(text)}")
            if sorted(HTML_TAG.findall(text)) != sorted(HTML_TAG.findall(source)):
                problems.append(f"{entry}: HTML tags differ")
    assert not problems, "\n".join(problems)


def test_translations_are_chinese(catalogue):
    """A msgstr that merely copies the English msgid is not a translation."""
    _header, entries = catalogue
    han = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # CJK characters and punctuation
    copied = [str(e) for e in entries for t in e.translations if not han.search(t)]
    assert not copied, "translations without a single Chinese character:\n" + "\n".join(copied)


def test_list_separator_is_the_chinese_enumeration_comma():
    with translation.override("zh-hans"):
        assert translation.pgettext("list separator", ", ") == "、"


def test_statuses_tiers_and_source_levels_read_as_in_the_excel_ledger():
    """The pages and the Excel ledger must call a status, tier or source level by the same name."""
    with translation.override("zh-hans"):
        assert {value: str(label) for value, label in Status.choices} == STATUS_LABELS
        assert {value: str(label) for value, label in Tier.choices} == TIER_LABELS
        assert {value: str(label) for value, label in SourceLevel.choices} == SOURCE_LEVEL_LABELS


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo holds exactly the .po's translations (run ``compilemessages`` after editing)."""
    _header, entries = catalogue
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `reformledger compilemessages`"
    with MO_PATH.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = []
    expected_keys = {""}  # the header
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected_keys.add(key)
            if mo._catalog.get(key) != entry.msgstr:
                stale.append(str(entry))
        else:
            expected_keys.add((key, 0))
            if mo._catalog.get((key, 0)) != entry.msgstr_plural.get(0):
                stale.append(str(entry))
    assert not stale, "the .mo is older than the .po; run `reformledger compilemessages`:\n" + "\n".join(stale)
    assert set(mo._catalog) == expected_keys, "the .mo holds entries that the .po no longer has"


def test_catalogue_holds_every_msgid_of_the_code(tmp_path, monkeypatch, settings, catalogue):
    """A fresh ``makemessages`` over a copy of the package finds no msgid that the catalogue lacks."""
    _header, entries = catalogue
    copy = tmp_path / "reformledger"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "vendor", "locale"),
    )
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages", locale=["zh_Hans"], ignore_patterns=["static/vendor/*"], no_obsolete=True, verbosity=0
    )
    _fresh_header, fresh = read_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    ours = {entry.key: entry for entry in entries}
    missing = [str(entry) for entry in fresh if entry.key not in ours]
    assert fresh, "makemessages found no string at all"
    assert not missing, (
        "msgids in the code but not in the catalogue; run `make messages` (or makemessages -l zh_Hans) "
        "and translate them:\n" + "\n".join(missing)
    )
    plural_changed = [str(e) for e in fresh if e.key in ours and ours[e.key].msgid_plural != e.msgid_plural]
    assert not plural_changed, "plural msgids changed in the code:\n" + "\n".join(plural_changed)
    obsolete = sorted(str(ours[key]) for key in set(ours) - {entry.key for entry in fresh})
    assert not obsolete, "msgids no longer in the code (run makemessages --no-obsolete):\n" + "\n".join(obsolete)
