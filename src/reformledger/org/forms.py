"""The office's forms for units and people: they parse input into the services' typed arguments
(the services check the rest: the district, the roles that may be granted, the robot address)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reformledger.core.forms import style

from .models import Domain, LeaderTier, Role, Unit, UnitKind, User

#: Roles the office grants (``org.services.people.GRANTABLE_ROLES``, in the form's order).
ROLE_CHOICES = [(r.value, r.label) for r in (Role.OFFICE, Role.COMMITTEE, Role.LEADER, Role.UNIT_HEAD, Role.UNIT_STAFF)]
KIND_CHOICES = [(k.value, k.label) for k in UnitKind if k != UnitKind.DISTRICT]




class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


class UnitForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, allow_unicode=True,
                           help_text=_("Short and unique in the installation: letters, digits, hyphens."))
    name = forms.CharField(label=Unit._meta.get_field("name").verbose_name, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    webhook_url = forms.URLField(
        label=_("Group robot address"), required=False, max_length=200, assume_scheme="https",
        help_text=_("The WeCom or DingTalk group robot's webhook that receives the unit's reminders."),
    )

    def __init__(self, *args: Any, is_district: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        if is_district:
            kind.choices = [(UnitKind.DISTRICT.value, UnitKind.DISTRICT.label)]
        style(self)


class NewUnitForm(UnitForm):
    parent = UnitChoiceField(label=_("Under"), queryset=Unit.objects.none())

    field_order = ["parent", "code", "name", "kind", "sort_order", "webhook_url"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = units
        style(self)


class MoveUnitForm(forms.Form):
    parent = UnitChoiceField(label=_("Move under"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = units
        style(self)


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Job title"), required=False, max_length=100)
    leader_tier = forms.ChoiceField(label=_("Leader tier"), required=False,
                                    choices=[("", "—"), *LeaderTier.choices],
                                    help_text=_("Leaders only: main district leader or in charge of domains."))
    domains = forms.ModelMultipleChoiceField(label=_("Domains in charge"), required=False,
                                             queryset=Domain.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit, domains = self.fields["unit"], self.fields["domains"]
        assert isinstance(unit, forms.ModelChoiceField) and isinstance(domains, forms.ModelMultipleChoiceField)
        unit.queryset = units
        domains.queryset = Domain.objects.order_by("sort_order", "code")
        style(self)


class NewPersonForm(ContactForm, MembershipForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("What the person signs in with; it cannot be changed later."))

    field_order = ["username", "full_name", "email", "phone", "role", "unit", "title", "leader_tier", "domains"]

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username
