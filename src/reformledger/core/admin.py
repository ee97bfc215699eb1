"""``/admin/``: the installation operator's tool, and one that obeys the rules (ADR 0026).

- Only superusers (the operator, who adds districts and the first office accounts) sign in here;
  the reform office keeps its district's units and people on its own pages, through the services.
- Business records (reforms, plans, tasks, reports, orders, decisions, attachments, audit entries,
  tokens…) are read-only here for everybody, superusers included: every change goes through the
  services, which check, keep the lifecycle and the files right, and audit.
- What the operator may edit (people, units, domains, special groups) is audited like a service's
  write; nothing here deletes a person or a unit (deactivate them instead).
"""

from typing import Any, TypeVar

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .adminsite import is_operator
from .audit import diff, log_action
from .models import ApiToken, AuditEntry
from .revocation import revoke_tokens

_M = TypeVar("_M", bound=Model)


class OperatorInlineMixin:
    """Inlines the operator may add, change and delete rows of (the parent's save audits them)."""

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operator(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class ReadOnlyInlineMixin:
    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operator(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    has_change_permission = has_delete_permission = has_add_permission


class ReadOnlyModelAdmin(admin.ModelAdmin[_M]):
    """A business record: the operator looks; the services change it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return is_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


class AuditedModelAdmin(ReadOnlyModelAdmin[_M]):
    """What the operator edits (people, units, domains, groups): writes go to the audit trail, like
    every service's. No deletion unless a subclass allows it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return is_operator(request)

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
class AuditEntryAdmin(ReadOnlyModelAdmin[AuditEntry]):
    """Read-only: the audit trail is appended to by services, never edited."""

    list_display = ("seq", "created_at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_name", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin[ApiToken]):
    """Tokens: read-only (their owner and revocation above all); revoking is an action, audited."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = revoke_tokens(user=request.user, tokens=list(queryset))
        self.message_user(
            request,
            ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
