"""Units of a district, as its reform office keeps them: add, edit, move, deactivate (ADR 0026).

Districts themselves are added by the installation's operator (``/admin/``). A unit moves only
within its district, under a unit that is not itself nor one of its own sub-units.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reformledger.core.audit import diff, log_action
from reformledger.core.permissions import require

from ..models import Unit, UnitKind, User
from ..robots import check_robot_address
from ..selectors import is_within

#: The fields the office edits on a unit's page (its place in the tree moves by :func:`move_unit`).
EDITABLE = ("code", "name", "kind", "sort_order", "webhook_url")

def check_webhook(url: str) -> None:
    """Raise ValidationError when ``url`` is not an allowed robot address (ADR 0030; an empty
    address is none). Delivery checks the address again, after resolving its name, at send time."""
    if url:
        check_robot_address(url)


def _values(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in (*EDITABLE, "parent_id", "is_active")}


def _validate(unit: Unit) -> None:
    if unit.kind == UnitKind.DISTRICT and unit.parent_id is not None:
        raise ValidationError({"kind": _("Only the installation's operator adds or changes districts.")})
    unit.full_clean(exclude=["district", "parent"])
    try:
        check_webhook(unit.webhook_url)
    except ValidationError as error:
        raise ValidationError({"webhook_url": error.messages}) from error


@transaction.atomic
def create_unit(
    *, user: User, parent: Unit, code: str, name: str, kind: str, sort_order: int = 0, webhook_url: str = ""
) -> Unit:
    """A new unit under ``parent`` (in the office's district)."""
    require(user, "org.manage_unit", parent)
    if kind == UnitKind.DISTRICT:
        raise ValidationError({"kind": _("Only the installation's operator adds or changes districts.")})
    unit = Unit(parent=parent, code=code.strip(), name=name.strip(), kind=kind, sort_order=sort_order,
                webhook_url=webhook_url.strip())
    _validate(unit)
    unit.save()
    log_action(user, "unit.create", unit, {key: [None, value] for key, value in _values(unit).items()})
    return unit


@transaction.atomic
def update_unit(
    *, user: User, unit: Unit, code: str, name: str, kind: str, sort_order: int, webhook_url: str
) -> Unit:
    """Change a unit's code, name, kind, order or robot address (a district keeps its kind)."""
    require(user, "org.manage_unit", unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = _values(unit)
    if (unit.kind == UnitKind.DISTRICT) != (kind == UnitKind.DISTRICT):
        raise ValidationError({"kind": _("Only the installation's operator adds or changes districts.")})
    unit.code, unit.name, unit.kind = code.strip(), name.strip(), kind
    unit.sort_order, unit.webhook_url = sort_order, webhook_url.strip()
    _validate(unit)
    changes = diff(before, _values(unit))
    if changes:
        unit.save()
        log_action(user, "unit.update", unit, changes)
    return unit


@transaction.atomic
def move_unit(*, user: User, unit: Unit, parent: Unit) -> Unit:
    """Put ``unit`` (and its sub-units) under ``parent``, in the same district."""
    require(user, "org.manage_unit", unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.kind == UnitKind.DISTRICT:
        raise ValidationError({"parent": _("A district is not moved.")})
    if parent.district_id != unit.district_id:
        raise ValidationError({"parent": _("A unit moves only within its own district.")})
    if is_within(parent, unit):
        raise ValidationError({"parent": _("A unit cannot be put under itself or one of its own sub-units.")})
    if parent.pk == unit.parent_id:
        return unit
    old_parent = unit.parent_id
    unit.parent = parent
    unit.save()
    log_action(user, "unit.move", unit, {"parent": [old_parent, parent.pk]})
    return unit


@transaction.atomic
def set_unit_active(*, user: User, unit: Unit, active: bool) -> Unit:
    """Deactivate a unit (its memberships then give no rights; it leaves the lists) or bring it back."""
    require(user, "org.manage_unit", unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.kind == UnitKind.DISTRICT:
        raise ValidationError({"is_active": _("A district is not deactivated here.")})
    if unit.is_active == active:
        return unit
    if not active and unit.children.filter(is_active=True).exists():
        raise ValidationError({"is_active": _("Deactivate its sub-units first.")})
    if active and unit.parent is not None and not unit.parent.is_active:
        raise ValidationError({"is_active": _("Reactivate the unit above it first.")})
    unit.is_active = active
    unit.save(update_fields=["is_active", "updated_at"])
    log_action(user, "unit.reactivate" if active else "unit.deactivate", unit, {"is_active": [not active, active]})
    return unit
