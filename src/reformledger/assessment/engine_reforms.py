"""The rule kinds that rest on the record: reforms and their outcomes, lateness, no reform,
adoptions, public ratings, commendations. Each line cites what it rests on (reform, task, round,
case study and adoption, commendation); see :mod:`.engine`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from . import ranking
from .facts import FactBook, ReformRow
from .lines import ZERO, Line, RuleLike, make_line, num, units_of
from .models import RuleKind


def _outcome_label(outcome: str) -> str:
    return {
        "completed_on_time": _("completed on time"),
        "completed_late": _("completed late"),
        "not_completed": _("not completed"),
        "terminated": _("terminated"),
    }[outcome]


def _band(bands: list[dict[str, float]], value: float) -> dict[str, float] | None:
    return next((b for b in bands if b["from"] <= value < b["to"]), None)


def _reform_points(rule: RuleLike, book: FactBook, reform: ReformRow) -> tuple[Decimal, list[str]]:
    params = rule.params
    parts: list[str] = []
    total = ZERO
    table = params["tiers"].get(reform.tier, {})
    if reform.outcome in table:
        p = Decimal(str(table[reform.outcome]))
        total += p
        parts.append(_("%(code)s %(outcome)s: %(points)s") % {
            "code": reform.code, "outcome": _outcome_label(reform.outcome), "points": num(p)})
    grade = book.lookback_grades.get(reform.pk) if params.get("grades") else None
    if grade and grade in params["grades"]:
        p = Decimal(str(params["grades"][grade]))
        total += p
        parts.append(_("look-back grade %(grade)s: %(points)s") % {"grade": grade, "points": num(p)})
    score = book.expert_scores.get(reform.pk) if params.get("expert_bands") else None
    band = _band(params["expert_bands"], score) if score is not None else None
    if band is not None and score is not None:
        p = Decimal(str(band["points"]))
        total += p
        parts.append(_("expert score %(score)s in band %(low)s–%(high)s: %(points)s") % {
            "score": num(score), "low": num(band["from"]), "high": num(band["to"]), "points": num(p)})
    return total, parts


def _reform_outcome(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    units = {u.pk for u in units_of(rule, book)}
    weight = Decimal(str(rule.params.get("co_unit_weight", 0)))
    for reform in book.reforms:
        total, parts = _reform_points(rule, book, reform)
        if not parts:
            continue
        explained = "; ".join(parts)
        if reform.lead_unit_id in units:
            yield make_line(reform.lead_unit_id, rule, total, _("Lead unit of %(reform)s — %(parts)s = %(total)s") % {
                "reform": reform.code, "parts": explained, "total": num(total)}, reform_id=reform.pk)
        if weight <= 0:
            continue
        share = ranking.points(total * weight)
        for unit_id in book.co_units.get(reform.pk, []):
            if unit_id in units and unit_id != reform.lead_unit_id:
                yield make_line(unit_id, rule, share, _("Co-unit of %(reform)s — %(parts)s = %(total)s, × %(weight)s = %(share)s") % {
                    "reform": reform.code, "parts": explained, "total": num(total), "weight": num(weight), "share": num(share),
                }, reform_id=reform.pk)


def _lateness(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    units = {u.pk for u in units_of(rule, book)}
    p = Decimal(str(rule.params["points"]))
    if rule.params.get("per", "task_month") == "late_report":
        late: dict[int, list[str]] = {}
        for reply in book.late_replies:
            if reply.unit_id in units:
                late.setdefault(reply.unit_id, []).append(reply.order_code)
        for unit_id, codes in sorted(late.items()):
            points = ranking.points(len(codes) * p)
            shown = ", ".join(codes[:5]) + ("…" if len(codes) > 5 else "")
            yield make_line(unit_id, rule, points, _("%(count)s late replies to supervision orders (%(orders)s) × %(points)s = %(total)s") % {
                "count": len(codes), "orders": shown, "points": num(p), "total": num(points)}, quantity=Decimal(len(codes)))
        return
    reform_codes = {r.pk: r.code for r in book.reforms}
    for (unit_id, reform_id), tasks in sorted(book.overdue_months.items()):
        if unit_id not in units:
            continue
        months = sum(len(m) for m in tasks.values())
        points = ranking.points(months * p)
        task_id = next(iter(tasks)) if len(tasks) == 1 else None
        yield make_line(unit_id, rule, points, _("%(count)s overdue task-months (%(tasks)s tasks of %(reform)s) × %(points)s = %(total)s") % {
            "count": months, "tasks": len(tasks), "reform": reform_codes.get(reform_id, f"#{reform_id}"), "points": num(p),
            "total": num(points)}, quantity=Decimal(months), reform_id=reform_id, task_id=task_id)


def _no_reform(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    tiers = set(rule.params.get("tiers") or [])
    leading = {r.lead_unit_id for r in book.reforms if not tiers or r.tier in tiers}
    p = rule.params["points"]
    for unit in units_of(rule, book):
        if unit.pk not in leading:
            yield make_line(unit.pk, rule, p, _("Led no reform in %(year)s: %(points)s") % {"year": book.year, "points": num(p)},
                       quantity=ZERO)


def _level_label(level: str) -> str:
    return {"city": _("city"), "province": _("province"), "nation": _("nation")}.get(level, level)


def _adoption(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    units = {u.pk for u in units_of(rule, book)}
    levels = rule.params["levels"]
    for fact in book.adoptions:
        if fact.lead_unit_id in units and fact.level in levels:
            p = levels[fact.level]
            yield make_line(fact.lead_unit_id, rule, p, _("Case study adopted at %(level)s level on %(date)s: %(points)s") % {
                "level": _level_label(fact.level), "date": fact.adopted_on.isoformat(), "points": num(p),
            }, reform_id=fact.reform_id, case_study_id=fact.case_study_id, adoption_id=fact.adoption_id)
    if not rule.params.get("include_lookback"):
        return
    for adopted in book.lookback_adoptions:
        if adopted.lead_unit_id in units and adopted.level in levels:
            p = levels[adopted.level]
            yield make_line(adopted.lead_unit_id, rule, p, _("Adopted at %(level)s level (%(place)s), recorded by a look-back review: %(points)s") % {
                "level": _level_label(adopted.level), "place": adopted.place, "points": num(p)}, reform_id=adopted.reform_id)


def _public_rating(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    units = {u.pk for u in units_of(rule, book)}
    for rated in book.ratings:
        reform = book.reform_by_id.get(rated.reform_id)
        band = _band(rule.params["bands"], rated.mean)
        if reform is None or band is None or reform.lead_unit_id not in units:
            continue
        yield make_line(reform.lead_unit_id, rule, band["points"], _(
            "%(reform)s rated %(mean)s by the public (%(count)s ratings), band %(low)s–%(high)s: %(points)s"
        ) % {"reform": reform.code, "mean": num(rated.mean), "count": rated.count, "low": num(band["from"]),
             "high": num(band["to"]), "points": num(band["points"])},
            quantity=ranking.points(rated.mean), reform_id=reform.pk, round_id=rated.round_id)


def _commendation(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    units = {u.pk for u in units_of(rule, book)}
    kinds = rule.params["kinds"]
    for commended in book.commendations:
        if commended.unit_id in units and commended.kind in kinds:
            p = kinds[commended.kind]
            yield make_line(commended.unit_id, rule, p, _("Commendation “%(title)s”: %(points)s") % {
                "title": commended.title, "points": num(p)}, commendation_id=commended.pk, reform_id=commended.reform_id)


REFORM_KINDS: dict[str, Callable[[RuleLike, FactBook], Iterable[Line]]] = {
    RuleKind.REFORM_OUTCOME: _reform_outcome,
    RuleKind.LATENESS: _lateness,
    RuleKind.NO_REFORM: _no_reform,
    RuleKind.ADOPTION: _adoption,
    RuleKind.PUBLIC_RATING: _public_rating,
    RuleKind.COMMENDATION: _commendation,
}
