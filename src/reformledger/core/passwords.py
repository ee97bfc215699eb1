"""A password validator for the patterns people fall back on: dates, runs and repeats (ADR 0028).

Django's own validators refuse short, all-digit, common and username-like passwords. This one
takes out of the password every date (``20261203``, ``2026-12-03``, ``03.12.2026``), every run of
four or more characters that go up or down one at a time (``1234``, ``abcd``, ``8765``) and every
character repeated four or more times (``aaaa``), and asks that at least
``min_remaining`` characters (6) are left. So ``20261203ab``, ``aaaaaaaa11`` and ``12345678ab`` are
refused, and ``river-lantern-42`` or ``Budget2026!review`` pass.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: YYYYMMDD, YYYY-MM-DD (any of - . / _ or a space between), and DDMMYYYY the same ways.
_YEAR_FIRST = re.compile(r"(?P<y>(?:19|20)\d\d)(?P<s>[-./_ ]?)(?P<m>\d\d)(?P=s)(?P<d>\d\d)")
_DAY_FIRST = re.compile(r"(?P<d>\d\d)(?P<s>[-./_ ]?)(?P<m>\d\d)(?P=s)(?P<y>(?:19|20)\d\d)")
RUN_LENGTH = 4


def _is_date(match: re.Match[str]) -> bool:
    try:
        dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return False
    return True


def _without_dates(text: str) -> str:
    for pattern in (_YEAR_FIRST, _DAY_FIRST):
        text = pattern.sub(lambda m: "" if _is_date(m) else m.group(0), text)
    return text


def _without_runs(text: str) -> str:
    """``text`` less every stretch of RUN_LENGTH or more characters that step by +1, -1 or 0."""
    kept: list[str] = []
    start = 0
    while start < len(text):
        end = start + 1
        if end < len(text):
            step = ord(text[end]) - ord(text[start])
            if step in (-1, 0, 1):
                while end + 1 < len(text) and ord(text[end + 1]) - ord(text[end]) == step:
                    end += 1
                end += 1
        if end - start >= RUN_LENGTH:
            start = end
            continue
        kept.append(text[start])
        start += 1
    return "".join(kept)


def remaining_after_patterns(password: str) -> str:
    """What is left of ``password`` once dates, runs and repeats are taken out."""
    return _without_runs(_without_dates(password.lower()))


class PatternPasswordValidator:
    """Refuse a password that is mostly a date, a run (1234, abcd) or a repeat (aaaa)."""

    def __init__(self, min_remaining: int = 6) -> None:
        self.min_remaining = min_remaining

    def validate(self, password: str, user: Any = None) -> None:
        if len(remaining_after_patterns(password)) < self.min_remaining:
            raise ValidationError(
                ngettext(
                    "This password is mostly a date, a run such as 1234 or abcd, or a repeated character. "
                    "Without those it must still have %(min)d character.",
                    "This password is mostly a date, a run such as 1234 or abcd, or a repeated character. "
                    "Without those it must still have %(min)d characters.",
                    self.min_remaining,
                ),
                code="password_pattern",
                params={"min": self.min_remaining},
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be mostly a date, a run such as 1234 or abcd, or a repeated character.")
