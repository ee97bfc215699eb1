"""People and units in ``/admin/``: the installation operator's (superusers) alone, audited (ADR 0026).

Nobody is deleted here (deactivate instead: the audit chain names people), a superuser least of
all. A password the operator sets for someone else is a one-time password: the person replaces it
at the next sign-in (``must_change_password``).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from reformledger.core.admin import AuditedModelAdmin, OperatorInlineMixin
from reformledger.core.audit import log_action

from .models import Domain, Membership, SpecialGroup, Unit, User
from .services.passwords import ONE_TIME_SUBJECT, ONE_TIME_TEXT, tell
from .services.units import check_webhook


class MembershipInline(OperatorInlineMixin, admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)
    filter_horizontal = ("domains",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User], BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Reform Ledger"), {"fields": ("full_name", "phone", "must_change_password")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.must_change_password = True  # the operator set the first password: a one-time one
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            person = User.objects.get(pk=id)
            others = person.pk != request.user.pk
            if others:
                User.objects.filter(pk=person.pk).update(must_change_password=True)
            entry = log_action(request.user, "admin.password", person,
                               {"password": ["<redacted>", "<redacted>"], "must_change_password": [None, others]})
            if others:
                tell(person, by=request.user, key=f"account:password:{entry.seq}",  # type: ignore[arg-type]
                     subject=ONE_TIME_SUBJECT, text=ONE_TIME_TEXT, values={"by": str(request.user)})
        return response


class UnitAdminForm(forms.ModelForm[Unit]):
    webhook_url = forms.URLField(label=_("group robot webhook"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Unit
        fields = ("code", "name", "kind", "parent", "sort_order", "is_active", "webhook_url")

    def clean_webhook_url(self) -> str:
        url = str(self.cleaned_data.get("webhook_url") or "")
        check_webhook(url)
        return url


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin[Unit]):
    form = UnitAdminForm
    list_display = ("code", "name", "kind", "parent", "district", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent", "district")
    autocomplete_fields = ("parent",)
    readonly_fields = ("district",)


@admin.register(Domain)
class DomainAdmin(AuditedModelAdmin[Domain]):
    list_display = ("code", "name", "sort_order")
    search_fields = ("code", "name")


@admin.register(SpecialGroup)
class SpecialGroupAdmin(AuditedModelAdmin[SpecialGroup]):
    list_display = ("name", "domain", "district", "leader")
    list_select_related = ("domain", "district", "leader")
    autocomplete_fields = ("leader", "member_units", "district")
