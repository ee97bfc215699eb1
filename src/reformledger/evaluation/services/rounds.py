"""Rounds (评估轮次): the office of a district opens a round for its own reforms, edits it until it
opens, closes it early with a reason, and publishes its results once it has closed (all at once).

Every write: atomic, checked once (``evaluation.manage_round``: the office of the round's district;
the province office changes nothing), audited. Rated rounds (public, open, look-back) get their
dimensions (:data:`~..models.DEFAULT_DIMENSIONS` unless the office gives its own: at most six,
keys unique slugs); expert rounds score on their panel's rubric and have none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core import limits
from reformledger.core.audit import log_action
from reformledger.core.permissions import require
from reformledger.org.models import Unit, UnitKind
from reformledger.reforms.models import PUBLIC_STATUSES, Reform

from ..models import DEFAULT_DIMENSIONS, MAX_DIMENSIONS, RATED_KINDS, Round, RoundKind, RoundReform
from . import seals

OFFICE_ONLY = gettext_lazy("Only the reform office of the district runs its rounds.")
_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
#: The fields a round's edit may change.
EDITABLE = ("title", "description", "opens_at", "closes_at", "dimensions", "min_ratings", "prior_weight")

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def read_dimensions(kind: str, dimensions: Sequence[Mapping[str, Any]] | None, errors: Errors) -> list[dict[str, str]]:
    """A rated round's dimensions as stored (``[{"key", "label"}]``); none for an expert round."""
    if kind not in RATED_KINDS:
        return []
    if not dimensions:
        return [{"key": key, "label": label} for key, label in DEFAULT_DIMENSIONS.items()]
    out: list[dict[str, str]] = []
    if len(dimensions) > MAX_DIMENSIONS:
        _add(errors, "dimensions", _("A round has at most %(n)d dimensions.") % {"n": MAX_DIMENSIONS})
        return out
    for i, item in enumerate(dimensions):
        key = str(item.get("key", "") or "").strip()
        label = str(item.get("label", "") or "").strip()
        if not _SLUG.match(key):
            _add(errors, f"dimensions.{i}.key", _("A key is a short slug: lower-case letters, digits, - or _, starting with a letter."))
        elif key in {d["key"] for d in out}:
            _add(errors, f"dimensions.{i}.key", _("The key “%(key)s” is used twice.") % {"key": key})
        if not label or len(label) > 100:
            _add(errors, f"dimensions.{i}.label", _("Give a label of at most 100 characters."))
        out.append({"key": key, "label": label})
    return out


def _check_round(values: dict[str, Any], errors: Errors) -> None:
    title = (values.get("title") or "").strip()
    values["title"] = title
    if not title:
        _add(errors, "title", _("Give the round a title."))
    elif len(title) > limits.TITLE:
        _add(errors, "title", _("At most %(n)d characters.") % {"n": limits.TITLE})
    values["description"] = (values.get("description") or "").strip()
    if len(values["description"]) > limits.LONG_TEXT:
        _add(errors, "description", _("At most %(n)d characters.") % {"n": limits.LONG_TEXT})
    for name in ("opens_at", "closes_at"):
        value = values.get(name)
        if not isinstance(value, dt.datetime):
            _add(errors, name, _("Give a date and time."))
        elif timezone.is_naive(value):  # a time without its zone is the installation's local time
            values[name] = timezone.make_aware(value)
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if isinstance(opens, dt.datetime) and isinstance(closes, dt.datetime) and closes <= opens:
        _add(errors, "closes_at", _("A round closes after it opens."))
    for name in ("min_ratings", "prior_weight"):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 100_000):
            _add(errors, name, _("A whole number from 0 to 100,000."))


def _check_reforms(district: Unit, kind: str, reforms: Sequence[Reform], errors: Errors) -> list[Reform]:
    seen: dict[int, Reform] = {}
    for reform in reforms:
        seen.setdefault(reform.pk, reform)
    outside = [r.code for r in seen.values() if r.district_id != district.pk]
    if outside:
        _add(errors, "reforms", _("Not reforms of this district: %(codes)s.") % {"codes": ", ".join(outside)})
    if kind in RATED_KINDS:
        hidden = [r.code for r in seen.values() if r.status not in PUBLIC_STATUSES]
        if hidden:
            _add(errors, "reforms", _("Residents rate only approved, ongoing or completed reforms: %(codes)s.") % {"codes": ", ".join(hidden)})
    if not seen:
        _add(errors, "reforms", _("Choose the reforms of the round."))
    return list(seen.values())


def _set_reforms(round_: Round, reforms: Sequence[Reform]) -> None:
    RoundReform.objects.filter(round=round_).delete()
    RoundReform.objects.bulk_create([RoundReform(round=round_, reform=r, position=i) for i, r in enumerate(reforms)])


@transaction.atomic
def open_round(
    *, user, district: Unit, kind: str, year: int, title: str, opens_at: dt.datetime, closes_at: dt.datetime,
    reforms: Sequence[Reform], description: str = "", dimensions: Sequence[Mapping[str, Any]] | None = None,
    min_ratings: int | None = None, prior_weight: int | None = None,
) -> Round:
    """The office of ``district`` opens a round of ``kind`` for ``year`` with ``reforms`` (its own)."""
    require(user, "evaluation.manage_round", district, message=OFFICE_ONLY)
    errors: Errors = {}
    if district.kind != UnitKind.DISTRICT:
        _add(errors, "district", _("A round belongs to a district."))
    if kind not in RoundKind.values:
        _add(errors, "kind", _("Choose public, open, expert or lookback."))
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        _add(errors, "year", _("Give the year of the reforms (1990–2100)."))
    values: dict[str, Any] = {
        "title": title, "description": description, "opens_at": opens_at, "closes_at": closes_at,
        "min_ratings": min_ratings, "prior_weight": prior_weight,
    }
    _check_round(values, errors)
    values["dimensions"] = read_dimensions(kind, dimensions, errors)
    chosen = _check_reforms(district, kind, reforms, errors)
    if errors:
        raise ValidationError(errors)
    extra = {k: v for k, v in values.items() if v is not None}
    round_ = Round.objects.create(district=district, kind=kind, year=year, created_by=user, **extra)
    _set_reforms(round_, chosen)
    log_action(user, "round.open", round_, {
        "kind": [None, kind], "year": [None, year], "title": [None, round_.title],
        "window": [None, [round_.opens_at, round_.closes_at]], "dimensions": [None, round_.dimensions],
        "reforms": [None, [r.pk for r in chosen]],
    })
    return round_


def _locked(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def edit_round(*, user, round: Round, changes: Mapping[str, Any], reforms: Sequence[Reform] | None = None) -> Round:  # noqa: A002
    """Change a round before it opens (``changes``: any of :data:`EDITABLE`; ``reforms``: the new list)."""
    round_ = _locked(round)
    require(user, "evaluation.manage_round", round_, message=OFFICE_ONLY)
    if round_.opens_at <= timezone.now():
        raise ValidationError({"opens_at": [_("This round has opened: it can no longer be changed (close it early instead).")]})
    unknown = set(changes) - set(EDITABLE)
    errors: Errors = {name: [_("Unknown field.")] for name in sorted(unknown)}
    before = {name: getattr(round_, name) for name in EDITABLE}
    values = {**before, **{k: v for k, v in changes.items() if k in EDITABLE}}
    _check_round(values, errors)
    values["dimensions"] = read_dimensions(round_.kind, values["dimensions"], errors)
    chosen = _check_reforms(round_.district, round_.kind, reforms, errors) if reforms is not None else None
    if errors:
        raise ValidationError(errors)
    for name in EDITABLE:
        if values[name] is not None:
            setattr(round_, name, values[name])
    round_.save()
    diff = {name: [before[name], getattr(round_, name)] for name in EDITABLE if before[name] != getattr(round_, name)}
    if chosen is not None:
        old = list(round_.entries.order_by("position").values_list("reform_id", flat=True))
        new = [r.pk for r in chosen]
        if old != new:
            _set_reforms(round_, chosen)
            diff["reforms"] = [old, new]
    log_action(user, "round.edit", round_, diff)
    return round_


@transaction.atomic
def close_round(*, user, round: Round, reason: str) -> Round:  # noqa: A002
    """Close an open round now, before its window ends, with a reason."""
    round_ = _locked(round)
    require(user, "evaluation.manage_round", round_, message=OFFICE_ONLY)
    now = timezone.now()
    reason = (reason or "").strip()
    errors: Errors = {}
    if not round_.is_open(now):
        _add(errors, "closes_at", _("Only an open round can be closed early."))
    if not reason:
        _add(errors, "reason", _("Say why the round closes early."))
    elif len(reason) > limits.REASON:
        _add(errors, "reason", _("At most %(n)d characters.") % {"n": limits.REASON})
    if errors:
        raise ValidationError(errors)
    before = round_.closes_at
    round_.closes_at = now
    round_.save(update_fields=["closes_at", "updated_at"])
    log_action(user, "round.close", round_, {"closes_at": [before, now], "reason": reason, **seals.sealed_head(round_id=round_.pk)})
    return round_


@transaction.atomic
def publish_results(*, user, round: Round) -> Round:  # noqa: A002
    """Publish the round's results, all at once, after it has closed (once)."""
    round_ = _locked(round)
    require(user, "evaluation.manage_round", round_, message=OFFICE_ONLY)
    if not round_.has_closed():
        raise ValidationError({"published_at": [_("Results are published after the round closes.")]})
    if round_.published_at is not None:
        raise ValidationError({"published_at": [_("The results of this round are published already.")]})
    round_.published_at = timezone.now()
    round_.published_by = user
    round_.save(update_fields=["published_at", "published_by", "updated_at"])
    # The results published are those of the ratings sealed up to this head (ADR 0051).
    log_action(user, "round.publish", round_, {"published_at": [None, round_.published_at], **seals.sealed_head(round_id=round_.pk)})
    return round_
