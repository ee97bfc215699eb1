"""The office's editor of its district's conditions and negative list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ItemKind
from . import style


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=300)
    hint = forms.CharField(label=_("Hint for the applicant"), max_length=500, required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=100)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class AddItemForm(ItemForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    field_order = ["kind", "text", "hint", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]
