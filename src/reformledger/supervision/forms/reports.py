"""A progress report, the office's review of it, and urging the unit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.reforms.forms import FastSelect
from reformledger.reforms.selectors import Choice

from ..models import Level
from ..selectors.reports import ReportFilters
from .common import evidence_field, style


class ReportForm(forms.Form):
    """A progress report: percent done, what was done, problems, help needed, evidence files."""

    percent = forms.IntegerField(label=_("Percent done"), help_text=_("A whole number from 0 to 100."))
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.LONG_TEXT)
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.LONG_TEXT
    )
    help_needed = forms.CharField(
        label=_("Help needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.LONG_TEXT,
        help_text=_("Matters the unit cannot settle alone (需协调事项): they go to the special group's leader."),
    )
    evidence = evidence_field(_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; several files at once."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"min": 0, "max": 100, "step": 1})
        style(self)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=limits.MESSAGE, widget=forms.Textarea(attrs={"rows": 2}))


class UrgeForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the unit"),
        max_length=limits.MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the responsible unit's inbox, e-mail and group robot."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ReportFilterForm(forms.Form):
    """The review queue's filters (GET). Invalid values are ignored rather than refused."""

    unit = forms.ChoiceField(label=_("Responsible unit"), required=False, widget=FastSelect)
    level = forms.ChoiceField(label=_("Warning"), required=False, widget=FastSelect)
    evidence = forms.ChoiceField(label=_("Evidence"), required=False, widget=FastSelect)

    def __init__(self, data=None, *, units: list[Choice]):
        super().__init__(data)
        any_choice = [("", _("All"))]
        self.fields["unit"].choices = lambda: any_choice + [(u.code, u.name) for u in units]  # type: ignore[attr-defined]
        self.fields["level"].choices = any_choice + [(v, label) for v, label in Level.choices if v in (Level.RED, Level.AMBER, Level.GREEN)]  # type: ignore[attr-defined]
        self.fields["evidence"].choices = any_choice + [("with", _("With files")), ("without", _("Without files"))]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs.update({"class": "form-select form-select-sm", "id": f"filter-{name}"})

    def filters(self) -> ReportFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ReportFilters(unit=data.get("unit") or None, level=data.get("level") or None, evidence=data.get("evidence") or None)

