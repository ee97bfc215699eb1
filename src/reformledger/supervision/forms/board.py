"""The warning board's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.reforms.forms import FastSelect
from reformledger.reforms.models import Tier
from reformledger.reforms.selectors import Choice

from ..models import Level
from ..selectors.warnings import TaskFilters


class BoardFilterForm(forms.Form):
    """The board's filters (GET). Invalid values are ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False, max_length=limits.SEARCH)
    level = forms.ChoiceField(label=_("Warning"), required=False, widget=FastSelect)
    tier = forms.ChoiceField(label=_("Tier"), required=False, widget=FastSelect)
    domain = forms.ChoiceField(label=_("Domain"), required=False, widget=FastSelect)
    unit = forms.ChoiceField(label=_("Responsible unit"), required=False, widget=FastSelect)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    period = forms.RegexField(
        label=_("Was overdue in"), required=False, regex=r"^\d{4}-\d{2}$",
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
        help_text=_("A month: the tasks overdue at some time in it, even if done or extended since."),
    )

    def __init__(
        self, data=None, *, domains: list[Choice], units: list[Choice] | None, districts: list[Choice] | None = None
    ):
        super().__init__(data)
        any_choice = [("", _("All"))]
        self._choice("level").choices = lambda: [
            ("", _("Red and amber")), (Level.RED, Level.RED.label), (Level.AMBER, Level.AMBER.label)
        ]
        self._choice("tier").choices = lambda: any_choice + list(Tier.choices)
        self._choice("domain").choices = lambda: any_choice + [(d.code, d.name) for d in domains]
        if units is None:  # the province office before it chooses a district
            del self.fields["unit"]
        else:
            self._choice("unit").choices = lambda: any_choice + [(u.code, u.name) for u in units]
        if districts is None:  # offered to whoever reads several districts (the province office)
            del self.fields["district"]
        else:
            self._choice("district").choices = lambda: any_choice + [(int(d.code), d.name) for d in districts]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter-{name}")
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Task, reform or code")})

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def filters(self, **extra: Any) -> TaskFilters:
        """The valid filters; a field with a bad value counts as not set."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return TaskFilters(
            unit=data.get("unit") or None,
            domain=data.get("domain") or None,
            tier=data.get("tier") or None,
            level=data.get("level") or None,
            q=(data.get("q") or "").strip() or None,
            period=data.get("period") or None,
            **({"district": data["district"]} if data.get("district") else {}),
            **extra,
        )
