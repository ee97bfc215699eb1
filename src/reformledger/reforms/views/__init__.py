"""The office's pages for the catalogue, one module per noun: the catalogue, a
reform's page with its history, the reform form, the lifecycle, attachments, and the ledger.

Thin: reads come from ``selectors`` (already scoped to the person; one loading policy for a
reform, :func:`~reformledger.reforms.selectors.get_reform`), writes go through ``services``
(permission-checked and audited). Reads of a reform the person may not see answer 404; writes
the person may not make answer 403. Views ask for permissions only to decide what to show.

:func:`office_member_required`, the gate of every office page, lives here: other areas' office
pages use it too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from reformledger.org.selectors import actor_for

from ..selectors import has_full_access


def office_member_required(public_fallback: str | None = None) -> Callable:
    """Login required; then only people who carry reforms (office, committee, leaders, units).

    Others (experts, residents) are sent to the public page named ``public_fallback`` when there
    is one (same URL kwargs), else refused with 403.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not has_full_access(actor_for(request.user)):
                if public_fallback:
                    return redirect(public_fallback, *args, **kwargs)
                raise PermissionDenied(_("These pages are for the reform office and the units that carry reforms."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
