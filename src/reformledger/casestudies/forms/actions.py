"""The office's steps on a case study (a reason to return it or take it off the site, an adoption)
and adding a material."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.core.files import extensions
from reformledger.evaluation.models import AdoptionLevel

from ..materials import MATERIAL_KINDS
from .cases import style

ACCEPT = extensions(MATERIAL_KINDS)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class AdoptionForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=AdoptionLevel.choices, widget=forms.RadioSelect)
    place = forms.CharField(label=_("Where"), max_length=limits.TITLE,
                            help_text=_("The city, province or national body that adopted it, e.g. 国家卫生健康委."))
    adopted_on = forms.DateField(label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    document_number = forms.CharField(label=_("Document number (文号)"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), max_length=limits.LONG_TEXT, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("Image or document"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text=_("JPEG or PNG images up to 5 MB (shown on the public page); PDF, Word, Excel, PowerPoint or OFD documents."))
    caption = forms.CharField(label=_("Caption"), max_length=limits.TITLE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
