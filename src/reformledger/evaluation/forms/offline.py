"""Forms of the offline channels: making a code pack, uploading paper slips, rating with a code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reformledger.core import limits
from reformledger.org.models import Unit
from reformledger.supervision.forms.common import style

from ..models import SCORE_MAX, SCORE_MIN, Round
from ..services.codes import MAX_PACK_SIZE
from ..slipfile import MAX_FILE_BYTES


class PackForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community or sub-district"), queryset=Unit.objects.none())
    size = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_PACK_SIZE,
                              help_text=_("One code per person expected at the meeting (at most 2,000)."))
    note = forms.CharField(label=_("Note"), required=False, max_length=limits.TITLE,
                           help_text=_("For example the meeting's date and place."))

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        style(self)


class SlipUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file of slips (.xlsx)"),
                           help_text=_("One row per slip and reform, in the template's columns. At most 20 MB."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        style(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


SCORE_CHOICES = [(str(k), str(k)) for k in range(SCORE_MIN, SCORE_MAX + 1)]


class CodeRatingForm(forms.Form):
    """The code, then for each reform of the round a score per dimension (optional: rate the
    reforms you want, every dimension of each) and a comment."""

    code = forms.CharField(label=_("Your rating code"), max_length=20,
                           help_text=_("The 10 letters and digits on your slip, for example ABCDE-FGHJK."))

    def __init__(self, *args: Any, round: Round, reforms: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        self.reforms = list(reforms)
        for reform in self.reforms:
            for d in round.dimensions:
                self.fields[f"r{reform.pk}_{d['key']}"] = forms.ChoiceField(
                    label=str(d.get("label") or d["key"]), choices=SCORE_CHOICES, required=False, widget=forms.RadioSelect,
                )
            self.fields[f"r{reform.pk}_comment"] = forms.CharField(
                label=_("Comment (optional)"), required=False, max_length=limits.MESSAGE,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
        style(self)

    def groups(self) -> list[tuple[Any, list[forms.BoundField], forms.BoundField]]:
        return [
            (reform, [self[f"r{reform.pk}_{d['key']}"] for d in self.round.dimensions], self[f"r{reform.pk}_comment"])
            for reform in self.reforms
        ]

    def ratings(self) -> list[dict[str, Any]]:
        """The reforms rated (any dimension given), for the service (which checks every dimension)."""
        out = []
        for reform in self.reforms:
            scores = {d["key"]: self.cleaned_data.get(f"r{reform.pk}_{d['key']}") or None for d in self.round.dimensions}
            comment = self.cleaned_data.get(f"r{reform.pk}_comment") or ""
            if any(scores.values()) or comment:
                out.append({"reform": reform.pk, "scores": {k: v for k, v in scores.items() if v}, "comment": comment})
        return out
