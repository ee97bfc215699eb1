"""Forms of the office pages. They only clean input: every write goes through ``services``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q, QuerySet
from django.forms.models import fields_for_model, model_to_dict
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.core.forms import ServiceErrorsMixin
from reformledger.org.models import Domain, Role, Unit, User

from . import services
from .models import Plan, Reform, SourceLevel, Status, Tier
from .selectors import DEFAULT_SORT, SORTS, Choice, ReformFilters

#: The order in which the reform form shows its fields: the tracked fields but the status, which
#: changes only through the lifecycle's moves.
FORM_FIELD_ORDER = tuple(name for name in services.TRACKED_FIELDS if name != "status")
#: Text the model stores in a TextField, held to ``core.limits.LONG_TEXT`` here as in the API.
LONG_TEXT_FIELDS = frozenset({"goals", "measures", "deliverables", "public_summary"})

#: Fields a unit may set when it creates a reform (besides UNIT_EDITABLE), mirroring the service.
UNIT_CREATE_EXTRA = frozenset({"code", "tier", "year", "domain", "lead_unit", "responsible_leader"})


class FastSelect(forms.Select):
    """A single select drawn without a template per option (the unit filter has hundreds).

    Same markup as Django's ``Select`` (attributes, ``selected`` on the first matching option);
    flat choices only.
    """

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        parts: list[str] = [format_html("<select name=\"{}\"{}>", name, flatatt(self.build_attrs(self.attrs, attrs)))]
        chosen = False
        for option_value, option_label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in values
            chosen = chosen or selected
            parts.append(
                f'  <option value="{escape(option_value)}"{" selected" if selected else ""}>{escape(option_label)}</option>'
            )
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value and label is escaped above


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters (GET). Invalid values are ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False, max_length=limits.SEARCH)
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False, widget=FastSelect)
    domain = forms.ChoiceField(label=_("Domain"), required=False, widget=FastSelect)
    unit = forms.ChoiceField(label=_("Unit (lead or co)"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    sort = forms.ChoiceField(label=_("Sort"), required=False, widget=FastSelect)

    def __init__(
        self,
        data=None,
        *,
        years: list[int],
        domains: list[Domain] | list[Choice],
        units: list[Unit] | list[Choice] | None = None,
        with_status: bool = True,
        districts: list[Choice] | None = None,
    ):
        super().__init__(data)
        # Choices are callables: Django then builds and normalises them only when a value is checked
        # or the select is drawn (the filter bar is usually a cached fragment).
        any_choice = [("", _("All"))]
        self._choice("year").choices = lambda: any_choice + [(y, str(y)) for y in years]
        self._choice("tier").choices = lambda: any_choice + list(Tier.choices)
        self._choice("domain").choices = lambda: any_choice + [(d.code, d.name) for d in domains]
        self._choice("sort").choices = lambda: [(key, key) for key in SORTS]
        if units is None:
            del self.fields["unit"]
        else:
            self._choice("unit").choices = lambda: any_choice + [(u.code, u.name) for u in units]
        if with_status:
            self._choice("status").choices = lambda: any_choice + list(Status.choices)
        else:
            del self.fields["status"]
        if districts is None:  # offered to whoever reads several districts (the province office)
            del self.fields["district"]
        else:
            self._choice("district").choices = lambda: any_choice + [(int(d.code), d.name) for d in districts]
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter-{name}")
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Code, title or summary")})

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def filters(self) -> ReformFilters:
        """The valid filters; a field with a bad value counts as not set."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ReformFilters(
            year=data.get("year") or None,
            tier=data.get("tier") or None,
            domain=data.get("domain") or None,
            unit=data.get("unit") or None,
            status=data.get("status") or None,
            q=(data.get("q") or "").strip() or None,
            district=data.get("district") or None,
        )

    def sort_key(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or DEFAULT_SORT

    @property
    def active_count(self) -> int:
        data = getattr(self, "cleaned_data", {})
        return sum(1 for name in ("q", "year", "tier", "domain", "unit", "status") if data.get(name))


class ReformForm(ServiceErrorsMixin, forms.Form):
    """The fields of a reform this person may set, built from the model (labels, help, limits).

    ``editable`` comes from ``services.UNIT_EDITABLE`` / ``OFFICE_EDITABLE``. Saving is the
    view's business (``services.create_reform`` / ``update_reform``); service errors are put
    back on the fields with :meth:`add_service_errors`.
    """

    def __init__(
        self,
        data=None,
        *,
        editable: frozenset[str],
        instance: Reform | None = None,
        units: QuerySet[Unit],
        lead_units: QuerySet[Unit] | None = None,
        may_move_dates: bool = True,
    ):
        names = [name for name in FORM_FIELD_ORDER if name in editable]
        initial = model_to_dict(instance, fields=names) if instance is not None else {}
        if instance is not None and "co_units" in names:
            initial["co_units"] = [u.pk for u in instance.co_units.all()]
        super().__init__(data, initial=initial)
        self.instance = instance
        self.fields.update(
            fields_for_model(
                Reform,
                fields=names,
                widgets={
                    "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    "goals": forms.Textarea(attrs={"rows": 3}),
                    "measures": forms.Textarea(attrs={"rows": 3}),
                    "deliverables": forms.Textarea(attrs={"rows": 3}),
                    "public_summary": forms.Textarea(attrs={"rows": 3}),
                    "co_units": forms.CheckboxSelectMultiple,
                },
                apply_limit_choices_to=False,
            )
        )
        for name in LONG_TEXT_FIELDS & set(self.fields):
            # The model keeps TextField; the form holds the same limit as the API (core.limits).
            text_field = cast(forms.CharField, self.fields[name])
            text_field.max_length = limits.LONG_TEXT
            text_field.validators.append(MaxLengthValidator(limits.LONG_TEXT))
            text_field.widget.attrs["maxlength"] = str(limits.LONG_TEXT)
        if "lead_unit" in self.fields:
            self._model_choice("lead_unit").queryset = lead_units if lead_units is not None else units
        if "co_units" in self.fields:
            self._model_choice("co_units").queryset = units
            self.fields["co_units"].help_text = _("Tick every unit that works with the lead unit on this reform.")
        if "responsible_leader" in self.fields:
            # Three-level responsibility: district leaders own key and domain reforms, the heads of
            # sub-districts and departments own micro-reforms. The current holder is always offered,
            # so saving the form never drops a leader nobody touched.
            holders = Q(memberships__role__in=(Role.LEADER, Role.UNIT_HEAD))
            if instance is not None and instance.responsible_leader_id:
                holders |= Q(pk=instance.responsible_leader_id)
            self._model_choice("responsible_leader").queryset = (
                User.objects.filter(holders, is_active=True).distinct().order_by("full_name", "username")
            )
        if "domain" in self.fields:
            self._model_choice("domain").queryset = Domain.objects.order_by("sort_order", "code")
        if "plan" in self.fields:
            self._model_choice("plan").queryset = Plan.objects.order_by("-year")
        if "source_level" in self.fields:
            cast(forms.ChoiceField, self.fields["source_level"]).choices = [("", "---------")] + list(SourceLevel.choices)
            self.fields["source_level"].help_text = _("Upper-level tasks only.")
        if instance is not None and services.dates_are_the_offices(instance):
            self._dates_of_the_office(may_move_dates)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    def _dates_of_the_office(self, may_move_dates: bool) -> None:
        """From approval on the dates are the office's: shown read-only to a unit (a date sent
        changed anyway is refused by the service, on the field); the office gives a reason."""
        if not may_move_dates:
            for name in ("start_date", "due_date"):
                if name in self.fields:
                    self.fields[name].widget.attrs["readonly"] = True
                    self.fields[name].help_text = _("From approval on, only the reform office changes the dates.")
            return
        self.fields["reason"] = forms.CharField(
            label=_("Reason for changing the dates"),
            required=False,
            max_length=limits.REASON,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Required when the start or due date changes: it is recorded in the reform's history."),
        )

    def _model_choice(self, name: str) -> forms.ModelChoiceField[Any]:
        """A reference field built from the model (a multiple choice for ``co_units``)."""
        return cast("forms.ModelChoiceField[Any]", self.fields[name])

    def service_data(self) -> services.ReformFields:
        """Cleaned values as the services take them (model instances, lists of units)."""
        data = cast(services.ReformFields, {k: v for k, v in self.cleaned_data.items() if k != "reason"})
        if "co_units" in data:
            data["co_units"] = list(data["co_units"])
        return data

    def dates_reason(self) -> str:
        return self.cleaned_data.get("reason") or ""



class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=limits.MESSAGE, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    is_public = forms.BooleanField(
        label=_("Public"), required=False, help_text=_("Public attachments appear on the public reform page.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["is_public"].widget.attrs["class"] = "form-check-input"
