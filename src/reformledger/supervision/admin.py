"""Admin pages of supervision, for the installation's operator: for looking, and for one repair
(failed deliveries, sent again: audited).

Tasks, reports, orders and decisions change only through the pages and the API (their services
keep the roll-up, the levels and the messages right), so here they are read-only (ADR 0026).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reformledger.core.admin import ReadOnlyModelAdmin
from reformledger.core.audit import Change, log_actions

from .delivery import wake_worker
from .models import (
    ChangeRequest,
    Completion,
    Delivery,
    HelpRequest,
    Order,
    ProgressReport,
    Reminder,
    ScanRun,
    Task,
)

ReadOnlyAdmin = ReadOnlyModelAdmin


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "reform", "unit", "due_date", "status", "progress", "level")
    list_filter = ("level", "status")
    search_fields = ("title", "reform__code")
    list_select_related = ("reform", "unit")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("task", "percent", "reporter", "reported_on", "status")
    list_filter = ("status",)
    list_select_related = ("task", "reporter")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "issued_on", "reply_by")
    search_fields = ("code", "title")


@admin.register(Completion, ChangeRequest, HelpRequest)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "status", "created_at")
    list_filter = ("status",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("subject", "kind", "unit", "created_at")
    list_filter = ("kind",)
    search_fields = ("key", "subject")
    list_select_related = ("unit",)


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = ("day", "started_at", "finished_at")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("reminder", "channel", "address", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("address", "reminder__key")
    list_select_related = ("reminder",)
    actions = ["retry"]

    @admin.action(description=_("Send the selected failed deliveries again"))
    def retry(self, request, queryset):
        failed = queryset.filter(status=Delivery.DeliveryStatus.FAILED)
        ids = list(failed.values_list("pk", flat=True))
        failed.update(status=Delivery.DeliveryStatus.PENDING, attempts=0)
        log_actions(
            request.user,
            [Change("delivery.retry", d, {"status": ["failed", "pending"]}) for d in Delivery.objects.filter(pk__in=ids)],
        )
        if ids:
            wake_worker()
        self.message_user(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", len(ids))
            % {"count": len(ids)},
            messages.SUCCESS,
        )
