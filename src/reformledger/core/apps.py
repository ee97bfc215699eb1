from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "reformledger.core"
    label = "core"
    verbose_name = _("Core")


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the installation operator's site (:class:`.adminsite.LedgerAdminSite`),
    named in ``INSTALLED_APPS`` instead of ``django.contrib.admin``."""

    default = False
    default_site = "reformledger.core.adminsite.LedgerAdminSite"
