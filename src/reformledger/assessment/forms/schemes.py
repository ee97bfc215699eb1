"""The scheme editor's forms: a scheme's settings (and year, for a new one), a rule with its
kind-specific params as JSON, a YAML upload, the what-if changes of one rule."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.org.models import UnitKind

from ..models import RuleKind
from .common import StyledForm

#: What a rule may narrow the scheme's unit kinds to (the kinds a district assesses).
ASSESSED_KINDS = [(k, label) for k, label in UnitKind.choices if k in ("department", "sub_district", "community", "estate")]
MAX_YAML_BYTES = 512 * 1024


def _kinds_field(label, *, required: bool) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=ASSESSED_KINDS, required=required,
                                     widget=forms.CheckboxSelectMultiple)


class JSONParamsField(forms.CharField):
    """A JSON object typed in a text area; the engine checks what it holds per kind."""

    def to_python(self, value: Any) -> Any:
        text = (super().to_python(value) or "").strip()
        if not text:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(_("Not valid JSON (line %(line)d, column %(col)d): %(msg)s") % {
                "line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from None
        if not isinstance(data, dict):
            raise ValidationError(_("The parameters are a JSON object: {\"points\": 100}."))
        return data

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value


class SchemeForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    unit_kinds = _kinds_field(_("Unit kinds assessed"), required=True)
    noise_margin = forms.DecimalField(label=_("Noise margin (points)"), min_value=0, max_digits=8, decimal_places=3,
                                      help_text=_("Units whose scores lie within this many points of each other are shown as within the measurement noise."))
    appeal_days = forms.IntegerField(label=_("Appeal window (days)"), min_value=0, max_value=365)
    floor = forms.DecimalField(label=_("Floor of a unit's score"), required=False, max_digits=10, decimal_places=3)
    cap = forms.DecimalField(label=_("Cap of a unit's score"), required=False, max_digits=10, decimal_places=3)


class NewSchemeForm(SchemeForm):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    field_order = ["year", "title"]


class RuleForm(StyledForm):
    clause = forms.CharField(label=_("Clause"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=limits.TITLE)
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    params = JSONParamsField(label=_("Parameters (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}))
    expression = forms.CharField(label=_("Expression"), required=False, max_length=limits.MESSAGE,
                                 widget=forms.Textarea(attrs={"rows": 3, "class": "form-control font-monospace"}),
                                 help_text=_("Only for the kind “Expression”, e.g. 2 * completed_on_time - overdue_task_months."))
    unit_kinds = _kinds_field(_("Unit kinds (empty: the scheme's)"), required=False)
    department = forms.CharField(label=_("Assessing department"), max_length=100, required=False)
    floor = forms.DecimalField(label=_("Floor"), required=False, max_digits=10, decimal_places=3)
    cap = forms.DecimalField(label=_("Cap"), required=False, max_digits=10, decimal_places=3)
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0)


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Scheme file (YAML)"), widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_YAML_BYTES:
            raise ValidationError(_("The scheme file is too large (at most 512 KB)."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The scheme file must be UTF-8 text.")) from None


class WhatIfForm(StyledForm):
    clause = forms.ChoiceField(label=_("Rule"))
    params = JSONParamsField(label=_("Parameters (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}))
    expression = forms.CharField(label=_("Expression"), required=False, max_length=limits.MESSAGE,
                                 widget=forms.Textarea(attrs={"rows": 2, "class": "form-control font-monospace"}))
    remove = forms.BooleanField(label=_("Leave this rule out"), required=False)

    def __init__(self, data=None, *, clauses: list[tuple[str, str]], initial=None, reload_url: str = ""):
        super().__init__(data, initial=initial)
        self.fields["clause"].choices = clauses  # type: ignore[attr-defined]
        if reload_url:  # choosing another rule loads its current parameters and expression into the form
            self.fields["clause"].widget.attrs.update({
                "hx-get": reload_url, "hx-trigger": "change", "hx-target": "#what-if-form", "hx-select": "#what-if-form",
                "hx-swap": "outerHTML",
            })
