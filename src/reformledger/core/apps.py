from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "reformledger.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from . import signin

        user_locked_out.connect(signin.record_lockout, dispatch_uid="reformledger.core.signin.record_lockout")
