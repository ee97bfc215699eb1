from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from reformledger.core.admin import AuditedModelAdmin

from .models import Domain, Membership, SpecialGroup, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)
    filter_horizontal = ("domains",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Reform Ledger"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "parent", "district", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent", "district")
    autocomplete_fields = ("parent",)
    readonly_fields = ("district",)


@admin.register(Domain)
class DomainAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "sort_order")
    search_fields = ("code", "name")


@admin.register(SpecialGroup)
class SpecialGroupAdmin(AuditedModelAdmin):
    list_display = ("name", "domain", "district", "leader")
    list_select_related = ("domain", "district", "leader")
    autocomplete_fields = ("leader", "member_units", "district")
