"""The public list's filters (GET): domain, tier, adoption level, year, search. Invalid values are
ignored rather than refused (a stale bookmark still shows the list)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.evaluation.models import AdoptionLevel
from reformledger.reforms.models import Tier

from ..selectors.public import PublicFilters


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=limits.SEARCH)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    level = forms.ChoiceField(label=_("Adopted at"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, years: list[int], domains: list):
        super().__init__(data)
        every = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["domain"]).choices = every + [(d.code, d.name) for d in domains]
        cast(forms.ChoiceField, self.fields["tier"]).choices = every + list(Tier.choices)
        cast(forms.ChoiceField, self.fields["level"]).choices = every + list(AdoptionLevel.choices) + [("none", _("Not adopted yet"))]
        cast(forms.TypedChoiceField, self.fields["year"]).choices = every + [(y, str(y)) for y in years]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
        self.fields["q"].widget.attrs["id"] = "filter-q"

    def filters(self) -> PublicFilters:
        if not self.is_bound:
            return PublicFilters()
        self.is_valid()
        data = self.cleaned_data
        return PublicFilters(
            domain=data.get("domain") or "", tier=data.get("tier") or "", level=data.get("level") or "",
            year=data.get("year"), q=(data.get("q") or "").strip(),
        )
