from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "reformledger.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from reformledger.reforms.signals import reforms_changed

        from .rollup import refresh_reforms

        reforms_changed.connect(refresh_reforms, dispatch_uid="supervision.refresh_reforms")
