"""A new supervision order, and a unit's written reply to one."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.org.models import Unit

from ..models import Task
from .common import date_input, evidence_field, style


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class OrderForm(forms.Form):
    """A new supervision order. ``items`` are the chosen tasks (ids); each has its deadline in
    ``deadline-<task id>`` (default: the task's due date)."""

    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    body = forms.CharField(
        label=_("Text"), required=False, max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the units must do; one paragraph per line. Left empty, the order uses the standard wording."),
    )
    reply_by = forms.DateField(label=_("Reply by"), widget=date_input())
    units = UnitChoiceField(
        label=_("Target units"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The units the order is addressed to. The units responsible for the chosen tasks are added."),
    )
    cc_units = UnitChoiceField(
        label=_("Copied to (抄送)"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Units that read the order and are told of it, with nothing to acknowledge or reply."),
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Tasks"), queryset=Task.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, data=None, *, units: QuerySet[Unit], tasks: QuerySet[Task], initial=None):
        super().__init__(data, initial=initial)
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["cc_units"]).queryset = units
        cast(forms.ModelMultipleChoiceField, self.fields["items"]).queryset = tasks
        self.fields["items"].error_messages["invalid_choice"] = _(
            "Task %(value)s cannot be listed: it is closed or not one you may supervise."
        )
        if not self.is_bound and "reply_by" not in self.initial:
            self.initial["reply_by"] = timezone.localdate() + dt.timedelta(days=7)
        style(self)
        self.deadlines: dict[int, dt.date] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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


class ReplyForm(forms.Form):
    """A unit's written reply (书面回复): what it did, with files; ``unit`` when the person replies
    for one of several addressed units."""

    text = forms.CharField(
        label=_("Reply"), max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What your unit did about the order, point by point."),
    )
    attachments = evidence_field(_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; several files at once."))
    unit = forms.TypedChoiceField(label=_("Reply for"), coerce=int, required=False)

    def __init__(self, data=None, files=None, *, units: list[Unit]):
        super().__init__(data, files)
        self.fields["attachments"].label = _("Files")
        field = cast(forms.TypedChoiceField, self.fields["unit"])
        field.choices = [(u.pk, u.name) for u in units]
        if len(units) < 2:
            field.widget = forms.HiddenInput()
        style(self)
