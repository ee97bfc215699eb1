from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToleranceConfig(AppConfig):
    name = "reformledger.tolerance"
    label = "tolerance"
    verbose_name = _("Fault tolerance")

    def ready(self) -> None:
        from .registrations import register

        register()
