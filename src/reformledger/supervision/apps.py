from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "reformledger.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from reformledger.core.late import register_late
        from reformledger.reforms.signals import reform_dates_checked, reforms_changed, reforms_dates_checked

        from .registrations import register as register_with_core
        from .selectors.tasks import task_outside_dates, tasks_outside_dates
        from .services.tasks import on_reforms_changed

        reforms_changed.connect(on_reforms_changed, dispatch_uid="supervision.on_reforms_changed")
        # A reform's dates cannot shrink so that its tasks fall outside them.
        reform_dates_checked.connect(task_outside_dates, dispatch_uid="supervision.task_outside_dates")
        reforms_dates_checked.connect(tasks_outside_dates, dispatch_uid="supervision.tasks_outside_dates")
        # Reading the inbox is not audited: a kept page gets its unread count each time it is served.
        from .templatetags.supervision import fill_inbox_link

        register_late("inbox-link", fill_inbox_link, kept=False)
        # The warning board's results and orders overdue change whenever a level moves (ADR 0052, 0055).
        from .views.board import fill_late_orders, fill_results

        register_late("board-results", fill_results, own_entry=False, per_query=True)
        register_late("board-orders", fill_late_orders)
        register_with_core()
