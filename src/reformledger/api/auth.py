"""Who is calling the API: a bearer token, the browser session, or an anonymous reader.

The three callbacks run in order for every operation (``NinjaAPI(auth=AUTH)``):

1. :class:`BearerToken` — ``Authorization: Bearer TOKEN``. Any ``Authorization`` header that is not
   a live token (unknown, revoked, expired, or made before its owner's password changed: ADR 0028)
   is refused with 401 straight away: a script with a revoked token must notice, not
   silently fall back to the public view.
2. :class:`SessionUser` — the signed-in browser session, so the pages can use the API. Unsafe
   methods by session must carry the CSRF token (header ``X-CSRFToken``), as Django forms do.
3. :func:`anonymous_reader` — a visitor with neither may read (GET/HEAD/OPTIONS): the handlers then
   serve public data only. Anything else is 401 before the request body is even parsed.

Every callback returns the user; handlers read it from ``request.auth``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from reformledger.core.tokens import TokenRefused, user_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpAuthBase):
    """``Authorization: Bearer TOKEN`` with a token from ``reformledger create-token USERNAME``."""

    openapi_scheme = "bearer"
    header = "Authorization"

    def __call__(self, request: HttpRequest) -> Any:
        value = request.headers.get(self.header)
        if not value:
            return None
        scheme, _sep, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(message=_("Send the token as: Authorization: Bearer TOKEN."))
        try:
            user = self.authenticate(request, token.strip())
        except TokenRefused as refused:  # revoked, expired, or its owner's password changed
            raise AuthenticationError(message=str(refused)) from refused
        request.user = user  # the rest of the request (audit trail, logs) sees the token's user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token)


class SessionUser(APIKeyCookie):
    """The browser session. Writes need the CSRF token; reads do not."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # checked before CSRF, so an anonymous write is 401 rather than 403
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header with the session cookie."))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - see __call__
        return None


def anonymous_reader(request: HttpRequest) -> Any:
    """Let a visitor without credentials read; ``None`` (so 401) for anything that writes."""
    if request.method in SAFE_METHODS:
        return AnonymousUser()
    return None


#: The chain every operation runs; ``anonymous_reader`` is not a security scheme, so OpenAPI shows
#: the two real ones (public reads add an empty requirement: credentials optional).
AUTH: list[Callable[..., Any]] = [BearerToken(), SessionUser(csrf=True), anonymous_reader]
