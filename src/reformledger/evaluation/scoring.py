"""Reading a rater's scores against a round's dimensions: the one check every channel uses (web,
API, rating codes, paper slips). Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models.ratings import SCORE_FIELDS, SCORE_MAX, SCORE_MIN


def score_columns(*, dimensions: list[dict[str, Any]], scores: Mapping[str, Any], field: str = "scores") -> dict[str, int]:
    """``{"satisfaction": 5, "effect": 4}`` → ``{"score_1": 5, "score_2": 4}`` in the round's order.

    Every dimension must be scored with a whole number from 1 to 5; an unknown dimension, a missing
    one or a score out of range is a :class:`ValidationError` naming ``field.DIMENSION``."""
    errors: dict[str, list[str]] = {}
    if not isinstance(scores, Mapping):
        raise ValidationError({field: [_("Scores must be an object of dimension: score.")]})
    keys = [d["key"] for d in dimensions]
    for key in scores:
        if key not in keys:
            errors.setdefault(f"{field}.{key}", []).append(
                _("“%(key)s” is not a dimension of this round (its dimensions: %(keys)s).")
                % {"key": key, "keys": ", ".join(keys)}
            )
    columns: dict[str, int] = {}
    for i, key in enumerate(keys):
        value = scores.get(key)
        if value is None or value == "":
            errors.setdefault(f"{field}.{key}", []).append(_("Give a score from 1 to 5."))
            continue
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None and isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None or not SCORE_MIN <= number <= SCORE_MAX:
            errors.setdefault(f"{field}.{key}", []).append(
                _("A score is a whole number from %(min)d to %(max)d.") % {"min": SCORE_MIN, "max": SCORE_MAX}
            )
            continue
        columns[SCORE_FIELDS[i]] = number
    if errors:
        raise ValidationError(errors)
    return columns
