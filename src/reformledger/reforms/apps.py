from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformsConfig(AppConfig):
    name = "reformledger.reforms"
    label = "reforms"
    verbose_name = _("Reform catalogue")

    def ready(self) -> None:
        from . import registrations

        registrations.register()
