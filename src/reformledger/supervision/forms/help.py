"""Resolving help needed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits

from .common import style


class HelpResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
