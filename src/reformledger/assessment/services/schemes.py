"""Writes to schemes and their rules (issue 11 part 1): the office of the district only, each in
one transaction, audited. A scheme is edited while ``draft``; adopting it checks every rule again;
a frozen (published-on) or adopted scheme changes only through a new revision (:func:`revise_scheme`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Unit, UnitKind

from .. import schemefile
from ..hashing import rule_data
from ..kinds import clean_rule
from ..models import Rule, Scheme, SchemeState

SCHEME_FIELDS = ("title", "unit_kinds", "noise_margin", "appeal_days", "floor", "cap")


def _district_codes(district_id: int) -> set[str]:
    return set(Unit.objects.filter(district_id=district_id).values_list("code", flat=True))


def _check_scheme_fields(*, title: str, unit_kinds: Iterable[str], noise_margin: Decimal, appeal_days: int,
                         floor: Decimal | None, cap: Decimal | None) -> None:
    if not title or not str(title).strip():
        raise ValidationError({"title": _("A scheme needs a title.")})
    kinds = list(unit_kinds)
    if not kinds:
        raise ValidationError({"unit_kinds": _("Name the unit kinds the scheme assesses.")})
    bad = [k for k in kinds if k not in UnitKind.values]
    if bad:
        raise ValidationError({"unit_kinds": _("Unknown unit kind “%(kind)s”.") % {"kind": str(bad[0])[:40]}})
    if noise_margin is None or Decimal(noise_margin) < 0:
        raise ValidationError({"noise_margin": _("The noise margin must not be negative.")})
    if not isinstance(appeal_days, int) or not 0 <= appeal_days <= 365:
        raise ValidationError({"appeal_days": _("The appeal window is 0 to 365 days.")})
    if cap is not None and cap < 0:
        raise ValidationError({"cap": _("A cap must not be negative.")})
    if floor is not None and cap is not None and cap < floor:
        raise ValidationError({"cap": _("The cap is below the floor.")})


def _editable(scheme: Scheme) -> None:
    if scheme.state != SchemeState.DRAFT:
        raise ValidationError(
            _("Scheme “%(title)s” is %(state)s: start a new revision to change it.")
            % {"title": scheme.title, "state": scheme.get_state_display()}
        )


def _locked(scheme: Scheme) -> Scheme:
    return Scheme.objects.select_for_update().get(pk=scheme.pk)


@transaction.atomic
def create_scheme(*, user: Any, district: Unit, year: int, title: str, unit_kinds: Iterable[str],
                  noise_margin: Decimal = Decimal(0), appeal_days: int = 10, floor: Decimal | None = None,
                  cap: Decimal | None = None) -> Scheme:
    """A new draft scheme for the district's year (the next revision when one exists)."""
    require(user, "assessment.manage_scheme", district)
    if district.kind != UnitKind.DISTRICT:
        raise ValidationError({"district": _("Schemes belong to a district.")})
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError({"year": _("A year such as 2018 is needed.")})
    kinds = list(unit_kinds)
    _check_scheme_fields(title=title, unit_kinds=kinds, noise_margin=Decimal(noise_margin), appeal_days=appeal_days,
                         floor=floor, cap=cap)
    latest = Scheme.objects.filter(district=district, year=year).aggregate(n=Max("revision"))["n"] or 0
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(
                district=district, year=year, revision=latest + 1, title=title.strip(), unit_kinds=kinds,
                noise_margin=Decimal(noise_margin), appeal_days=appeal_days, floor=floor, cap=cap,
            )
    except IntegrityError:
        raise ValidationError(_("Another revision of this scheme was just made; try again.")) from None
    log_action(user, "assessment.scheme_create", scheme, {"year": [None, year], "revision": [None, scheme.revision]})
    return scheme


@transaction.atomic
def update_scheme(*, user: Any, scheme: Scheme, **fields: Any) -> Scheme:
    """Change a draft scheme's title, unit kinds, noise margin, appeal window, floor or cap."""
    require(user, "assessment.manage_scheme", scheme)
    unknown = set(fields) - set(SCHEME_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field %(field)s.") % {"field": sorted(unknown)[0]})
    scheme = _locked(scheme)
    _editable(scheme)
    values = {name: fields.get(name, getattr(scheme, name)) for name in SCHEME_FIELDS}
    values["noise_margin"] = Decimal(values["noise_margin"])
    _check_scheme_fields(**values)
    changes = {k: [getattr(scheme, k), v] for k, v in values.items() if getattr(scheme, k) != v}
    for name, value in values.items():
        setattr(scheme, name, value)
    scheme.save()
    log_action(user, "assessment.scheme_update", scheme, changes)
    return scheme


@transaction.atomic
def save_rule(*, user: Any, scheme: Scheme, rule: Rule | None = None, clause: str, title: str, kind: str,
              params: Any, expression: str = "", unit_kinds: Iterable[str] = (), department: str = "",
              floor: Decimal | None = None, cap: Decimal | None = None, position: int | None = None) -> Rule:
    """Add a rule to a draft scheme (``rule`` None) or change one; params checked per kind."""
    require(user, "assessment.manage_scheme", scheme)
    scheme = _locked(scheme)
    _editable(scheme)
    if rule is not None and rule.scheme_id != scheme.pk:
        raise ValidationError(_("That rule belongs to another scheme."))
    clause = str(clause or "").strip()
    if not title or not str(title).strip():
        raise ValidationError({"title": _("Rule %(clause)s needs a title.") % {"clause": clause}})
    kinds = list(unit_kinds)
    cleaned = clean_rule(clause=clause, kind=kind, params=params, expression_text=expression, unit_kinds=kinds,
                         floor=floor, cap=cap, unit_codes=_district_codes(scheme.district_id))
    same_clause = Rule.objects.filter(scheme=scheme, clause=clause)
    taken = (same_clause.exclude(pk=rule.pk) if rule is not None else same_clause).exists()
    if taken:
        raise ValidationError({"clause": _("Clause %(clause)s is already in the scheme.") % {"clause": clause}})
    if position is None:
        position = rule.position if rule is not None else (Rule.objects.filter(scheme=scheme).aggregate(n=Max("position"))["n"] or 0) + 1
    before = rule_data(rule) if rule is not None else {}
    target = rule or Rule(scheme=scheme)
    target.clause, target.title, target.kind, target.params = clause, str(title).strip(), kind, cleaned
    target.expression = expression.strip() if kind == "expression" else ""
    target.unit_kinds, target.department, target.floor, target.cap, target.position = kinds, department, floor, cap, position
    target.save()
    after = rule_data(target)
    log_action(user, "assessment.rule_save", target, {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    return target


@transaction.atomic
def delete_rule(*, user: Any, rule: Rule) -> None:
    require(user, "assessment.manage_scheme", rule.scheme)
    _editable(_locked(rule.scheme))
    if rule.line_items.exists():
        raise ValidationError(_("Rule %(clause)s was used in a computed version; start a new revision instead.") % {"clause": rule.clause})
    log_action(user, "assessment.rule_delete", rule.scheme, {"rule": [rule_data(rule), None]})
    rule.delete()


def _check_all_rules(scheme: Scheme) -> None:
    codes = _district_codes(scheme.district_id)
    rules = list(scheme.rules.order_by("position", "pk"))
    if not rules:
        raise ValidationError(_("Scheme “%(title)s” has no rules.") % {"title": scheme.title})
    for rule in rules:
        clean_rule(clause=rule.clause, kind=rule.kind, params=rule.params, expression_text=rule.expression,
                   unit_kinds=rule.unit_kinds, floor=rule.floor, cap=rule.cap, unit_codes=codes)


@transaction.atomic
def adopt_scheme(*, user: Any, scheme: Scheme) -> Scheme:
    """The office adopts a draft scheme (every rule checked again); it is then computed on."""
    require(user, "assessment.manage_scheme", scheme)
    scheme = _locked(scheme)
    _editable(scheme)
    _check_all_rules(scheme)
    scheme.state, scheme.adopted_at, scheme.adopted_by = SchemeState.ADOPTED, timezone.now(), user
    scheme.save(update_fields=["state", "adopted_at", "adopted_by", "updated_at"])
    log_action(user, "assessment.scheme_adopt", scheme, {"state": [SchemeState.DRAFT, SchemeState.ADOPTED]})
    return scheme


@transaction.atomic
def revise_scheme(*, user: Any, scheme: Scheme) -> Scheme:
    """A new draft revision copying an adopted or frozen scheme and its rules."""
    require(user, "assessment.manage_scheme", scheme)
    if scheme.state == SchemeState.DRAFT:
        raise ValidationError(_("Scheme “%(title)s” is still a draft: change it directly.") % {"title": scheme.title})
    latest = Scheme.objects.select_for_update().filter(district_id=scheme.district_id, year=scheme.year).aggregate(n=Max("revision"))["n"]
    copy = Scheme.objects.create(
        district_id=scheme.district_id, year=scheme.year, revision=(latest or 0) + 1, title=scheme.title,
        unit_kinds=list(scheme.unit_kinds), noise_margin=scheme.noise_margin, appeal_days=scheme.appeal_days,
        floor=scheme.floor, cap=scheme.cap,
    )
    rules = [
        Rule(scheme=copy, position=r.position, clause=r.clause, title=r.title, unit_kinds=list(r.unit_kinds), department=r.department,
             kind=r.kind, params=r.params, expression=r.expression, floor=r.floor, cap=r.cap)
        for r in scheme.rules.order_by("position", "pk")
    ]
    Rule.objects.bulk_create(rules)
    log_action(user, "assessment.scheme_revise", copy, {"revision": [scheme.revision, copy.revision]})
    return copy


@transaction.atomic
def import_scheme_yaml(*, user: Any, district: Unit, text: str) -> Scheme:
    """A new draft scheme (the next revision of its year) from the YAML text; nothing is written
    when any rule is wrong (the error names its clause and field)."""
    require(user, "assessment.manage_scheme", district)
    data = schemefile.load(text)
    scheme = create_scheme(
        user=user, district=district, year=data["year"], title=data["title"], unit_kinds=data["unit_kinds"],
        noise_margin=data["noise_margin"], appeal_days=data["appeal_days"], floor=data["floor"], cap=data["cap"],
    )
    codes = _district_codes(district.pk)
    rules, seen = [], set()
    for position, entry in enumerate(data["rules"], start=1):
        if entry["clause"] in seen:
            raise ValidationError({"clause": _("Clause %(clause)s appears twice.") % {"clause": entry["clause"]}})
        seen.add(entry["clause"])
        if not entry["title"]:
            raise ValidationError({"title": _("Rule %(clause)s needs a title.") % {"clause": entry["clause"]}})
        params = clean_rule(clause=entry["clause"], kind=entry["kind"], params=entry["params"], expression_text=entry["expression"],
                            unit_kinds=entry["unit_kinds"], floor=entry["floor"], cap=entry["cap"], unit_codes=codes)
        rules.append(Rule(scheme=scheme, position=position, clause=entry["clause"], title=entry["title"], kind=entry["kind"],
                          params=params, expression=entry["expression"].strip(), unit_kinds=list(entry["unit_kinds"]),
                          department=entry["department"], floor=entry["floor"], cap=entry["cap"]))
    Rule.objects.bulk_create(rules)
    log_actions(user, [Change("assessment.scheme_import", scheme, {"rules": [None, len(rules)]})])
    return scheme


def export_scheme_yaml(*, scheme: Scheme) -> str:
    """The scheme as YAML (the form :func:`import_scheme_yaml` reads)."""
    return schemefile.dump(scheme, list(scheme.rules.order_by("position", "pk")))
