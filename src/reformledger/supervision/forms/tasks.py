"""A task's fields, and who may be given a task."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.org.models import Membership, Unit, User
from reformledger.org.selectors import UNIT_ROLES

from ..models import Task
from ..services.tasks import TaskChanges
from .common import style


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


class TaskForm(forms.Form):
    """A task's fields. The dates and the weight are checked by the service (against the parent
    task or the reform), so the messages are the same on the page and in the API."""

    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
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
        label=_("Expected deliverable"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    #: Why the office moves the due date (editing only; the service asks for it when the date moves).
    reason = forms.CharField(
        label=_("Reason for moving the due date"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the due date moves: it is recorded in the task's deadline history."),
    )

    def __init__(
        self, data=None, *, units: QuerySet[Unit], people: list, task: Task | None = None, initial=None,
        may_move_dates: bool = True,
    ):
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
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Anyone in the unit")), *people]
        self.fields["weight"].widget.attrs.update({"min": "0.01", "step": "0.01"})
        if task is None or not may_move_dates:
            del self.fields["reason"]
        if task is not None and not may_move_dates:
            # Shown, not changeable: a date sent changed anyway is refused by the service, on the field.
            for name in ("start_date", "due_date"):
                self.fields[name].widget.attrs["readonly"] = True
                self.fields[name].help_text = _("Only the reform office moves dates: ask for an extension (延期申请) on the task's page.")
        style(self)

    def clean_assignee(self) -> User | None:
        pk = self.cleaned_data.get("assignee")
        if pk is None:
            return None
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise ValidationError(_("Choose a person from the list."))
        return user

    def changes(self) -> TaskChanges:
        """Every field of the form, as the task services take them."""
        return cast(TaskChanges, {k: v for k, v in self.cleaned_data.items() if k != "reason"})

    def move_reason(self) -> str:
        return self.cleaned_data.get("reason") or ""
