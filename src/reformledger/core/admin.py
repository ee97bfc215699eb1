"""Admin site: every save and delete made in /admin/ is written to the audit trail too."""

from django.contrib import admin
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .audit import diff, log_action
from .models import ApiToken, AuditEntry

#: Granted by the organisation's rules to reform-office members (``org/rules.py``).
OFFICE_PERMISSION = "org.office"


class OfficeInlineMixin:
    """Inlines of the office's admin pages: the office may add, change and delete their rows
    (the parent's save writes the audit entry)."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(OFFICE_PERMISSION)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin for the reform office: writes go to the audit trail, like every service's."""

    def has_module_permission(self, request):
        return request.user.has_perm(OFFICE_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(OFFICE_PERMISSION)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission

    #: Fields never copied into the audit trail.
    audit_exclude = ("password",)

    def _audit_values(self, obj) -> dict:
        values = model_to_dict(obj)
        return {k: ("<redacted>" if k in self.audit_exclude else v) for k, v in values.items()}

    def save_model(self, request, obj, form, change):
        obj._audit_before = self._audit_values(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = diff(getattr(obj, "_audit_before", {}), self._audit_values(obj))
        log_action(request.user, "admin.change" if change else "admin.add", obj, changes)

    def delete_model(self, request, obj):
        log_action(request.user, "admin.delete", obj, {k: [v, None] for k, v in self._audit_values(obj).items()})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is appended to by services, never edited."""

    list_display = ("seq", "created_at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_name", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request):
        return request.user.has_perm(OFFICE_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(OFFICE_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # tokens are made with `reformledger create-token`, which shows the key once


admin.site.site_header = admin.site.site_title = _("Reform Ledger administration")
admin.site.index_title = _("Organisation, catalogue and records")
