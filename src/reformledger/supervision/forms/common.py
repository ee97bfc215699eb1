"""What the supervision forms share: the toolkit's classes on the widgets, the date widget and the
evidence field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core.files import EVIDENCE_ACCEPT
from reformledger.core.forms import (
    MultipleFileField,
    style,  # noqa: F401 - re-exported for this app's forms
)

DATE_WIDGET = {"type": "date"}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")




def evidence_field(help_text) -> MultipleFileField:
    """Evidence files: several at once, the picker offering the evidence kinds (the service
    checks what each file really is, and its size)."""
    return MultipleFileField(label=_("Evidence files"), required=False, accept=EVIDENCE_ACCEPT, help_text=help_text)
