"""Reading cells: the typed parsers that turn what a worksheet holds into text, dates and numbers.

Lenient on the way in (numbers without a spurious ``.0``, several date spellings, ``50%``). The way
out (text a worksheet can hold) is :func:`reformledger.core.exporters.safe_text`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel


@dataclass(frozen=True)
class Formula:
    """A formula cell of an .xlsx as the file holds it (``=A1+B1``): not a value the ledger takes.

    ``cell`` is its reference as Excel shows it (``K5``), set once the row's number is known."""

    text: str
    cell: str = ""

    def __str__(self) -> str:
        return self.text


def as_text(value: Any) -> str:
    """A cell as trimmed text (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def same_text(a: str, b: str) -> bool:
    """Equal once line endings and surrounding spaces are set aside (Excel and browsers differ there)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),
)
#: Plain numbers read as Excel date serials only within 1950-01-01 .. 2099-12-31.
_SERIAL_RANGE = (18264, 73050)


def parse_date(value: Any) -> dt.date | None:
    """A date cell, a date serial, or text as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日.

    Returns None for a blank cell; raises ValueError for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return from_excel(value).date()
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(text):
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    raise ValueError(value)


def as_number(value: Any) -> float:
    """A numeric cell or text such as ``50``, ``50.0``, ``50%``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("%").strip()
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
        raise ValueError(value)
    return number
