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
