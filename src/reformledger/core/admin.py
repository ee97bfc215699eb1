"""Admin site: every save and delete made in /admin/ is written to the audit trail too."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .audit import diff, log_action
from .models import ApiToken, AuditEntry

#: Granted by the organisation's rules to reform-office members (``org/rules.py``).
OFFICE_PERMISSION = "org.office"

_M = TypeVar("_M", bound=Model)


def _is_office(request: HttpRequest) -> bool:
    return request.user.has_perm(OFFICE_PERMISSION)


class OfficeInlineMixin:
    """Inlines of the office's admin pages: the office may add, change and delete their rows
    (the parent's save writes the audit entry)."""

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return _is_office(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class AuditedModelAdmin(admin.ModelAdmin[_M]):
    """A ModelAdmin for the reform office: writes go to the audit trail, like every service's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_office(request)

    def has_view_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return _is_office(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_office(request)

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return _is_office(request)

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return _is_office(request)

    #: Fields never copied into the audit trail.
    audit_exclude = ("password",)

    def _audit_values(self, obj: _M) -> dict[str, Any]:
        values = model_to_dict(obj)
        return {k: ("<redacted>" if k in self.audit_exclude else v) for k, v in values.items()}

    # ``form`` is the ModelForm of ``obj``; it carries the values from before the save to
    # save_related, which records the change once the many-to-many fields are saved too.
    def save_model(self, request: HttpRequest, obj: _M, form: Any, change: bool) -> None:
        form.audit_before = (
            self._audit_values(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = diff(getattr(form, "audit_before", {}), self._audit_values(obj))
        log_action(request.user, "admin.change" if change else "admin.add", obj, changes)

    def delete_model(self, request: HttpRequest, obj: _M) -> None:
        log_action(request.user, "admin.delete", obj, {k: [v, None] for k, v in self._audit_values(obj).items()})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_M]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the audit trail is appended to by services, never edited."""

    list_display = ("seq", "created_at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_name", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_office(request)

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return _is_office(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    # A token's lifetime is set when it is made (ADR 0028): nobody extends it here.
    readonly_fields = ("prefix", "key_hash", "created_at", "expires_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are made with `reformledger create-token`, which shows the key once


admin.site.site_header = admin.site.site_title = _("Reform Ledger administration")
admin.site.index_title = _("Organisation, catalogue and records")
