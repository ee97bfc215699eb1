"""The catalogue in ``/admin/``: read-only for everybody (ADR 0026). Reforms, plans, attachments and
ledger imports change only through the services (the lifecycle, the lock of a completed reform, the
district of the lead unit, the content check of a file)."""

from django.contrib import admin

from reformledger.core.admin import ReadOnlyInlineMixin, ReadOnlyModelAdmin

from .models import Attachment, LedgerImport, Plan, Reform


@admin.register(Plan)
class PlanAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "year", "district", "status", "adopted_on")
    list_filter = ("status", "year")
    search_fields = ("title", "year")
    list_select_related = ("district",)


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("name", "file", "size", "is_public", "uploaded_by")
    readonly_fields = fields


@admin.register(Reform)
class ReformAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "title", "tier", "year", "domain", "lead_unit", "status", "progress")
    list_filter = ("tier", "status", "year", "domain")
    search_fields = ("code", "title")
    list_select_related = ("domain", "lead_unit")
    inlines = [AttachmentInline]


@admin.register(LedgerImport)
class LedgerImportAdmin(ReadOnlyModelAdmin):
    list_display = ("filename", "uploaded_by", "status", "rows_total", "created_at")
    list_filter = ("status",)
