"""A person given a one-time password chooses their own before anything else (ADR 0026).

Until ``must_change_password`` is cleared, every page sends them to the change-password page (and
the API refuses their session with 403); signing out, the language switch, static files and the
password pages themselves stay open.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

#: Names of the pages a person who must change their password may still open.
OPEN_PAGES = ("password_change", "password_change_done", "logout", "set_language", "healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            if not self._open(request.path):
                return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path.startswith(static) or any(path == reverse(name) for name in OPEN_PAGES)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        message = _("Choose your own password first: you signed in with a one-time password.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": []}, status=403)
        return redirect(f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}")
