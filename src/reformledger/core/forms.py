"""What every area's forms share: putting a service's ValidationError back on the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the fields it names (``aliases`` maps the service's
    names to the form's); the others go above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            name = aliases.get(name, name)
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ServiceErrorsMixin(_FormBase):
    """``form.add_service_errors(exc)``: :func:`add_service_errors` as a method of the form
    (mixed into a ``forms.Form`` or ``forms.ModelForm``)."""

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)
