"""Each rule kind's ``params``, checked on save (issue 11 part 1): :func:`clean_rule` returns the
params as stored or raises ``ValidationError`` whose messages name the clause and the field.

Kinds and their params (numbers may be negative: a penalty is negative points):

* ``base`` — ``{"points": 60}``.
* ``rank_ladder`` — ``{"variable": "reforms_led" | "values": {unit code: n}, "ladder": [5, 4, 3],
  "otherwise": 0, "lower_is_better": false}``: units ranked on the value (ties share a rank),
  rank k gets ``ladder[k-1]``.
* ``proportional`` — ``{"variable" | "values", "points": 10}``: points × value ÷ the best unit's value.
* ``interpolated`` — ``{"variable" | "values", "baseline": 0, "challenge": 10, "points": 5}``:
  points × (value − baseline) ÷ (challenge − baseline), clipped to [0, points].
* ``per_instance`` — ``{"variable" | "values", "points": -0.5}``: value × points (the rule's floor
  and cap hold the total).
* ``imported`` — ``{"values": {unit code: points}, "source": "…"}``: the points as imported.
* ``reform_outcome`` — ``{"tiers": {tier: {outcome: points}}, "co_unit_weight": 0.5,
  "grades": {grade: points}, "expert_bands": [{"from": 90, "to": 101, "points": 2}, …]}``;
  outcomes ``completed_on_time``, ``completed_late``, ``not_completed``, ``terminated``.
* ``lateness`` — ``{"per": "task_month" | "late_report", "points": -0.5}``.
* ``no_reform`` — ``{"points": -5, "tiers": ["key", "micro"]}`` (tiers optional: any).
* ``adoption`` — ``{"levels": {"city": 1, "province": 2, "nation": 3}, "include_lookback": false}``.
* ``public_rating`` — ``{"bands": [{"from": 4.5, "to": 5.01, "points": 2}, …]}`` on a reform's
  adjusted mean (1–5).
* ``commendation`` — ``{"kinds": {commendation kind: points}}``.
* ``expression`` — no params; the ``expression`` field (:mod:`.expression`).

Bands are half-open ``[from, to)`` and must not overlap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reformledger.evaluation.models import AdoptionLevel, Grade
from reformledger.org.models import UnitKind
from reformledger.reforms.models import Tier

from . import expression
from .models import CommendationKind, RuleKind
from .variables import VARIABLES

OUTCOMES = ("completed_on_time", "completed_late", "not_completed", "terminated")
LATENESS_PER = ("task_month", "late_report")
SOURCE_KINDS = (RuleKind.RANK_LADDER, RuleKind.PROPORTIONAL, RuleKind.INTERPOLATED, RuleKind.PER_INSTANCE)
ALLOWED_KEYS: dict[str, set[str]] = {
    RuleKind.BASE: {"points"},
    RuleKind.RANK_LADDER: {"variable", "values", "ladder", "otherwise", "lower_is_better"},
    RuleKind.PROPORTIONAL: {"variable", "values", "points"},
    RuleKind.INTERPOLATED: {"variable", "values", "baseline", "challenge", "points"},
    RuleKind.PER_INSTANCE: {"variable", "values", "points"},
    RuleKind.IMPORTED: {"values", "source"},
    RuleKind.REFORM_OUTCOME: {"tiers", "co_unit_weight", "grades", "expert_bands"},
    RuleKind.LATENESS: {"per", "points"},
    RuleKind.NO_REFORM: {"points", "tiers"},
    RuleKind.ADOPTION: {"levels", "include_lookback"},
    RuleKind.PUBLIC_RATING: {"bands"},
    RuleKind.COMMENDATION: {"kinds"},
    RuleKind.EXPRESSION: set(),
}


class _Checker:
    def __init__(self, clause: str, unit_codes: Iterable[str] | None):
        self.clause = clause
        self.unit_codes = set(unit_codes) if unit_codes is not None else None

    def fail(self, field: str, message: str) -> ValidationError:
        return ValidationError(
            {field: _("Rule %(clause)s, %(field)s: %(problem)s") % {"clause": self.clause, "field": field, "problem": message}}
        )

    def number(self, params: Mapping[str, Any], key: str, *, required: bool = True, default: float = 0.0) -> float:
        value = params.get(key)
        if value is None and not required:
            return default
        return self.as_number(value, f"params.{key}")

    def as_number(self, value: Any, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            raise self.fail(field, _("a number is needed"))
        try:
            number = float(value)
        except (ValueError, OverflowError):
            raise self.fail(field, _("a number is needed")) from None
        if not math.isfinite(number) or abs(number) > 1e9:
            raise self.fail(field, _("a number is needed"))
        return number

    def table(
        self, params: Mapping[str, Any], key: str, keys: Iterable[str], *, required: bool = True, field: str = ""
    ) -> dict[str, float]:
        value = params.get(key)
        key = field or key
        if (value is None or value == {}) and not required:
            return {}
        if not isinstance(value, Mapping) or not value:
            raise self.fail(f"params.{key}", _("a table of points is needed"))
        known = set(keys)
        out = {}
        for name, points in value.items():
            if str(name) not in known:
                raise self.fail(f"params.{key}", _("unknown entry “%(name)s”") % {"name": str(name)[:40]})
            out[str(name)] = self.as_number(points, f"params.{key}.{name}")
        return out

    def values(self, params: Mapping[str, Any]) -> dict[str, float]:
        value = params.get("values")
        if not isinstance(value, Mapping):
            raise self.fail("params.values", _("a table of unit codes and figures is needed"))
        out = {}
        for code, figure in value.items():
            if self.unit_codes is not None and str(code) not in self.unit_codes:
                raise self.fail("params.values", _("no unit with the code “%(code)s” is assessed") % {"code": str(code)[:40]})
            out[str(code)] = self.as_number(figure, f"params.values.{code}")
        return out

    def source(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if ("variable" in params) == ("values" in params):
            raise self.fail("params.variable", _("give either a variable or a table of values"))
        if "variable" in params:
            if params["variable"] not in VARIABLES:
                raise self.fail("params.variable", _("unknown variable “%(name)s”") % {"name": str(params["variable"])[:40]})
            return {"variable": params["variable"]}
        return {"values": self.values(params)}

    def bands(self, params: Mapping[str, Any], key: str, *, required: bool = True) -> list[dict[str, float]]:
        value = params.get(key)
        if (value is None or value == []) and not required:
            return []
        if not isinstance(value, list) or not value:
            raise self.fail(f"params.{key}", _("a list of bands is needed"))
        bands = []
        for i, band in enumerate(value, start=1):
            if not isinstance(band, Mapping) or set(band) != {"from", "to", "points"}:
                raise self.fail(f"params.{key}", _("band %(n)s needs from, to and points") % {"n": i})
            low, high = self.as_number(band["from"], f"params.{key}"), self.as_number(band["to"], f"params.{key}")
            if low >= high:
                raise self.fail(f"params.{key}", _("band %(n)s ends before it starts") % {"n": i})
            bands.append({"from": low, "to": high, "points": self.as_number(band["points"], f"params.{key}")})
        ordered = sorted(bands, key=lambda b: b["from"])
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after["from"] < before["to"]:
                raise self.fail(
                    f"params.{key}",
                    _("bands %(a)s–%(b)s and %(c)s–%(d)s overlap")
                    % {"a": before["from"], "b": before["to"], "c": after["from"], "d": after["to"]},
                )
        return ordered


def clean_rule(
    *,
    clause: str,
    kind: str,
    params: Any,
    expression_text: str = "",
    unit_kinds: Iterable[str] = (),
    floor: Decimal | None = None,
    cap: Decimal | None = None,
    unit_codes: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The checked params of a rule (see the module's docstring)."""
    check = _Checker(clause or "?", unit_codes)
    if not clause or not str(clause).strip():
        raise ValidationError({"clause": _("Every rule needs a clause number.")})
    if kind not in RuleKind.values:
        raise check.fail("kind", _("unknown kind “%(kind)s”") % {"kind": str(kind)[:40]})
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise check.fail("params", _("a table of parameters is needed"))
    unknown = set(params) - ALLOWED_KEYS[kind]
    if unknown:
        raise check.fail("params", _("unknown parameter “%(name)s”") % {"name": sorted(map(str, unknown))[0][:40]})
    bad_kinds = [k for k in unit_kinds if k not in UnitKind.values]
    if bad_kinds:
        raise check.fail("unit_kinds", _("unknown unit kind “%(kind)s”") % {"kind": str(bad_kinds[0])[:40]})
    _check_floor_cap(check, floor, cap)
    if kind == RuleKind.EXPRESSION:
        expression.check(expression_text, clause=clause)
        return {}
    if expression_text and expression_text.strip():
        raise check.fail("expression", _("only expression rules have an expression"))
    return _CLEANERS[kind](check, params)


def _check_floor_cap(check: _Checker, floor: Decimal | None, cap: Decimal | None) -> None:
    if cap is not None and cap < 0:
        raise check.fail("cap", _("a cap must not be negative"))
    if floor is not None and cap is not None and cap < floor:
        raise check.fail("cap", _("the cap is below the floor"))


def _base(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    return {"points": check.number(p, "points")}


def _rank_ladder(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    ladder = p.get("ladder")
    if not isinstance(ladder, list) or not ladder or len(ladder) > 1000:
        raise check.fail("params.ladder", _("a list of points by rank is needed"))
    return {
        **check.source(p),
        "ladder": [check.as_number(v, "params.ladder") for v in ladder],
        "otherwise": check.number(p, "otherwise", required=False),
        "lower_is_better": bool(p.get("lower_is_better", False)),
    }


def _proportional(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    return {**check.source(p), "points": check.number(p, "points")}


def _interpolated(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    baseline, challenge = check.number(p, "baseline"), check.number(p, "challenge")
    if baseline == challenge:
        raise check.fail("params.challenge", _("the challenge value must differ from the baseline"))
    return {**check.source(p), "baseline": baseline, "challenge": challenge, "points": check.number(p, "points")}


def _imported(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    source = p.get("source", "")
    if not isinstance(source, str) or len(source) > 200:
        raise check.fail("params.source", _("a short text is needed"))
    return {"values": check.values(p), "source": source}


def _reform_outcome(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    tiers = p.get("tiers")
    if not isinstance(tiers, Mapping) or not tiers:
        raise check.fail("params.tiers", _("a table of points by tier and outcome is needed"))
    table = {}
    for tier, outcomes in tiers.items():
        if tier not in Tier.values:
            raise check.fail("params.tiers", _("unknown tier “%(name)s”") % {"name": str(tier)[:40]})
        table[tier] = check.table({"t": outcomes}, "t", OUTCOMES, field=f"tiers.{tier}")
    weight = check.number(p, "co_unit_weight", required=False)
    if not 0 <= weight <= 1:
        raise check.fail("params.co_unit_weight", _("a weight between 0 and 1 is needed"))
    return {
        "tiers": table,
        "co_unit_weight": weight,
        "grades": check.table(p, "grades", Grade.values, required=False),
        "expert_bands": check.bands(p, "expert_bands", required=False),
    }


def _lateness(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    per = p.get("per", "task_month")
    if per not in LATENESS_PER:
        raise check.fail("params.per", _("either task_month or late_report"))
    return {"per": per, "points": check.number(p, "points")}


def _no_reform(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    tiers = p.get("tiers", [])
    if not isinstance(tiers, list) or any(t not in Tier.values for t in tiers):
        raise check.fail("params.tiers", _("a list of tiers (upper, key, micro) is needed"))
    return {"points": check.number(p, "points"), "tiers": sorted(set(tiers))}


def _adoption(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    return {"levels": check.table(p, "levels", AdoptionLevel.values), "include_lookback": bool(p.get("include_lookback", False))}


def _public_rating(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    return {"bands": check.bands(p, "bands")}


def _commendation(check: _Checker, p: Mapping[str, Any]) -> dict[str, Any]:
    return {"kinds": check.table(p, "kinds", CommendationKind.values)}


_CLEANERS: dict[str, Callable[[_Checker, Mapping[str, Any]], dict[str, Any]]] = {
    RuleKind.BASE: _base,
    RuleKind.RANK_LADDER: _rank_ladder,
    RuleKind.PROPORTIONAL: _proportional,
    RuleKind.INTERPOLATED: _interpolated,
    RuleKind.PER_INSTANCE: _proportional,
    RuleKind.IMPORTED: _imported,
    RuleKind.REFORM_OUTCOME: _reform_outcome,
    RuleKind.LATENESS: _lateness,
    RuleKind.NO_REFORM: _no_reform,
    RuleKind.ADOPTION: _adoption,
    RuleKind.PUBLIC_RATING: _public_rating,
    RuleKind.COMMENDATION: _commendation,
}
