"""The one permission check every service makes: :func:`require`.

Permissions are ``rules`` predicates registered by each app (``<app>/rules.py``). Services call
``require(user, "app.perm", obj)`` once, at the top of the write; views and API handlers do not
check again (they only decide what to *show*, e.g. whether to offer a button). A failed check
raises :class:`~django.core.exceptions.PermissionDenied`, which pages answer with 403 and the API
with its error shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_MESSAGE = _("You may not do this.")


def require(user: Any, perm: str, obj: object | None = None, *, message: str | Promise | None = None) -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` (on ``obj`` when given)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message or DEFAULT_MESSAGE)
