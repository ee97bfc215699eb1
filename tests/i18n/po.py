"""A small reader for gettext .po files (polib is not a dependency): enough for our catalogue tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

#: The catalogue of the default language (msgids are English).
CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"

_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translations(self) -> list[str]:
        return list(self.msgstr_plural.values()) if self.msgid_plural is not None else [self.msgstr]

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(text: str) -> tuple[dict[str, str], list[Entry]]:
    """The header (as a dict) and the live entries of a .po file; obsolete (``#~``) entries are skipped."""
    entries: list[Entry] = []
    current: dict | None = None
    last: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, last
        if current and "msgid" in current:
            entries.append(
                Entry(
                    msgid=current["msgid"],
                    msgctxt=current.get("msgctxt"),
                    msgid_plural=current.get("msgid_plural"),
                    msgstr=current.get("msgstr", ""),
                    msgstr_plural=current.get("plural", {}),
                    flags=current["flags"],
                    line=current["line"],
                )
            )
        current, last = None, None

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            finish()
            continue
        if stripped.startswith("#~"):
            continue
        if current is None or (stripped.startswith("#") and "msgid" in current):
            finish()
            current = {"flags": set(), "line": number}
        if stripped.startswith("#,"):
            current["flags"].update(flag.strip() for flag in stripped[2:].split(",") if flag.strip())
            continue
        if stripped.startswith("#"):
            continue
        if match := _FIELD.match(stripped):
            name, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if name.startswith("msgstr["):
                current.setdefault("plural", {})[int(index)] = value
                last = ("plural", int(index))
            else:
                if name in ("msgctxt", "msgid") and "msgid" in current:
                    finish()
                    current = {"flags": set(), "line": number}
                current[name] = value
                last = (name, None)
            continue
        if stripped.startswith('"') and last is not None:
            name, index = last
            if name == "plural":
                current["plural"][index] += _unquote(stripped)
            else:
                current[name] += _unquote(stripped)
            continue
        raise ValueError(f"line {number}: cannot read {line!r}")
    finish()

    header: dict[str, str] = {}
    body = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            for item in entry.msgstr.splitlines():
                name, _sep, value = item.partition(":")
                header[name.strip()] = value.strip()
            header["#flags"] = ",".join(sorted(entry.flags))
        else:
            body.append(entry)
    return header, body


def read_po(path: Path = PO_PATH) -> tuple[dict[str, str], list[Entry]]:
    return parse_po(path.read_text(encoding="utf-8"))
