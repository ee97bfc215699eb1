from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "reformledger.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # --- look-back reviews (回头看), issue 10 part 6 ---
        from .registrations import register_lookback

        register_lookback()
