"""The commendation's forms: awarding (prefilled from a candidate) and revoking."""

from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.org.models import Unit, User
from reformledger.reforms.models import Reform

from ..models import CommendationKind
from .common import DATE, StyledForm


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ReformChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Reform) -> str:
        return f"{obj.code} {obj.title}"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class AwardForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommendationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    unit = UnitChoice(label=_("Unit"), queryset=Unit.objects.none())
    reform = ReformChoice(label=_("Reform (optional)"), queryset=Reform.objects.none(), required=False)
    people = PeopleChoice(
        label=_("People (optional)"), queryset=User.objects.none(), required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    citation = forms.CharField(label=_("Citation"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    awarded_on = forms.DateField(label=_("Awarded on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, data=None, *, units: QuerySet[Unit], reforms: QuerySet[Reform], people: QuerySet[User], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ModelChoiceField, self.fields["reform"]).queryset = reforms
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = people


class RevokeForm(StyledForm):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 4}))
