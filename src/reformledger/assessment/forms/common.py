"""What the assessment's forms share: the toolkit's classes on the widgets."""

from __future__ import annotations

from django import forms

from reformledger.core.forms import style

DATE = {"type": "date"}




class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
