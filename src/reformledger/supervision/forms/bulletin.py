"""The bulletin's period and district."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reformledger.org.models import Unit

from ..bulletin import Period
from .common import style


class BulletinForm(forms.Form):
    """The bulletin's period (a month) and, when the person works in several, the district."""

    period = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
    )
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, districts: list[Unit], allow_all: bool):
        super().__init__(data, initial={"period": Period.of(timezone.localdate()).code})
        choices: list[tuple[Any, Any]] = [(d.pk, d.name) for d in districts]
        if allow_all and len(districts) > 1:
            choices = [("", _("All districts")), *choices]
        cast(forms.ChoiceField, self.fields["district"]).choices = choices
        self.districts = {d.pk: d for d in districts}
        self.allow_all = allow_all
        if len(districts) <= 1:
            self.fields["district"].widget = forms.HiddenInput()
        style(self)

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["period"]) from exc

    def clean_district(self) -> Unit | None:
        pk = self.cleaned_data.get("district")
        if pk is None:
            if self.allow_all or not self.districts:
                return None
            if len(self.districts) == 1:
                return next(iter(self.districts.values()))
            raise ValidationError(_("Choose a district."))
        return self.districts[pk]

    def choice(self) -> tuple[Period, Unit | None]:
        """The valid choice, or this month and the default district when the form is unbound."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"], self.cleaned_data["district"]
        district = None
        if not self.allow_all and self.districts:
            district = next(iter(self.districts.values()))
        elif len(self.districts) == 1:
            district = next(iter(self.districts.values()))
        return Period.of(timezone.localdate()), district
