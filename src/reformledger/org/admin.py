from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from reformledger.core.admin import AuditedModelAdmin, OfficeInlineMixin
from reformledger.core.audit import log_action

from .models import Domain, Membership, Role, SpecialGroup, Unit, User


class MembershipInline(OfficeInlineMixin, admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)
    filter_horizontal = ("domains",)


#: Fields that grant power outside the programme's own roles: only a superuser may set them.
SUPERUSER_FIELDS = ("is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(AuditedModelAdmin[User], BaseUserAdmin[User]):
    """People. The reform office manages people and their roles; only a superuser may make a
    superuser, touch a superuser's or an office member's account, or change their passwords."""

    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Reform Ledger"), {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str] | tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else (*readonly, *SUPERUSER_FIELDS)

    def _guarded(self, request: HttpRequest, obj: User | None) -> bool:
        """True when ``obj`` is an account only a superuser may change (a superuser, an office member)."""
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return False
        return obj.is_superuser or obj.memberships.filter(role=Role.OFFICE).exists()

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_change_permission(request, obj) and not self._guarded(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._guarded(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        user = self.get_object(request, unquote(id))
        if user is not None and self._guarded(request, user):
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            log_action(request.user, "admin.password", user, {"password": ["<redacted>", "<redacted>"]})
        return response


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin[Unit]):
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
