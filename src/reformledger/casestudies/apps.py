from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseStudiesConfig(AppConfig):
    name = "reformledger.casestudies"
    label = "casestudies"
    verbose_name = _("Case studies")

    def ready(self) -> None:
        from .registrations import register

        register()
