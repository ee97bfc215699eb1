"""Field checks shared by the case-study services: each problem is recorded on its field's name
(``outcomes.2.after``), so a page puts it beside the field and the API names it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

Errors = dict[str, list[str]]
#: The largest magnitude an outcome's figure may have (the column holds 12 digits before the point).
MAX_FIGURE = Decimal("999999999999")


def add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def text(value: Any, name: str, limit: int, errors: Errors, *, required: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        add(errors, name, _("Enter text."))
        return ""
    out = (value or "").strip()
    if required and not out:
        add(errors, name, _("This field is required."))
    elif len(out) > limit:
        add(errors, name, _("At most %(n)d characters.") % {"n": limit})
    return out


def figure(value: Any, name: str, errors: Errors, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            add(errors, name, _("This field is required."))
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        add(errors, name, _("Enter a number."))
        return None
    if not number.is_finite() or abs(number) > MAX_FIGURE:
        add(errors, name, _("Enter a number of at most 12 digits before the decimal point."))
        return None
    return number.quantize(Decimal("0.0001"))


def date(value: Any, name: str, errors: Errors) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        add(errors, name, _("Enter a date as YYYY-MM-DD."))
        return None
