"""The conditions and the negative list of a district (data per jurisdiction, ADR 0047): seeded
with the defaults (``tolerance.defaults``) for a district that has none, then edited by the
district's reform office: words, hints, order, in use or retired. Every edit is audited; an item is
never deleted (cases keep the words they answered)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reformledger.core.audit import Change, diff, log_action, log_actions
from reformledger.core.permissions import require
from reformledger.org.models import Unit, UnitKind

from ..defaults import CONDITIONS, NEGATIVE
from ..models import ChecklistItem, ItemKind

MANAGES = _("Only the reform office of the district edits its conditions and negative list.")
TEXT_MAX = 300
HINT_MAX = 500


@transaction.atomic
def ensure_checklist(*, district: Unit) -> int:
    """Give a district the default items if it has none (a district made after the data migration,
    on first use): how many were made. Safe when two requests do it at once (the codes are unique)."""
    if district.kind != UnitKind.DISTRICT:
        raise ValidationError({"district": _("Choose a district.")})
    if ChecklistItem.objects.filter(district=district).exists():
        return 0
    rows = [
        ChecklistItem(district=district, kind=kind, code=code, text=text, hint=hint, sort_order=order)
        for kind, items in ((ItemKind.CONDITION, CONDITIONS), (ItemKind.NEGATIVE, NEGATIVE))
        for order, (code, text, hint) in enumerate(items, start=1)
    ]
    ChecklistItem.objects.bulk_create(rows, ignore_conflicts=True)
    made = list(ChecklistItem.objects.filter(district=district))
    log_actions(None, [Change("tolerance.checklist_seed", item, {"text": [None, item.text]}) for item in made])
    return len(made)


def _checked(text: str, hint: str, sort_order: int) -> tuple[str, str, int]:
    errors: dict[str, list[str]] = {}
    text, hint = (text or "").strip(), (hint or "").strip()
    if not text:
        errors["text"] = [_("This field is required.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("At most %(n)s characters.") % {"n": TEXT_MAX}]
    if len(hint) > HINT_MAX:
        errors["hint"] = [_("At most %(n)s characters.") % {"n": HINT_MAX}]
    if not isinstance(sort_order, int) or not 0 <= sort_order <= 999:
        errors["sort_order"] = [_("Enter a whole number from 0 to 999.")]
    if errors:
        raise ValidationError(errors)
    return text, hint, sort_order


@transaction.atomic
def add_item(*, user, district: Unit, kind: str, text: str, hint: str = "", sort_order: int = 100) -> ChecklistItem:
    """Add a condition or a negative-list item to the district's checklist."""
    require(user, "tolerance.manage_checklist", district, message=MANAGES)
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose a condition or a negative-list item.")})
    text, hint, sort_order = _checked(text, hint, sort_order)
    base = slugify(text, allow_unicode=True)[:30] or kind
    taken = set(ChecklistItem.objects.filter(district=district, kind=kind).values_list("code", flat=True))
    code, n = base if base not in taken else f"{base}-2", 2
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    item = ChecklistItem(district=district, kind=kind, code=code, text=text, hint=hint, sort_order=sort_order)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError({"text": _("Another item was added at the same moment; try again.")}) from exc
    log_action(user, "tolerance.checklist_add", item, {"kind": [None, kind], "text": [None, text], "hint": [None, hint]})
    return item


@transaction.atomic
def change_item(*, user, item: ChecklistItem, text: str, hint: str, sort_order: int, is_active: bool) -> ChecklistItem:
    """Change an item's words, hint and order, or retire it (or bring it back)."""
    item = ChecklistItem.objects.select_for_update().select_related("district").get(pk=item.pk)
    require(user, "tolerance.manage_checklist", item.district, message=MANAGES)
    text, hint, sort_order = _checked(text, hint, sort_order)
    before = {"text": item.text, "hint": item.hint, "sort_order": item.sort_order, "is_active": item.is_active}
    item.text, item.hint, item.sort_order, item.is_active = text, hint, sort_order, bool(is_active)
    changes = diff(before, {"text": text, "hint": hint, "sort_order": sort_order, "is_active": item.is_active})
    if changes:
        item.save()
        log_action(user, "tolerance.checklist_change", item, changes)
    return item
