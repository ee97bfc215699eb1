"""The office's panel form (name, rule, members, rubric rows), the expert's scoring sheet (one
field per criterion) and the reasons the office gives. They parse; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits

from ..models import DEFAULT_TRIM_MIN_EXPERTS, Criterion, Expert, Round, Sheet
from ..models.panels import plain
from ..services.panels import CriterionSpec, check_rubric

#: Rubric rows the form offers (blank rows are left out).
RUBRIC_ROWS = 8


def styled(form: forms.BaseForm) -> None:
    """The toolkit's classes on every widget (a select, a box, checkboxes)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"


class PanelForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Expert round"), queryset=Round.objects.none(), required=False)
    name = forms.CharField(label=_("Name of the panel"), max_length=200)
    trim_min_experts = forms.IntegerField(
        label=_("Drop the highest and the lowest total from"), min_value=3, max_value=99, initial=DEFAULT_TRIM_MIN_EXPERTS,
        help_text=_("With at least this many experts' totals for a reform, its highest and lowest are dropped (去掉一个最高分和一个最低分)."),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=Expert.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, rounds: Any = None, experts: Any = None, criteria: list[Criterion] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if rounds is None:
            del self.fields["round"]
        else:
            cast(forms.ModelChoiceField, self.fields["round"]).queryset = rounds
            self.fields["round"].required = True
        cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = experts if experts is not None else Expert.objects.none()
        for i in range(RUBRIC_ROWS):
            given = criteria[i] if criteria and i < len(criteria) else None
            self.fields[f"c{i}_name"] = forms.CharField(label=_("Criterion"), max_length=100, required=False,
                                                        initial=given.name if given else "")
            self.fields[f"c{i}_max_points"] = forms.DecimalField(label=_("Maximum points"), required=False, max_digits=5,
                                                                 decimal_places=1, initial=given.max_points if given else None)
            self.fields[f"c{i}_weight"] = forms.DecimalField(label=_("Weight"), required=False, max_digits=4, decimal_places=2,
                                                             initial=given.weight if given else Decimal(1))
        styled(self)

    def clean(self) -> dict[str, Any]:
        """The rubric's rows checked here too, so that their errors show with the others'."""
        data = super().clean() or {}
        specs, aliases = self.criteria()
        try:
            check_rubric(specs)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                field = aliases.get(key)
                for message in messages:
                    self.add_error(field if field in self.fields and field not in self.errors else None, message)
        return data

    def rubric_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"c{i}_name"], self[f"c{i}_max_points"], self[f"c{i}_weight"]) for i in range(RUBRIC_ROWS)]

    def criteria(self) -> tuple[list[CriterionSpec], dict[str, str]]:
        """The rubric rows given, and how the service's ``criteria.N.field`` names map to fields."""
        specs: list[CriterionSpec] = []
        aliases: dict[str, str] = {}
        for i in range(RUBRIC_ROWS):
            name = self.cleaned_data.get(f"c{i}_name") or ""
            most = self.cleaned_data.get(f"c{i}_max_points")
            weight = self.cleaned_data.get(f"c{i}_weight")
            if not name and most is None:
                continue
            for key in ("name", "max_points", "weight"):
                aliases[f"criteria.{len(specs)}.{key}"] = f"c{i}_{key}"
            specs.append(CriterionSpec(name=name, max_points=most if most is not None else "",
                                       weight=weight if weight is not None else Decimal(1)))
        return specs, aliases


class SheetForm(forms.Form):
    """One field per criterion (``c<id>``), 0 to its maximum, one decimal; and a comment."""

    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: list[Criterion], sheet: Sheet, marks: dict[int, Decimal], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=c.name, required=False, min_value=Decimal(0), max_value=c.max_points, max_digits=5, decimal_places=1,
                initial=marks.get(c.pk), help_text=_("0 to %(max)s points · weight %(weight)s") % {
                    "max": plain(c.max_points), "weight": plain(c.weight)},
            )
        self.fields["comment"].initial = sheet.comment
        self.order_fields([*(f"c{c.pk}" for c in criteria), "comment"])
        styled(self)

    def marks(self) -> dict[str, object]:
        return {str(c.pk): self.cleaned_data.get(f"c{c.pk}") for c in self.criteria if self.cleaned_data.get(f"c{c.pk}") is not None}

    def aliases(self) -> dict[str, str]:
        return {f"marks.{c.pk}": f"c{c.pk}" for c in self.criteria}

    def mark_fields(self) -> list[forms.BoundField]:
        return [self[f"c{c.pk}"] for c in self.criteria]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        styled(self)


class ExpertForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person (with the expert role)"), queryset=Expert.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200)
    field = forms.CharField(label=_("Field of expertise"), max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit they belong to (conflict of interest)"), queryset=Expert.objects.none(), required=False)

    def __init__(self, *args: Any, people: Any, units: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        styled(self)
