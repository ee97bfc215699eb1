"""Forms of the order, bulletin, completion, change-request and help pages.

They only clean input: every write goes through :mod:`.services`, whose ``ValidationError`` is put
back on the form's fields with :func:`reformledger.core.forms.add_service_errors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.org.models import Unit
from reformledger.reforms.models import Reform, Tier

from .bulletin import Period
from .models import Task
from .services import CHANGEABLE_FIELDS

DATE_WIDGET = {"type": "date"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: a list (empty when none were chosen and none are required)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
            if self.required and not files:
                raise ValidationError(self.error_messages["required"], code="required")
            return files
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect | forms.MultipleHiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


# --- supervision orders ------------------------------------------------------------------------------


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class OrderForm(forms.Form):
    """A new supervision order. ``items`` are the chosen tasks (ids); each has its deadline in
    ``deadline-<task id>`` (default: the task's due date)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the units must do; one paragraph per line. Left empty, the order uses the standard wording."),
    )
    reply_by = forms.DateField(label=_("Reply by"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    units = UnitChoiceField(
        label=_("Target units"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The units the order is addressed to. The units responsible for the chosen tasks are added."),
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Tasks"), queryset=Task.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, data=None, *, units: QuerySet[Unit], tasks: QuerySet[Task], initial=None):
        super().__init__(data, initial=initial)
        self.fields["units"].queryset = units
        self.fields["items"].queryset = tasks
        self.fields["items"].error_messages["invalid_choice"] = _(
            "Task %(value)s cannot be listed: it is closed or not one you may supervise."
        )
        if not self.is_bound and "reply_by" not in self.initial:
            self.initial["reply_by"] = timezone.localdate() + dt.timedelta(days=7)
        _style(self)
        self.deadlines: dict[int, dt.date] = {}

    def clean(self):
        data = super().clean()
        for task in data.get("items") or []:
            raw = (self.data.get(f"deadline-{task.pk}") or "").strip()
            if not raw:
                self.deadlines[task.pk] = task.due_date
                continue
            try:
                self.deadlines[task.pk] = dt.date.fromisoformat(raw)
            except ValueError:
                self.add_error(
                    "items", _("Enter the deadline of “%(task)s” as a date (YYYY-MM-DD).") % {"task": task.title}
                )
        return data

    def service_items(self) -> list[tuple[Task, dt.date]]:
        return [(task, self.deadlines.get(task.pk, task.due_date)) for task in self.cleaned_data.get("items") or []]


# --- bulletin ----------------------------------------------------------------------------------------


class BulletinForm(forms.Form):
    """The bulletin's period (a month) and, when the person works in several, the district."""

    period = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
    )
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, districts: list[Unit], allow_all: bool):
        super().__init__(data, initial={"period": Period.of(timezone.localdate()).code})
        choices = [(d.pk, d.name) for d in districts]
        if allow_all and len(districts) > 1:
            choices = [("", _("All districts")), *choices]
        self.fields["district"].choices = choices
        self.districts = {d.pk: d for d in districts}
        self.allow_all = allow_all
        if len(districts) <= 1:
            self.fields["district"].widget = forms.HiddenInput()
        _style(self)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["period"]) from exc

    def clean_district(self) -> Unit | None:
        pk = self.cleaned_data.get("district")
        if pk is None:
            if self.allow_all or not self.districts:
                return None
            if len(self.districts) == 1:
                return next(iter(self.districts.values()))
            raise ValidationError(_("Choose a district."))
        return self.districts[pk]

    def choice(self) -> tuple[Period, Unit | None]:
        """The valid choice, or this month and the default district when the form is unbound."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"], self.cleaned_data["district"]
        district = None
        if not self.allow_all and self.districts:
            district = next(iter(self.districts.values()))
        elif len(self.districts) == 1:
            district = next(iter(self.districts.values()))
        return Period.of(timezone.localdate()), district


# --- completion ----------------------------------------------------------------------------------------


class CompletionForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of results"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the reform achieved, against its goals and deliverables."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"), required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; several files may be chosen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


DECISION_CHOICES_COMPLETION = (("accept", _("Accept: the reform is completed")), ("return", _("Return to the lead unit")))


class CompletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES_COMPLETION, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the application is returned."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# --- change requests ----------------------------------------------------------------------------------


class ChangeRequestForm(forms.Form):
    """The reform's changeable fields, filled with their current values: only those that are
    changed make the request (:meth:`proposed`)."""

    goals = forms.CharField(label=_("Goals"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Measures"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    deliverables = forms.CharField(
        label=_("Deliverables"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was learnt that calls for the change (the evidence below backs it)."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"), required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; several files may be chosen."),
    )

    def __init__(self, data=None, files=None, *, reform: Reform):
        initial = {name: getattr(reform, name) for name in CHANGEABLE_FIELDS}
        super().__init__(data, files, initial=initial)
        self.reform = reform
        _style(self)

    def proposed(self) -> dict[str, Any]:
        """The fields whose value differs from the reform's."""
        out: dict[str, Any] = {}
        for name in CHANGEABLE_FIELDS:
            value = self.cleaned_data.get(name)
            current = getattr(self.reform, name)
            if name.endswith("_date"):
                if value is None and current is None:
                    continue
                if value != current:
                    out[name] = value
            elif (value or "").strip() != (current or "").strip():
                out[name] = (value or "").strip()
        return out


DECISION_CHOICES_CHANGE = (("approve", _("Approve: apply the change")), ("reject", _("Reject")))


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISION_CHOICES_CHANGE, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Decision note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the change is rejected."),
    )
    committee_meeting = forms.CharField(
        label=_("Committee meeting"), required=False, max_length=200,
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
        _style(self)


# --- help needed ---------------------------------------------------------------------------------------


class HelpResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
