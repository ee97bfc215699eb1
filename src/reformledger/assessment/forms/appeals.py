"""The appeal's forms: the unit's appeal of a line item, the office's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits

from .common import StyledForm

POINTS = {"step": "0.001"}


class AppealForm(StyledForm):
    reason = forms.CharField(
        label=_("Why the line item is wrong"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Name the facts the office should look at: a task extended, a report on time, evidence the computation missed."),
    )
    requested_points = forms.DecimalField(
        label=_("Points you believe right (optional)"), required=False, max_digits=10, decimal_places=3,
        widget=forms.NumberInput(attrs=POINTS),
    )


class DecisionForm(StyledForm):
    UPHOLD, REJECT = "uphold", "reject"
    outcome = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(UPHOLD, _("Uphold: the line item gives the points below (a new draft version is derived)")), (REJECT, _("Reject"))],
    )
    points = forms.DecimalField(
        label=_("Points decided"), required=False, max_digits=10, decimal_places=3, widget=forms.NumberInput(attrs=POINTS),
        help_text=_("Only when upholding: the points the line item gives in the new version."),
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 5}))

    def clean(self):
        data = super().clean() or {}
        if data.get("outcome") == self.UPHOLD and data.get("points") is None:
            self.add_error("points", _("Set the points the line item is to give."))
        return data
