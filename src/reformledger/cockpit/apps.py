from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "reformledger.cockpit"
    label = "cockpit"
    verbose_name = _("Workbench")

    def ready(self) -> None:
        from reformledger.core.late import register_late
        from reformledger.core.registry import MenuEntry, register_menu_entry

        from . import views
        from .figures import fill_figure, fill_warning_figure

        # What changes with every report, decision or level moved, filled as the workbench is served (ADR 0055).
        register_late("workbench-figure", fill_figure)
        register_late("workbench-warning", fill_warning_figure)
        register_late("workbench-warnings", views.fill_warning_rows, own_entry=False)
        register_late("workbench-preview", views.fill_preview, own_entry=False)

        # The workbench leads the office's navigation bar; the queues the office and leaders work
        # through carry their counts in the Supervision menu (one cheap count each, cached until
        # the next audited write, shared with the workbench within a request).
        register_menu_entry(MenuEntry(
            key="cockpit.workbench", label=_("Workbench"), url_name="cockpit:workbench",
            visible=views.sees_workbench, icon="bi-speedometer2", order=10,
        ))
        register_menu_entry(MenuEntry(
            key="cockpit.reports", section="supervision", label=_("Reports to review"),
            url_name="supervision:reports", visible=views.sees_reports, badge=views.reports_badge,
            icon="bi-clipboard-check", order=10,
        ))
        register_menu_entry(MenuEntry(
            key="cockpit.decisions", section="supervision", label=_("Decisions"),
            url_name="supervision:decisions", visible=views.sees_decisions, badge=views.decisions_badge,
            icon="bi-check2-square", order=20,
        ))
        register_menu_entry(MenuEntry(
            key="cockpit.help", section="supervision", label=_("Help needed"),
            url_name="supervision:help", visible=views.sees_help, badge=views.help_badge,
            icon="bi-life-preserver", order=30,
        ))
