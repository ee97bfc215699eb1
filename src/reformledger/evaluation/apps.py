from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "reformledger.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        # Issue 10 parts 2/4: audited writes to packs and slip imports touch their round's district (core.cache).
        from reformledger.core.cache import register_district_of

        from .models import PaperSlipImport, RatingCodePack

        register_district_of(RatingCodePack, lambda pack: pack.round.district_id)
        register_district_of(PaperSlipImport, lambda record: record.round.district_id)
        # --- look-back reviews (回头看), issue 10 part 6 ---
        from .registrations import register_lookback

        register_lookback()
