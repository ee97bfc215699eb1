"""The look-back review's forms: scheduling, the findings with their repeating rows (Django
formsets: a few blank rows each, "Save and add rows" for more, a remove box per row — no script),
concluding, reopening, and a problem's follow-up task."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.core.forms import style
from reformledger.org.models import Unit, User

from ..models import AdoptionLevel, Extent, Grade, Round, Severity

DATE = {"type": "date"}


def _date() -> forms.DateInput:
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")




class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.username


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class ScheduleForm(forms.Form):
    scheduled_on = forms.DateField(label=_("Scheduled for"), widget=_date())
    reviewer = PersonChoice(label=_("Reviewer"), queryset=User.objects.none(), required=False)

    def __init__(self, data=None, *, reviewers: QuerySet[User], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.ModelChoiceField, self.fields["reviewer"]).queryset = reviewers
        style(self)


class ScheduleDueForm(forms.Form):
    """Schedule the proposed reforms (checked) on one date (each at the earliest a year after its
    completion)."""

    scheduled_on = forms.DateField(label=_("Schedule on"), widget=_date())
    reforms = forms.TypedMultipleChoiceField(label=_("Reforms"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, proposed: list[Any]):
        super().__init__(data, initial={"scheduled_on": timezone.localdate() + dt.timedelta(days=30), "reforms": [r.pk for r in proposed]})
        cast(forms.TypedMultipleChoiceField, self.fields["reforms"]).choices = [(r.pk, f"{r.code} {r.title}") for r in proposed]
        style(self)


class ReviewForm(forms.Form):
    """The review's own fields (the rows are in the formsets)."""

    scheduled_on = forms.DateField(label=_("Scheduled for"), widget=_date())
    reviewer = PersonChoice(label=_("Reviewer"), queryset=User.objects.none(), required=False)
    mechanism = forms.ChoiceField(
        label=_("Did it leave a lasting mechanism (长效机制)?"), choices=Extent.choices, required=False, widget=forms.RadioSelect
    )
    mechanism_text = forms.CharField(
        label=_("The mechanism"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    sustained = forms.ChoiceField(label=_("Are the results sustained?"), choices=Extent.choices, required=False, widget=forms.RadioSelect)
    sustained_text = forms.CharField(
        label=_("How the results hold"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    lookback_round = forms.ModelChoiceField(
        label=_("Look-back rating round"), queryset=Round.objects.none(), required=False,
        help_text=_("Whose ratings of this reform are residents' view now. Left empty: the latest look-back round that rates it."),
    )

    def __init__(self, data=None, *, reviewers: QuerySet[User], rounds: QuerySet[Round], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.ModelChoiceField, self.fields["reviewer"]).queryset = reviewers
        cast(forms.ModelChoiceField, self.fields["lookback_round"]).queryset = rounds
        style(self)


class _Row(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class DocumentRowForm(_Row):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    number = forms.CharField(label=_("Document number (文号)"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=limits.TITLE, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=_date())


class AdoptionRowForm(_Row):
    place = forms.CharField(label=_("Where"), max_length=limits.TITLE)
    #: A blank first choice: an untouched extra row stays unchanged (and is skipped), not "city".
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *AdoptionLevel.choices])
    description = forms.CharField(label=_("Description"), max_length=limits.LONG_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label=_("Evidence link"), max_length=500, required=False, assume_scheme="https")
    evidence_document = forms.CharField(label=_("Evidence document"), max_length=limits.TITLE, required=False)


class ProblemRowForm(_Row):
    description = forms.CharField(label=_("Problem"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)


DocumentFormSet = formset_factory(DocumentRowForm, extra=2, can_delete=True, max_num=200, validate_max=True)
AdoptionFormSet = formset_factory(AdoptionRowForm, extra=2, can_delete=True, max_num=200, validate_max=True)
ProblemFormSet = formset_factory(ProblemRowForm, extra=2, can_delete=True, max_num=200, validate_max=True)


def formset_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows a valid formset keeps: blank extra rows and rows marked for removal left out."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        row = {k: v for k, v in data.items() if k != "DELETE"}
        if row.get("id") is None:
            row.pop("id", None)
        rows.append(row)
    return rows


class ConcludeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Conclusion grade"), choices=Grade.choices, widget=forms.RadioSelect)
    conclusion = forms.CharField(label=_("Conclusion"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Task title"), max_length=limits.TITLE, required=False,
                            help_text=_("Left empty: “Follow-up (回头看)” and the problem."))
    unit = UnitChoice(label=_("Responsible unit"), queryset=Unit.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=_date())

    def __init__(self, data=None, *, units: QuerySet[Unit], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        style(self)
