"""Forms of the evaluation's pages: they parse what a person typed into the services' typed
arguments; the services decide (and their errors go back on the form: ``core.forms.submit``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.org.models import Unit
from reformledger.reforms.models import Tier

from ..models import RoundKind
from ..services.ratings import COMMENT_MAX
from ..services.residents import HOME_KINDS

TEXT = {"class": "form-control"}


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        parent = obj.parent.name if obj.parent_id and obj.parent else ""
        return f"{parent} · {obj.name}" if parent else obj.name


class SignUpForm(forms.Form):
    """Step one sends the code (``action=send``); step two posts the same fields with the code
    (``action=verify``). The account fields are asked only of a visitor who is not signed in."""

    identifier = forms.CharField(
        label=_("Mobile number or e-mail address"), max_length=254, widget=forms.TextInput(attrs={**TEXT, "autocomplete": "username"}),
    )
    community = CommunityChoiceField(
        label=_("Community you live in"), queryset=Unit.objects.none(), widget=forms.Select(attrs={"class": "form-select"}),
    )
    keep_contact = forms.BooleanField(
        label=_("The reform office may keep my number or address to contact me about my ratings"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    username = forms.CharField(label=_("User name"), max_length=150, required=False, widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    password = forms.CharField(
        label=_("Password"), max_length=128, required=False, help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={**TEXT, "autocomplete": "new-password"}, render_value=True),
    )
    code = forms.CharField(label=_("Code you received"), max_length=12, required=False, widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric", "autocomplete": "one-time-code"}))

    def __init__(self, *args: Any, new_account: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (  # type: ignore[attr-defined]
            Unit.objects.filter(kind__in=HOME_KINDS, is_active=True).select_related("parent").order_by("district_id", "parent__sort_order", "sort_order", "code")
        )
        if not new_account:
            del self.fields["username"], self.fields["password"]


class RatingForm(forms.Form):
    """One select of 1–5 per dimension of the round, and a comment."""

    comment = forms.CharField(
        label=_("Comment (optional: shown publicly once the reform office has read it)"), required=False,
        max_length=100_000, widget=forms.Textarea(attrs={**TEXT, "rows": 4, "maxlength": COMMENT_MAX}),
    )

    def __init__(self, *args: Any, dimensions: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(i), str(i)) for i in range(5, 0, -1)]
        self.dimension_keys = [d["key"] for d in dimensions]
        for d in dimensions:
            self.fields[f"score_{d['key']}"] = forms.ChoiceField(
                label=d["label"], choices=choices, widget=forms.RadioSelect, required=False,
            )
        self.order_fields([*[f"score_{k}" for k in self.dimension_keys], "comment"])

    def scores(self) -> dict[str, int]:
        """The chosen scores (a dimension left out is left out: the service names it)."""
        out: dict[str, int] = {}
        for key in self.dimension_keys:
            value = self.cleaned_data.get(f"score_{key}") or ""
            if value.isdigit():
                out[key] = int(value)
        return out


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(label=_("Year of the reforms"), min_value=1990, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(label=_("Description"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    dimensions = forms.CharField(
        label=_("Dimensions"), required=False, max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_("One a line, as key: label (e.g. satisfaction: 满意度). Empty: satisfaction and effect. Expert rounds have none."),
    )
    min_ratings = forms.IntegerField(label=_("Minimum ratings to show a score"), min_value=0, max_value=100_000, initial=30, widget=forms.NumberInput(attrs=TEXT))
    prior_weight = forms.IntegerField(label=_("Prior weight (ratings)"), min_value=0, max_value=100_000, initial=10, widget=forms.NumberInput(attrs=TEXT))
    reforms = forms.TypedMultipleChoiceField(label=_("Reforms"), coerce=int, required=False, choices=())

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["kind"].disabled = True
            self.fields["year"].disabled = True

    def dimension_list(self) -> list[dict[str, str]] | None:
        text = (self.cleaned_data.get("dimensions") or "").strip()
        if not text:
            return None
        out = []
        for line in text.splitlines():
            if line.strip():
                key, _sep, label = line.partition(":")
                out.append({"key": key.strip(), "label": label.strip()})
        return out


class ReformFilterForm(forms.Form):
    """The search over a district's reforms on the round form (a year has hundreds)."""

    q = forms.CharField(label=_("Search reforms"), required=False, max_length=limits.SEARCH, widget=forms.TextInput(attrs={**TEXT, "type": "search"}))
    f_year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    f_tier = forms.ChoiceField(
        label=_("Tier"), required=False, widget=forms.Select(attrs={"class": "form-select"}),
        choices=[("", _("All tiers")), *Tier.choices],
    )


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Why the round closes early"), max_length=limits.REASON, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Show publicly")), ("reject", _("Do not show"))])
    reason = forms.CharField(required=False, max_length=limits.MESSAGE)
