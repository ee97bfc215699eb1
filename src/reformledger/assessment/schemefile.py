"""The YAML form of a scheme (``reformledger assessment-scheme import|export``): read with
``yaml.safe_load`` (no tags, no objects), written with ``yaml.safe_dump``; rules in clause order.

    title: 2018年度改革考评方案
    year: 2018
    unit_kinds: [sub_district, department]
    noise_margin: 0.5
    appeal_days: 10
    floor: 0
    cap: 120
    rules:
      - clause: "1.1"
        title: 基础分
        kind: base
        params: {points: 60}
      - clause: "2.3"
        title: 逾期扣分
        kind: lateness
        params: {per: task_month, points: -0.5}
        cap: null
        floor: -10
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Rule, Scheme

MAX_BYTES = 1_000_000
SCHEME_KEYS = {"title", "year", "unit_kinds", "noise_margin", "appeal_days", "floor", "cap", "rules"}
RULE_KEYS = {"clause", "title", "kind", "params", "expression", "unit_kinds", "department", "floor", "cap"}


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number == int(number) else number


def dump(scheme: Scheme, rules: list[Rule]) -> str:
    data: dict[str, Any] = {
        "title": scheme.title, "year": scheme.year, "unit_kinds": list(scheme.unit_kinds or []),
        "noise_margin": _number(scheme.noise_margin), "appeal_days": scheme.appeal_days,
        "floor": _number(scheme.floor), "cap": _number(scheme.cap), "rules": [],
    }
    for rule in rules:
        entry: dict[str, Any] = {"clause": rule.clause, "title": rule.title, "kind": rule.kind, "params": rule.params}
        if rule.expression:
            entry["expression"] = rule.expression
        if rule.unit_kinds:
            entry["unit_kinds"] = list(rule.unit_kinds)
        if rule.department:
            entry["department"] = rule.department
        if rule.floor is not None:
            entry["floor"] = _number(rule.floor)
        if rule.cap is not None:
            entry["cap"] = _number(rule.cap)
        data["rules"].append(entry)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("%(field)s: a number is needed.") % {"field": field}})
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("%(field)s: a number is needed.") % {"field": field}}) from None
    if not number.is_finite():
        raise ValidationError({field: _("%(field)s: a number is needed.") % {"field": field}})
    return number


def load(text: str) -> dict[str, Any]:
    """The scheme as a plain dict (checked for shape; the rules' params are checked on save)."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise ValidationError(_("The scheme file is too large."))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" (line %(line)s)") % {"line": mark.line + 1} if mark is not None else ""
        raise ValidationError(_("The scheme file is not valid YAML%(where)s.") % {"where": where}) from None
    if not isinstance(data, dict):
        raise ValidationError(_("The scheme file must hold a mapping with title, year and rules."))
    unknown = set(map(str, data)) - SCHEME_KEYS
    if unknown:
        raise ValidationError(_("Unknown key in the scheme file: %(key)s.") % {"key": sorted(unknown)[0]})
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        raise ValidationError({"rules": _("rules: a list is needed.")})
    out = {
        "title": str(data.get("title") or "").strip(),
        "year": data.get("year"),
        "unit_kinds": data.get("unit_kinds") or [],
        "noise_margin": _decimal(data.get("noise_margin", 0), "noise_margin") or Decimal(0),
        "appeal_days": data.get("appeal_days", 10),
        "floor": _decimal(data.get("floor"), "floor"),
        "cap": _decimal(data.get("cap"), "cap"),
        "rules": [],
    }
    if not isinstance(out["year"], int) or isinstance(out["year"], bool):
        raise ValidationError({"year": _("year: a year such as 2018 is needed.")})
    if not isinstance(out["appeal_days"], int) or isinstance(out["appeal_days"], bool):
        raise ValidationError({"appeal_days": _("appeal_days: a whole number of days is needed.")})
    for number, rule in enumerate(rules, start=1):
        out["rules"].append(_rule(rule, number))
    return out


def _rule(rule: Any, number: int) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise ValidationError(_("Rule number %(n)s of the file is not a mapping.") % {"n": number})
    clause = str(rule.get("clause") or "").strip()
    unknown = set(map(str, rule)) - RULE_KEYS
    if unknown:
        raise ValidationError(_("Rule %(clause)s: unknown key %(key)s.") % {"clause": clause or number, "key": sorted(unknown)[0]})
    return {
        "clause": clause,
        "title": str(rule.get("title") or "").strip(),
        "kind": str(rule.get("kind") or ""),
        "params": rule.get("params") or {},
        "expression": str(rule.get("expression") or ""),
        "unit_kinds": rule.get("unit_kinds") or [],
        "department": str(rule.get("department") or ""),
        "floor": _decimal(rule.get("floor"), f"rules.{clause}.floor"),
        "cap": _decimal(rule.get("cap"), f"rules.{clause}.cap"),
    }
