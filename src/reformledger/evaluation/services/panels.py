"""Expert panels (评审组): the district's expert pool, forming a panel for an expert round, its
rubric, members and trimmed-mean rule, opening scoring (every member's sheets made, conflicted pairs
excluded) and closing it. Every write is atomic, permission-checked once and audited.

A panel changes only while it forms (rubric, members, rule); once scoring opens they are frozen, and
a closed panel changes no more at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reformledger.core.audit import Change, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Membership, Role, Unit, User
from reformledger.reforms.models import Reform

from ..models import (
    MAX_CRITERIA,
    RUBRIC_TOTAL,
    Criterion,
    Expert,
    Panel,
    PanelState,
    Round,
    RoundKind,
    RoundReform,
    Sheet,
    SheetStatus,
)
from ..models.panels import plain

Errors = dict[str, list[str]]
OFFICE_ONLY = gettext_lazy("Only the reform office of the district runs its expert panels.")


@dataclass(frozen=True)
class CriterionSpec:
    """One line of a rubric as the office gives it (parsed by the form or the API)."""

    name: str
    max_points: Decimal | str | int | float
    weight: Decimal | str | int | float = Decimal(1)
    description: str = ""


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def check_rubric(criteria: Sequence[CriterionSpec]) -> list[Criterion]:
    """The rubric as unsaved criteria, or a ValidationError naming ``criteria.N.field``: each
    criterion named once, its maximum positive with at most one decimal, its weight positive (at
    most 10, two decimals), at most :data:`MAX_CRITERIA` of them. The total (Σ max × weight) is
    checked when scoring opens, so a rubric may be built in steps."""
    errors: Errors = {}
    if not criteria:
        _add(errors, "criteria", _("Give the rubric at least one criterion."))
    if len(criteria) > MAX_CRITERIA:
        _add(errors, "criteria", _("A rubric has at most %(n)d criteria.") % {"n": MAX_CRITERIA})
    out: list[Criterion] = []
    seen: set[str] = set()
    for i, spec in enumerate(criteria):
        name = (spec.name or "").strip()
        if not name:
            _add(errors, f"criteria.{i}.name", _("Name the criterion."))
        elif len(name) > 100:
            _add(errors, f"criteria.{i}.name", _("A criterion's name has at most 100 characters."))
        elif name in seen:
            _add(errors, f"criteria.{i}.name", _("Each criterion is named once."))
        seen.add(name)
        most = _decimal(spec.max_points)
        if most is None or most <= 0 or most > 1000 or most != most.quantize(Decimal("0.1")):
            _add(errors, f"criteria.{i}.max_points", _("The maximum is a positive number of points (at most one decimal)."))
        weight = _decimal(spec.weight)
        if weight is None or weight <= 0 or weight > 10 or weight != weight.quantize(Decimal("0.01")):
            _add(errors, f"criteria.{i}.weight", _("The weight is a positive number up to 10 (at most two decimals)."))
        if len(spec.description or "") > 500:
            _add(errors, f"criteria.{i}.description", _("At most 500 characters."))
        out.append(Criterion(position=i, name=name, max_points=most or 0, weight=weight or 0,
                             description=(spec.description or "").strip()))
    if errors:
        raise ValidationError(errors)
    return out


def rubric_total(criteria: Sequence[Criterion]) -> Decimal:
    return sum((c.max_points * c.weight for c in criteria), Decimal(0))


def _rubric_values(criteria: Sequence[Criterion]) -> list[list[object]]:
    return [[c.name, str(c.max_points), str(c.weight)] for c in criteria]


def _lock(panel: Panel) -> Panel:
    return Panel.objects.select_for_update().select_related("round").get(pk=panel.pk)


def _forming(panel: Panel) -> None:
    if panel.state != PanelState.FORMING:
        raise ValidationError({"state": _("The panel's rubric, members and rule are frozen once scoring opens.")})


def _check_trim(trim_min_experts: int, errors: Errors) -> None:
    if not isinstance(trim_min_experts, int) or not 3 <= trim_min_experts <= 99:
        _add(errors, "trim_min_experts", _("Drop the highest and the lowest from a number of experts between 3 and 99."))


# --- the pool ----------------------------------------------------------------------------------------


@transaction.atomic
def add_expert(
    *, user: User, district: Unit, person: User, name: str, affiliation: str, field: str, unit: Unit | None = None,
) -> Expert:
    """A person with the expert role joins the district's pool."""
    require(user, "evaluation.manage_panel", district, message=OFFICE_ONLY)
    errors: Errors = {}
    if not Membership.objects.filter(user=person, role=Role.EXPERT).exists():
        _add(errors, "person", _("This person does not have the expert role."))
    elif Expert.objects.filter(district=district, person=person).exists():
        _add(errors, "person", _("This person is in the district's expert pool already."))
    if unit is not None and unit.district_id != district.pk:
        _add(errors, "unit", _("The unit must be of the district."))
    for key, value, most in (("name", name, 100), ("affiliation", affiliation, 200), ("field", field, 100)):
        if not (value or "").strip():
            _add(errors, key, _("This field is required."))
        elif len(value.strip()) > most:
            _add(errors, key, _("At most %(n)d characters.") % {"n": most})
    if errors:
        raise ValidationError(errors)
    expert = Expert.objects.create(district=district, person=person, name=name.strip(), affiliation=affiliation.strip(),
                                   field=field.strip(), unit=unit)
    log_action(user, "expert.add", expert, {"person": [None, person.get_username()], "name": [None, expert.name],
                                           "affiliation": [None, expert.affiliation], "field": [None, expert.field],
                                           "unit": [None, unit.pk if unit else None]})
    return expert


# --- forming -----------------------------------------------------------------------------------------


def _check_members(panel_district_id: int, members: Sequence[Expert], errors: Errors) -> None:
    if len({m.pk for m in members}) != len(members):
        _add(errors, "members", _("Each expert is a member once."))
    for member in members:
        if member.district_id != panel_district_id or not member.is_active:
            _add(errors, "members", _("“%(name)s” is not in the district's expert pool.") % {"name": member.name})


@transaction.atomic
def form_panel(
    *, user: User, round: Round, name: str, criteria: Sequence[CriterionSpec], members: Sequence[Expert] = (),
    trim_min_experts: int = 5,
) -> Panel:
    """The office forms the panel of an expert round: its rubric, members and trimmed-mean rule."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require(user, "evaluation.manage_panel", round, message=OFFICE_ONLY)
    errors: Errors = {}
    if round.kind != RoundKind.EXPERT:
        _add(errors, "round", _("Only an expert round has a panel."))
    elif Panel.objects.filter(round=round).exists():
        _add(errors, "round", _("This round has its panel already."))
    name = (name or "").strip()
    if not name or len(name) > 200:
        _add(errors, "name", _("Name the panel (at most 200 characters)."))
    _check_trim(trim_min_experts, errors)
    _check_members(round.district_id, members, errors)
    try:
        rubric = check_rubric(criteria)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        rubric = []
    if errors:
        raise ValidationError(errors)
    panel = Panel.objects.create(round=round, district_id=round.district_id, name=name,
                                 trim_min_experts=trim_min_experts, created_by=user)
    for criterion in rubric:
        criterion.panel = panel
    Criterion.objects.bulk_create(rubric)
    panel.members.set(members)
    log_action(user, "panel.form", panel, {
        "round": [None, round.pk], "name": [None, name], "trim_min_experts": [None, trim_min_experts],
        "criteria": [None, _rubric_values(rubric)], "members": [None, sorted(m.pk for m in members)],
    })
    return panel


@transaction.atomic
def change_panel(
    *, user: User, panel: Panel, name: str, criteria: Sequence[CriterionSpec], members: Sequence[Expert],
    trim_min_experts: int,
) -> Panel:
    """While the panel forms: a new name, rubric, members or rule (all given, the old replaced)."""
    panel = _lock(panel)
    require(user, "evaluation.manage_panel", panel, message=OFFICE_ONLY)
    _forming(panel)
    errors: Errors = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        _add(errors, "name", _("Name the panel (at most 200 characters)."))
    _check_trim(trim_min_experts, errors)
    _check_members(panel.district_id, members, errors)
    try:
        rubric = check_rubric(criteria)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        rubric = []
    if errors:
        raise ValidationError(errors)
    before = {"name": panel.name, "trim_min_experts": panel.trim_min_experts,
              "criteria": _rubric_values(list(panel.criteria.all())),
              "members": sorted(panel.members.values_list("pk", flat=True))}
    panel.criteria.all().delete()
    for criterion in rubric:
        criterion.panel = panel
    Criterion.objects.bulk_create(rubric)
    panel.members.set(members)
    panel.name, panel.trim_min_experts = name, trim_min_experts
    panel.save(update_fields=["name", "trim_min_experts", "updated_at"])
    after = {"name": name, "trim_min_experts": trim_min_experts, "criteria": _rubric_values(rubric),
             "members": sorted(m.pk for m in members)}
    log_action(user, "panel.change", panel, {k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return panel


# --- scoring and closing -----------------------------------------------------------------------------


def conflicts(members: Sequence[Expert], reforms: Sequence[Reform]) -> dict[tuple[int, int], str]:
    """(expert id, reform id) → the unit that makes it a conflict: the reform's lead unit or a
    co-unit is the expert's unit. ``reforms`` with ``co_units`` prefetched and ``lead_unit`` selected."""
    out: dict[tuple[int, int], str] = {}
    for reform in reforms:
        carriers = {reform.lead_unit_id: reform.lead_unit.name, **{u.pk: u.name for u in reform.co_units.all()}}
        for member in members:
            if member.unit_id is not None and member.unit_id in carriers:
                out[(member.pk, reform.pk)] = carriers[member.unit_id]
    return out


@transaction.atomic
def open_scoring(*, user: User, panel: Panel) -> Panel:
    """The rubric, members and rule freeze; each member gets a sheet for each of the round's
    reforms, those of a conflict of interest made excluded (with the unit that makes it one)."""
    panel = _lock(panel)
    require(user, "evaluation.manage_panel", panel, message=OFFICE_ONLY)
    _forming(panel)
    criteria = list(panel.criteria.all())
    members = list(panel.members.select_related("unit"))
    reform_ids = list(RoundReform.objects.filter(round_id=panel.round_id).values_list("reform_id", flat=True))
    errors: Errors = {}
    total = rubric_total(criteria)
    if not criteria:
        _add(errors, "criteria", _("Give the rubric at least one criterion."))
    elif total != RUBRIC_TOTAL:
        _add(errors, "criteria", _("The rubric's maximum total (maximum points × weight, added up) must be %(want)s; it is %(total)s.")
             % {"want": RUBRIC_TOTAL, "total": plain(total)})
    if not members:
        _add(errors, "members", _("Add the panel's experts first."))
    if not reform_ids:
        _add(errors, "round", _("The round has no reforms to score."))
    if errors:
        raise ValidationError(errors)
    reforms = list(Reform.objects.filter(pk__in=reform_ids).select_related("lead_unit").prefetch_related("co_units"))
    conflicted = conflicts(members, reforms)
    Sheet.objects.bulk_create([
        Sheet(panel=panel, expert=m, reform=r,
              status=SheetStatus.EXCLUDED if (m.pk, r.pk) in conflicted else SheetStatus.PENDING,
              conflict=conflicted.get((m.pk, r.pk), ""))
        for r in reforms for m in members
    ], batch_size=1000)
    panel.state, panel.scoring_opened_at = PanelState.SCORING, timezone.now()
    panel.save(update_fields=["state", "scoring_opened_at", "updated_at"])
    log_actions(user, [Change("panel.open_scoring", panel, {
        "state": [PanelState.FORMING, PanelState.SCORING], "sheets": [0, len(reforms) * len(members)],
        "excluded": [[e, r, unit] for (e, r), unit in sorted(conflicted.items())],
    })])
    return panel


@transaction.atomic
def close_panel(*, user: User, panel: Panel) -> Panel:
    """Scoring ends: marks become readable, nothing changes any more (pending sheets stay unscored)."""
    panel = _lock(panel)
    require(user, "evaluation.manage_panel", panel, message=OFFICE_ONLY)
    if panel.state != PanelState.SCORING:
        raise ValidationError({"state": _("Only a panel that is scoring can be closed.")})
    pending = panel.sheets.filter(status=SheetStatus.PENDING).count()
    panel.state, panel.closed_at = PanelState.CLOSED, timezone.now()
    panel.save(update_fields=["state", "closed_at", "updated_at"])
    log_action(user, "panel.close", panel, {"state": [PanelState.SCORING, PanelState.CLOSED], "pending_sheets": pending})
    return panel
