from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "reformledger.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # --- eval-ratings: the office's rounds in its navigation bar ---
        from reformledger.core.registry import MenuEntry, register_menu_entry
        from reformledger.org.selectors import actor_for

        def sees_rounds(request) -> bool:
            actor = actor_for(request.user)
            return actor.reads_every_district or (actor.is_office and bool(actor.district_ids))

        register_menu_entry(MenuEntry(
            key="evaluation.rounds", label=_("Evaluation"), url_name="evaluation:office-rounds",
            visible=sees_rounds, icon="bi-star-half", order=40,
        ))
        # --- end eval-ratings ---
