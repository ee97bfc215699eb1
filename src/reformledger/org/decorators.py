"""Gates of pages, decided from the person's :class:`~reformledger.org.selectors.Actor`.

:func:`office_member_required` guards every office page, whichever area it belongs to: the
catalogue's, supervision's, the workbench's. It lives with the Actor it reads, so no area's pages
import another area's pages for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .selectors import actor_for, has_full_access

View = TypeVar("View", bound=Callable[..., Any])


def office_member_required(public_fallback: str | None = None) -> Callable[[View], View]:
    """Login required; then only people who carry reforms (office, committee, leaders, units).

    Others (experts, residents) are sent to the public page named ``public_fallback`` when there
    is one (same URL kwargs), else refused with 403.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not has_full_access(actor_for(request.user)):
                if public_fallback:
                    return redirect(public_fallback, *args, **kwargs)
                raise PermissionDenied(_("These pages are for the reform office and the units that carry reforms."))
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]  # the same view, behind the gate

    return decorator
