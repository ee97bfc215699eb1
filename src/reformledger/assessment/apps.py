from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "reformledger.assessment"
    label = "assessment"
    verbose_name = _("Annual assessment")

    def ready(self) -> None:
        from .pages_registrations import register_pages
        from .registrations import register

        register()
        register_pages()
