"""The case study's form: its sections, the evidence it cites (checkboxes of its own reform's
accepted reports and attachments) and its measured outcomes (a formset: a few blank rows, a remove
box per row — no script); and the form that starts a case of a reform."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.core.forms import style
from reformledger.reforms.models import Attachment, Reform
from reformledger.supervision.models import ProgressReport


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class CaseStudyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    background = forms.CharField(label=_("Background"), required=False, max_length=limits.LONG_TEXT, widget=_area(5),
                                 help_text=_("The problem the reform set out to solve, and where it stood before."))
    features = forms.CharField(label=_("Features (特色)"), required=False, max_length=limits.LONG_TEXT, widget=_area())
    highlights = forms.CharField(label=_("Highlights (亮点)"), required=False, max_length=limits.LONG_TEXT, widget=_area(),
                                 help_text=_("Shown in the public list: put the most telling result first."))
    experience = forms.CharField(label=_("Experience (经验)"), required=False, max_length=limits.LONG_TEXT, widget=_area(),
                                 help_text=_("What others can take from it: the transferable lessons."))
    outcomes = forms.CharField(label=_("Outcomes in words"), required=False, max_length=limits.LONG_TEXT, widget=_area(3),
                               help_text=_("The figures go in the table below; here what they mean."))
    evidence_reports = forms.TypedMultipleChoiceField(
        label=_("Accepted progress reports it rests on"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    evidence_attachments = forms.TypedMultipleChoiceField(
        label=_("Attachments of the reform it rests on"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the reform's public attachments are shown on the public page."),
    )

    def __init__(self, data=None, *, reports: QuerySet[ProgressReport], attachments: QuerySet[Attachment], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.TypedMultipleChoiceField, self.fields["evidence_reports"]).choices = [
            (r.pk, f"{r.reported_on:%Y-%m-%d} · {r.task.title} · {r.percent}%") for r in reports
        ]
        cast(forms.TypedMultipleChoiceField, self.fields["evidence_attachments"]).choices = [
            (a.pk, f"{a.name}{'' if a.is_public else ' · ' + str(_('not public'))}") for a in attachments
        ]
        style(self)


class OutcomeRowForm(forms.Form):
    indicator = forms.CharField(label=_("Indicator"), max_length=limits.TITLE)
    before = forms.DecimalField(label=_("Before the reform"), required=False, max_digits=16, decimal_places=4)
    after = forms.DecimalField(label=_("After the reform"), max_digits=16, decimal_places=4)
    unit = forms.CharField(label=_("Unit of measure"), max_length=30, required=False)
    source = forms.CharField(label=_("Source"), max_length=limits.TITLE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


OutcomeFormSet = formset_factory(OutcomeRowForm, extra=2, can_delete=True, max_num=30, validate_max=True)


def outcome_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows a valid formset keeps: blank extra rows and rows marked for removal left out."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ReformChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Reform) -> str:
        return f"{obj.year} · {obj.code} {obj.title}"


class NewCaseForm(forms.Form):
    reform = ReformChoice(label=_("Reform"), queryset=Reform.objects.none())
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)

    def __init__(self, data=None, *, reforms: QuerySet[Reform], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.ModelChoiceField, self.fields["reform"]).queryset = reforms
        style(self)
