"""Extension requests (延期申请): the unit's request and the office's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits

from .common import date_input, evidence_field, style
from .decisions import EVIDENCE_HELP


class ExtensionRequestForm(forms.Form):
    new_due_date = forms.DateField(
        label=_("New due date asked for"), widget=date_input(),
        help_text=_("After the current due date, and not before today."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why more time is needed: what happened, what is done, what is left."),
    )
    evidence = evidence_field(EVIDENCE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


DECISION_CHOICES = (("approve", _("Approve: move the due date")), ("refuse", _("Refuse")))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect)
    granted_due_date = forms.DateField(
        label=_("Granted due date"), required=False, widget=date_input(),
        help_text=_("When approving: the date asked for unless another is set here. It must fit within the parent task's and the reform's due dates."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the request is refused."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
