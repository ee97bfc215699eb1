"""Completion applications, change requests and the office's decisions on them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.reforms.models import Reform, Tier

from ..services.decisions import CHANGEABLE_FIELDS, ProposedChange
from .common import date_input, evidence_field, style

EVIDENCE_HELP = _("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; several files may be chosen.")


class CompletionForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of results"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the reform achieved, against its goals and deliverables."),
    )
    evidence = evidence_field(EVIDENCE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


DECISION_CHOICES_COMPLETION = (("accept", _("Accept: the reform is completed")), ("return", _("Return to the lead unit")))


class CompletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES_COMPLETION, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the application is returned."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the completion: the reform is completed at 100% and locked; tasks not yet done are closed at completion with their accepted progress."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "accept" and not data.get("confirm"):
            self.add_error("confirm", _("Tick to confirm the completion."))
        return data


class ReopenCompletionForm(forms.Form):
    """The office reopens a completed reform: a reason, and a confirmation."""

    reason = forms.CharField(
        label=_("Reason for reopening"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the completion does not stand (the lead unit is told)."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm: the reform goes back to in progress and the tasks closed at completion open again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ProgressCorrectionForm(forms.Form):
    """The office corrects an accepted figure, with a reason."""

    percent = forms.IntegerField(label=_("Corrected progress (%)"), min_value=0, max_value=100)
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the reform's history with the correction."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ChangeRequestForm(forms.Form):
    """The reform's changeable fields, filled with their current values: only those that are
    changed make the request (:meth:`proposed`)."""

    goals = forms.CharField(label=_("Goals"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Measures"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    deliverables = forms.CharField(
        label=_("Deliverables"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=date_input())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=date_input())
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was learnt that calls for the change (the evidence below backs it)."),
    )
    evidence = evidence_field(EVIDENCE_HELP)

    def __init__(self, data=None, files=None, *, reform: Reform):
        initial = {name: getattr(reform, name) for name in CHANGEABLE_FIELDS}
        super().__init__(data, files, initial=initial)
        self.reform = reform
        style(self)

    def proposed(self) -> ProposedChange:
        """The fields whose value differs from the reform's."""
        out = ProposedChange()
        for name in CHANGEABLE_FIELDS:
            value = self.cleaned_data.get(name)
            current = getattr(self.reform, name)
            if name.endswith("_date"):
                if value is None and current is None:
                    continue
                if value != current:
                    out[name] = value  # type: ignore[literal-required]
            elif (value or "").strip() != (current or "").strip():
                out[name] = (value or "").strip()  # type: ignore[literal-required]
        return out


DECISION_CHOICES_CHANGE = (("approve", _("Approve: apply the change")), ("reject", _("Reject")))


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES_CHANGE, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Decision note"), required=False, max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the change is rejected."),
    )
    committee_meeting = forms.CharField(
        label=_("Committee meeting"), required=False, max_length=limits.TITLE,
        help_text=_("The meeting of the reform committee that decided, e.g. 区委深改委2026年第3次会议."),
    )

    def __init__(self, *args, reform: Reform, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_committee = reform.tier in (Tier.KEY, Tier.UPPER)
        if self.needs_committee:
            self.fields["committee_meeting"].help_text = _(
                "Required for key reforms and upper-level tasks: the meeting of the reform committee that decided, "
                "e.g. 区委深改委2026年第3次会议."
            )
        style(self)
