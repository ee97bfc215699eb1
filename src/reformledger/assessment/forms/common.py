"""What the assessment's forms share: the toolkit's classes on the widgets."""

from __future__ import annotations

from django import forms

DATE = {"type": "date"}


def style(form: forms.BaseForm) -> None:
    """The toolkit's classes on every visible widget (not on checkboxes, radios, hidden inputs)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
