"""What every area's forms share: putting a service's ValidationError back on the form
(:func:`add_service_errors`, :func:`submit`) and a field for several files (:class:`MultipleFileField`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


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


def submit(
    form: forms.BaseForm,
    call: Callable[[], T],
    *,
    aliases: dict[str, str] | None = None,
    reraise: Collection[str] = (),
) -> T | None:
    """Call the service (``call``, after the form is valid): its result, or None when it refused
    the input, its ValidationError then being on the form (:func:`add_service_errors`).

    An error naming one of ``reraise`` is not the form's business (e.g. someone decided first):
    the ValidationError propagates for the view to handle. PermissionDenied always propagates (403).
    """
    try:
        return call()
    except ValidationError as exc:
        if reraise and set(getattr(exc, "error_dict", {})) & set(reraise):
            raise
        add_service_errors(form, exc, aliases=aliases)
        return None


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


def style(form: forms.BaseForm) -> None:
    """The toolkit's classes on every visible widget: ``form-select`` on selects, ``form-control`` on
    the rest; not on checkboxes, radios (and checkbox lists) or hidden inputs."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class ServiceErrorsMixin(_FormBase):
    """``form.add_service_errors(exc)``: :func:`add_service_errors` as a method of the form
    (mixed into a ``forms.Form`` or ``forms.ModelForm``)."""

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: always a list (empty when none were chosen and none are
    required). ``accept`` is what the file picker offers (e.g. ``core.files.EVIDENCE_ACCEPT``);
    what a file really is, and its size, the service checks."""

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else None))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
            if self.required and not files:
                raise ValidationError(self.error_messages["required"], code="required")
            return files
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []
