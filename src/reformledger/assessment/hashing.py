"""Canonical forms and SHA-256 hashes of a scheme and of a version's results (ADR 0043).

The canonical form is JSON with sorted keys and no spaces; decimals are written with three
places, so the same rules and the same results always give the same bytes. A version's hash
covers its scheme's hash, district and year, every score (unit, score, rank,
band) and every line item's numbers and references, but not the explanations' wording (which
follows the language the computation ran in) nor the version number, so two computations of
the same rules over the same data have the same hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from . import ranking
from .models import Assessment, LineItem, Rule, Scheme, UnitScore


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(ranking.points(value))


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def sha256(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def rule_data(rule: Rule) -> dict[str, Any]:
    return {
        "clause": rule.clause, "title": rule.title, "kind": rule.kind, "params": rule.params, "expression": rule.expression,
        "unit_kinds": sorted(rule.unit_kinds or []), "department": rule.department, "floor": _dec(rule.floor),
        "cap": _dec(rule.cap), "position": rule.position,
    }


def scheme_data(scheme: Scheme, rules: Iterable[Rule]) -> dict[str, Any]:
    return {
        "district": scheme.district_id, "year": scheme.year, "revision": scheme.revision, "title": scheme.title,
        "unit_kinds": sorted(scheme.unit_kinds or []), "noise_margin": _dec(scheme.noise_margin),
        "appeal_days": scheme.appeal_days, "floor": _dec(scheme.floor), "cap": _dec(scheme.cap),
        "rules": sorted((rule_data(r) for r in rules), key=lambda r: (r["position"], r["clause"])),
    }


def scheme_hash(scheme: Scheme) -> str:
    return sha256(scheme_data(scheme, scheme.rules.all()))


def results_data(assessment: Assessment, scheme_digest: str) -> dict[str, Any]:
    scores = UnitScore.objects.filter(assessment=assessment).order_by("unit_id").values_list("unit_id", "score", "rank", "noise_band")
    lines = LineItem.objects.filter(assessment=assessment).order_by("unit_id", "rule_id", "pk").values_list(
        "unit_id", "rule__clause", "points", "quantity", "reform_id", "task_id", "round_id", "case_study_id", "adoption_id",
        "commendation_id", "waived_by_id", "waived_points", "adjustment",
    )
    return {
        "scheme": scheme_digest, "district": assessment.district_id, "year": assessment.year,
        "scores": [[u, _dec(s), r, b] for u, s, r, b in scores],
        "lines": sorted([[*row[:2], _dec(row[2]), _dec(row[3]), *row[4:11], _dec(row[11]), row[12]] for row in lines], key=str),
    }


def results_hash(assessment: Assessment, scheme_digest: str) -> str:
    return sha256(results_data(assessment, scheme_digest))
