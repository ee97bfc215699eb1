"""Forms of the supervision pages. They only clean input: every write goes through ``services``,
whose ValidationErrors are put back on the fields (:class:`reformledger.core.forms.ServiceErrorsMixin`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reformledger.core.forms import ServiceErrorsMixin
from reformledger.org.models import Membership, Unit, User
from reformledger.org.selectors import UNIT_ROLES
from reformledger.reforms.forms import FastSelect
from reformledger.reforms.models import Tier
from reformledger.reforms.selectors import Choice

from .models import Level, Task
from .selectors import TaskFilters

#: What the file picker offers (the service checks each file's content).
EVIDENCE_ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


# --- the warning board's filters -------------------------------------------------------------------


class BoardFilterForm(forms.Form):
    """The board's filters (GET). Invalid values are ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Warning"), required=False, widget=FastSelect)
    tier = forms.ChoiceField(label=_("Tier"), required=False, widget=FastSelect)
    domain = forms.ChoiceField(label=_("Domain"), required=False, widget=FastSelect)
    unit = forms.ChoiceField(label=_("Responsible unit"), required=False, widget=FastSelect)

    def __init__(self, data=None, *, domains: list[Choice], units: list[Choice]):
        super().__init__(data)
        any_choice = [("", _("All"))]
        self.fields["level"].choices = lambda: [
            ("", _("Red and amber")), (Level.RED, Level.RED.label), (Level.AMBER, Level.AMBER.label)
        ]
        self.fields["tier"].choices = lambda: any_choice + list(Tier.choices)
        self.fields["domain"].choices = lambda: any_choice + [(d.code, d.name) for d in domains]
        self.fields["unit"].choices = lambda: any_choice + [(u.code, u.name) for u in units]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter-{name}")
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Task, reform or code")})

    def filters(self, **extra: Any) -> TaskFilters:
        """The valid filters; a field with a bad value counts as not set."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return TaskFilters(
            unit=data.get("unit") or None,
            domain=data.get("domain") or None,
            tier=data.get("tier") or None,
            level=data.get("level") or None,
            q=(data.get("q") or "").strip() or None,
            **extra,
        )


# --- tasks -----------------------------------------------------------------------------------------


def assignee_choices(district_id: int) -> list[tuple[str, list[tuple[int, str]]]]:
    """The people who may be given a task, grouped by their unit (one ``<optgroup>`` each): the
    active heads and staff of the district's active units, in one query."""
    rows = (
        Membership.objects.filter(
            unit__district_id=district_id, unit__is_active=True, role__in=UNIT_ROLES, user__is_active=True
        )
        .order_by("unit__sort_order", "unit__code", "user__full_name", "user__username")
        .values_list("unit__name", "user_id", "user__full_name", "user__username")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit_name, user_id, full_name, username in rows:
        groups.setdefault(unit_name, []).append((user_id, full_name or username))
    return list(groups.items())


class TaskForm(ServiceErrorsMixin, forms.Form):
    """A task's fields. The dates and the weight are checked by the service (against the parent
    task or the reform), so the messages are the same on the page and in the API."""

    title = forms.CharField(label=_("Title"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    assignee = forms.TypedChoiceField(
        label=_("Responsible person"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A person of the responsible unit. Without one, every person of the unit sees the task."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    weight = forms.DecimalField(
        label=_("Weight"),
        initial=1,
        help_text=_("How much this task counts in its parent's progress, relative to its siblings."),
    )
    deliverable = forms.CharField(
        label=_("Expected deliverable"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, units: QuerySet[Unit], people: list, task: Task | None = None, initial=None):
        if task is not None:
            initial = {
                "title": task.title,
                "unit": task.unit_id,
                "assignee": task.assignee_id,
                "start_date": task.start_date,
                "due_date": task.due_date,
                "weight": task.weight.normalize(),
                "deliverable": task.deliverable,
                **(initial or {}),
            }
        super().__init__(data, initial=initial)
        self.fields["unit"].queryset = units
        self.fields["assignee"].choices = [("", _("Anyone in the unit"))] + people
        self.fields["weight"].widget.attrs.update({"min": "0.01", "step": "0.01"})
        _style(self)

    def clean_assignee(self) -> User | None:
        pk = self.cleaned_data.get("assignee")
        if pk is None:
            return None
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise ValidationError(_("Choose a person from the list."))
        return user

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


# --- progress reports ------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (evidence). Each file's type and size are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(ServiceErrorsMixin, forms.Form):
    """A progress report: percent done, what was done, problems, help needed, evidence files."""

    percent = forms.IntegerField(label=_("Percent done"), help_text=_("A whole number from 0 to 100."))
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    problems = forms.CharField(
        label=_("Problems"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=10000
    )
    help_needed = forms.CharField(
        label=_("Help needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=10000,
        help_text=_("Matters the unit cannot settle alone (需协调事项): they go to the special group's leader."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; several files at once."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].widget.attrs.update({"min": 0, "max": 100, "step": 1})
        _style(self)


class ReviewForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return"))]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class UrgeForm(ServiceErrorsMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the unit"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the responsible unit's inbox, e-mail and group robot."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
