"""The rules applied to a district's year: line items per rule kind, then each rule's floor and cap,
then each unit's total held between the scheme's floor and cap, ranks and noise bands
(:mod:`.ranking`). Pure over a :class:`~.facts.FactBook`: no writes, so the computation, the
dry run and the what-if preview all run it, and an upheld appeal's new version runs :func:`finish`.

Every line item's explanation lets a reader recompute it (``3 overdue task-months × -0.5 = -1.5``).
A penalty resting on a reform is waived by a decided tolerance case of that reform and unit: the
line keeps the points it would have had (``waived_points``), names the case and says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from django.utils.translation import gettext as _

from . import ranking
from .engine_reforms import REFORM_KINDS
from .expression import Compiled
from .facts import FactBook, UnitRow
from .lines import ADJUST_RULE, ADJUST_SCHEME, ZERO, Line, Outcome, RuleLike, make_line, num, units_of
from .models import RuleKind


def _waive(line: Line, book: FactBook) -> Line:
    if line.points >= 0 or line.reform_id is None:
        return line
    exemption = book.exemptions.get((line.reform_id, line.unit_id))
    if exemption is None or exemption.waiver <= 0:
        return line
    kept = ranking.points(line.points * (1 - exemption.waiver))
    note = _("waived %(share)s%% by tolerance case %(case)s: %(before)s → %(after)s") % {
        "share": num(exemption.waiver * 100), "case": exemption.case_id, "before": num(line.points), "after": num(kept),
    }
    return replace(line, points=kept, waived_by_id=exemption.case_id, waived_points=line.points,
                   explanation=f"{line.explanation}; {note}")


def _source_values(rule: RuleLike, book: FactBook, units: list[UnitRow]) -> tuple[str, dict[int, float]]:
    params = rule.params
    if "variable" in params:
        name = params["variable"]
        table = book.variables({name})
        return name, {u.pk: table[u.pk][name] for u in units}
    values = params.get("values", {})
    return _("the imported figure"), {u.pk: float(values[u.code]) for u in units if u.code in values}


def _base(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    p = rule.params["points"]
    for unit in units_of(rule, book):
        yield make_line(unit.pk, rule, p, _("Base score: %(points)s") % {"points": num(p)})


def _rank_ladder(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    name, values = _source_values(rule, book, units_of(rule, book))
    ladder, otherwise = rule.params["ladder"], rule.params.get("otherwise", 0.0)
    sign = -1 if rule.params.get("lower_is_better") else 1
    ranks = ranking.competition_ranks({k: ranking.points(sign * v) for k, v in values.items()})
    for unit_id, rank in sorted(ranks.items()):
        p = ladder[rank - 1] if rank <= len(ladder) else otherwise
        yield make_line(unit_id, rule, p, _("Rank %(rank)s of %(count)s on %(name)s (%(value)s): %(points)s") % {
            "rank": rank, "count": len(ranks), "name": name, "value": num(values[unit_id]), "points": num(p),
        }, quantity=ranking.points(rank))


def _proportional(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    name, values = _source_values(rule, book, units_of(rule, book))
    p = rule.params["points"]
    best = max(values.values(), default=0.0)
    for unit_id, value in sorted(values.items()):
        if best <= 0:
            yield make_line(unit_id, rule, 0, _("%(name)s: the best unit's value is not above 0, so 0 points") % {"name": name},
                        quantity=ranking.points(value))
            continue
        points = ranking.points(Decimal(str(p)) * ranking.points(value) / ranking.points(best))
        yield make_line(unit_id, rule, points, _("%(name)s %(value)s ÷ the best %(best)s × %(points)s = %(total)s") % {
            "name": name, "value": num(value), "best": num(best), "points": num(p), "total": num(points),
        }, quantity=ranking.points(value))


def _interpolated(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    name, values = _source_values(rule, book, units_of(rule, book))
    p, base, challenge = (Decimal(str(rule.params[k])) for k in ("points", "baseline", "challenge"))
    for unit_id, value in sorted(values.items()):
        share = min(Decimal(1), max(ZERO, (ranking.points(value) - base) / (challenge - base)))
        points = ranking.points(p * share)
        yield make_line(unit_id, rule, points, _(
            "%(name)s %(value)s: (%(value)s − %(baseline)s) ÷ (%(challenge)s − %(baseline)s), held between 0 and 1, "
            "× %(points)s = %(total)s"
        ) % {"name": name, "value": num(value), "baseline": num(base), "challenge": num(challenge), "points": num(p),
             "total": num(points)}, quantity=ranking.points(value))


def _per_instance(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    name, values = _source_values(rule, book, units_of(rule, book))
    p = Decimal(str(rule.params["points"]))
    for unit_id, value in sorted(values.items()):
        points = ranking.points(ranking.points(value) * p)
        yield make_line(unit_id, rule, points, _("%(count)s × %(points)s (%(name)s) = %(total)s") % {
            "count": num(value), "points": num(p), "name": name, "total": num(points),
        }, quantity=ranking.points(value))


def _imported(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    values, source = rule.params["values"], rule.params.get("source") or _("the imported sheet")
    for unit in units_of(rule, book):
        if unit.code in values:
            p = values[unit.code]
            yield make_line(unit.pk, rule, p, _("Imported from %(source)s: %(points)s") % {"source": source, "points": num(p)})


KINDS: dict[str, Callable[[RuleLike, FactBook], Iterable[Line]]] = {
    RuleKind.BASE: _base,
    RuleKind.RANK_LADDER: _rank_ladder,
    RuleKind.PROPORTIONAL: _proportional,
    RuleKind.INTERPOLATED: _interpolated,
    RuleKind.PER_INSTANCE: _per_instance,
    RuleKind.IMPORTED: _imported,
    **REFORM_KINDS,
}


def _expression(rule: RuleLike, book: FactBook) -> Iterable[Line]:
    compiled = Compiled(rule.expression, clause=rule.clause)
    units = units_of(rule, book)
    table = book.variables(compiled.names)
    for unit in units:
        variables = table[unit.pk]
        value = compiled.evaluate(variables, unit=f"{unit.name} ({unit.code})")
        shown = ", ".join(f"{k} = {num(variables[k])}" for k in sorted(compiled.names))
        yield make_line(unit.pk, rule, value, _("%(expression)s, where %(values)s: %(total)s") % {
            "expression": compiled.text, "values": shown or "—", "total": num(value),
        })


KINDS[RuleKind.EXPRESSION] = _expression


def apply_rule(rule: RuleLike, book: FactBook) -> list[Line]:
    """The rule's lines (penalties waived where a tolerance case says so), and the adjustment
    line of each unit whose total under the rule lies outside its floor or cap."""
    lines = [_waive(line, book) for line in KINDS[rule.kind](rule, book)]
    return lines + held_lines(rule, lines)


def held_lines(rule: RuleLike, lines: Sequence[Line]) -> list[Line]:
    """The adjustment line of each unit whose total of ``lines`` (the rule's own) lies outside the
    rule's floor or cap: for a computation, and again for a version derived from an upheld appeal."""
    if rule.floor is None and rule.cap is None:
        return []
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.unit_id] += line.points
    out = []
    for unit_id, total in sorted(totals.items()):
        kept, adjustment = ranking.held(total, floor=rule.floor, cap=rule.cap)
        if adjustment:
            out.append(Line(unit_id, rule, adjustment, _(
                "Rule %(clause)s gives %(total)s in all, held between its floor %(floor)s and cap %(cap)s: %(kept)s (%(adjustment)s)"
            ) % {"clause": rule.clause, "total": num(total), "floor": _bound(rule.floor), "cap": _bound(rule.cap),
                 "kept": num(kept), "adjustment": num(adjustment)}, adjustment=ADJUST_RULE))
    return out


def _bound(value: Decimal | None) -> str:
    return "—" if value is None else num(value)


def apply_rules(rules: Sequence[RuleLike], book: FactBook) -> list[Line]:
    lines: list[Line] = []
    for rule in rules:
        lines.extend(apply_rule(rule, book))
    return lines


def finish(lines: list[Line], *, unit_ids: Iterable[int], floor: Decimal | None, cap: Decimal | None, margin: Decimal) -> Outcome:
    """Scores (each unit's lines summed, held between the scheme's floor and cap with an adjustment
    line), competition ranks and noise bands. ``lines`` must not hold scheme adjustments already."""
    totals: dict[int, Decimal] = dict.fromkeys(unit_ids, ZERO)
    for line in lines:
        totals[line.unit_id] = totals.get(line.unit_id, ZERO) + line.points
    out = list(lines)
    scores: dict[int, Decimal] = {}
    for unit_id, total in sorted(totals.items()):
        kept, adjustment = ranking.held(total, floor=floor, cap=cap)
        scores[unit_id] = ranking.points(kept)
        if adjustment:
            out.append(Line(unit_id, None, adjustment, _(
                "The lines add up to %(total)s; the scheme holds a unit's score between %(floor)s and %(cap)s: %(kept)s (%(adjustment)s)"
            ) % {"total": num(total), "floor": _bound(floor), "cap": _bound(cap), "kept": num(kept), "adjustment": num(adjustment)},
                adjustment=ADJUST_SCHEME))
    return Outcome(out, scores, ranking.competition_ranks(scores), ranking.noise_bands(scores, margin), totals)


def run(rules: Sequence[RuleLike], book: FactBook, *, floor: Decimal | None, cap: Decimal | None, margin: Decimal) -> Outcome:
    """Every rule over the book, then :func:`finish`."""
    return finish(apply_rules(rules, book), unit_ids=[u.pk for u in book.units], floor=floor, cap=cap, margin=margin)
