"""Forms of fault tolerance; :func:`style` puts the toolkit's classes on their widgets."""

from __future__ import annotations

from django import forms


def style(form: forms.BaseForm) -> None:
    """The toolkit's classes on every visible widget (not on checkboxes, radios, hidden inputs)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
