"""The forms of tolerance cases: applying (one yes/no and explanation per checklist item),
an opinion, withdrawing, and searching the precedent library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.core.files import EVIDENCE_ACCEPT
from reformledger.core.forms import MultipleFileField

from ..models import ChecklistItem, ItemKind, Outcome, ReviewerKind
from . import style

YES_NO_CONDITION = [("yes", _("Met")), ("no", _("Not met"))]
YES_NO_NEGATIVE = [("no", _("Does not apply")), ("yes", _("Applies"))]


class ApplyForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The decision you took, why, what went wrong, what you did about it."),
    )
    year = forms.TypedChoiceField(label=_("Assessment year"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Your unit"), coerce=int, required=False)
    evidence = MultipleFileField(
        label=_("Evidence files"), required=False, accept=EVIDENCE_ACCEPT,
        help_text=_("Minutes of the collective decision, the legal review, notices of correction… PDF, Word, Excel, JPEG or PNG."),
    )

    def __init__(self, *args: Any, items: Sequence[ChecklistItem], years: Sequence[int], units: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]  # a TypedChoiceField
        self.fields["year"].initial = years[0] if years else None
        if len(units) > 1:
            self.fields["unit"].choices = list(units)  # type: ignore[attr-defined]  # a TypedChoiceField
            self.fields["unit"].required = True
        else:
            del self.fields["unit"]
        for item in self.items:
            condition = item.kind == ItemKind.CONDITION
            self.fields[f"answer_{item.code}"] = forms.ChoiceField(
                label=item.text, choices=YES_NO_CONDITION if condition else YES_NO_NEGATIVE, widget=forms.RadioSelect,
                help_text=item.hint,
            )
            self.fields[f"explain_{item.code}"] = forms.CharField(
                label=_("Explanation"), required=False, max_length=limits.MESSAGE,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        style(self)

    def clean(self) -> dict[str, Any]:
        """Each condition explained, and each negative-list item that applies (as the service asks)."""
        data = super().clean() or {}
        for item in self.items:
            answer = data.get(f"answer_{item.code}")
            if answer and not (data.get(f"explain_{item.code}") or "").strip() and (item.kind == ItemKind.CONDITION or answer == "yes"):
                self.add_error(f"explain_{item.code}", _("Explain your answer."))
        return data

    def rows(self, kind: str) -> list[tuple[Any, Any]]:
        """``(answer field, explanation field)`` of each item of ``kind``, in order (for the template)."""
        return [(self[f"answer_{i.code}"], self[f"explain_{i.code}"]) for i in self.items if i.kind == kind]

    def condition_rows(self):
        return self.rows(ItemKind.CONDITION)

    def negative_rows(self):
        return self.rows(ItemKind.NEGATIVE)

    def answers(self) -> dict[str, tuple[bool, str]]:
        data = self.cleaned_data
        return {i.code: (data[f"answer_{i.code}"] == "yes", data.get(f"explain_{i.code}", "")) for i in self.items}

    @property
    def aliases(self) -> dict[str, str]:
        return {f"answers.{i.code}": f"explain_{i.code}" for i in self.items}


def assessment_years(first: int) -> list[int]:
    """The years a case may concern, newest first: from the reform's year to this one."""
    this = timezone.localdate().year
    return list(range(this, min(first, this) - 1, -1))


class OpinionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Opinion"), choices=Outcome.choices, widget=forms.RadioSelect)
    waiver = forms.DecimalField(
        label=_("Share waived (partly)"), required=False, min_value=0, max_value=1, decimal_places=3,
        help_text=_("For a partial exemption: the share of the penalties waived, e.g. 0.5."),
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5}))
    negative_hits = forms.MultipleChoiceField(
        label=_("Negative-list items you find apply"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    side = forms.ChoiceField(label=_("You give this opinion as"), choices=ReviewerKind.choices, required=False)

    def __init__(self, *args: Any, negative: Sequence[tuple[str, str]], sides: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["negative_hits"].choices = list(negative)  # type: ignore[attr-defined]  # a MultipleChoiceField
        if not negative:
            del self.fields["negative_hits"]
        if len(sides) > 1:
            self.fields["side"].required = True
        else:
            del self.fields["side"]
        style(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.MESSAGE, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        style(self)


class PrecedentSearchForm(forms.Form):
    q = forms.CharField(label=_("What happened (search text)"), required=False, max_length=limits.MESSAGE)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *Outcome.choices])
    case = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    page = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        style(self)
