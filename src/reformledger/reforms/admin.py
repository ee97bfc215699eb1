from django.contrib import admin

from reformledger.core.admin import AuditedModelAdmin, OfficeInlineMixin

from .models import Attachment, LedgerImport, Plan, Reform


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ("title", "year", "district", "status", "adopted_on")
    list_filter = ("status", "year")
    search_fields = ("title", "year")
    list_select_related = ("district",)
    autocomplete_fields = ("district",)


class AttachmentInline(OfficeInlineMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "file", "size", "is_public", "uploaded_by")
    readonly_fields = ("size", "uploaded_by")


@admin.register(Reform)
class ReformAdmin(AuditedModelAdmin):
    """For corrections by the office. Status changes belong on the reform's page (the lifecycle)."""

    list_display = ("code", "title", "tier", "year", "domain", "lead_unit", "status", "progress")
    list_filter = ("tier", "status", "year", "domain")
    search_fields = ("code", "title")
    list_select_related = ("domain", "lead_unit")
    autocomplete_fields = ("lead_unit", "co_units", "responsible_leader", "plan", "district")
    readonly_fields = ("status",)
    inlines = [AttachmentInline]


@admin.register(LedgerImport)
class LedgerImportAdmin(AuditedModelAdmin):
    list_display = ("filename", "uploaded_by", "status", "rows_total", "created_at")
    list_filter = ("status",)
    readonly_fields = ("uploaded_by", "file", "filename", "status", "rows_total", "rows_done", "summary", "errors")
