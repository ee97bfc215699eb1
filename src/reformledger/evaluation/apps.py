from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "reformledger.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # --- expert panels (eval-panels) ---
        from reformledger.core.cache import register_district_of
        from reformledger.core.registry import MenuEntry, register_audit_labels, register_menu_entry

        from .models import Panel, Sheet

        def sheet_district(sheet: Sheet) -> int | None:
            panel = sheet._state.fields_cache.get("panel")
            if isinstance(panel, Panel):
                return panel.district_id
            return Panel.objects.filter(pk=sheet.panel_id).values_list("district_id", flat=True).first()

        register_district_of(Sheet, sheet_district)
        register_audit_labels({
            "expert.add": _("added an expert to the pool"),
            "panel.form": _("formed an expert panel"),
            "panel.change": _("changed an expert panel"),
            "panel.open_scoring": _("opened the panel's scoring"),
            "panel.close": _("closed the panel"),
            "sheet.save": _("saved a scoring sheet"),
            "sheet.submit": _("submitted a scoring sheet"),
            "sheet.reopen": _("reopened a scoring sheet"),
        }, creates=("expert.add", "panel.form"))
        register_menu_entry(MenuEntry(
            key="evaluation.panels", label=_("Expert panels"), url_name="evaluation:panels",
            visible=lambda request: request.user.has_perm("evaluation.view_panel"), icon="bi-people-fill", order=60,
        ))
        # --- end expert panels ---
