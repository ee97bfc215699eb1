"""The conditions and the negative list of a district, as the apply form and the editor read them."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ChecklistItem, ItemKind


def checklist(*, district_id: int, active_only: bool = True) -> QuerySet[ChecklistItem]:
    """The district's items, conditions first, each kind in its order."""
    qs = ChecklistItem.objects.filter(district_id=district_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("kind", "sort_order", "pk")


def split(items) -> dict[str, list[ChecklistItem]]:
    """``{"conditions": [...], "negative": [...]}`` of loaded items."""
    out: dict[str, list[ChecklistItem]] = {"conditions": [], "negative": []}
    for item in items:
        out["conditions" if item.kind == ItemKind.CONDITION else "negative"].append(item)
    return out
