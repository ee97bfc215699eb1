from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformsConfig(AppConfig):
    name = "reformledger.reforms"
    label = "reforms"
    verbose_name = _("Reform catalogue")

    def ready(self) -> None:
        from reformledger.core.late import register_late

        from . import registrations
        from .views.catalogue import fill_results

        registrations.register()
        # The catalogue's results, filled as its page is served (core.late, ADR 0055).
        register_late("catalogue-results", fill_results, own_entry=False, per_query=True)
