"""The ``/admin/`` site: the installation operator's (superusers) alone (ADR 0026).

Apart from :mod:`.admin` (which registers models on it): Django builds the default site lazily by
importing this class, and a module that registers on the site while it is being built would
register on a site that is then thrown away.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def is_operator(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class LedgerAdminSite(admin.AdminSite):
    site_header = site_title = _("Reform Ledger administration")
    index_title = _("Organisation, catalogue and records")

    def has_permission(self, request: HttpRequest) -> bool:
        """The operator only: an office member signs in to the office pages, not here."""
        return is_operator(request)
