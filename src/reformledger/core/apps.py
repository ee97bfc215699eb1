from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "reformledger.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from . import signin
        from .late import register_late
        from .middleware import SessionTimeoutMiddleware
        from .templatetags.late_values import fill_csrf_token, fill_here
        from .templatetags.menu import fill_badge, fill_total

        user_locked_out.connect(signin.record_lockout, dispatch_uid="reformledger.core.signin.record_lockout")
        user_logged_in.connect(SessionTimeoutMiddleware.mark_signed_in, dispatch_uid="reformledger.core.session_started")
        # The menu's badges, filled each time a page is served (core.late, ADR 0055).
        register_late("menu-badge", fill_badge)
        register_late("menu-total", fill_total)
        # A form's CSRF token in a fragment kept for several people and sessions: each response's own.
        register_late("csrf-token", fill_csrf_token, kept=False)
        # The page's own address (the language form's "next"): a page kept for every page of its list holds none.
        register_late("here", fill_here, kept=False)


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the installation operator's site (:class:`.adminsite.LedgerAdminSite`),
    named in ``INSTALLED_APPS`` instead of ``django.contrib.admin``."""

    default = False
    default_site = "reformledger.core.adminsite.LedgerAdminSite"
