"""Middleware of our own: the page language, sessions that time out, the Content-Security-Policy.

zh-Hans first: pages use the language the person chose, else the site's default.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an
English browser would show English to people who never asked for it. Here a page's language comes
from the choice made with the language switch (the cookie set by ``/i18n/setlang/``) or
``settings.LANGUAGE_CODE``; only API clients, which cannot click a switch, are answered in the
language their Accept-Language asks for.
"""

import base64
import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            supported = {code for code, _name in settings.LANGUAGES}
            if language not in supported:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionTimeoutMiddleware:
    """End a signed-in session after ``SESSION_IDLE_MINUTES`` without a request, and
    ``SESSION_MAX_HOURS`` after it began, whatever happens (ADR 0028).

    The session keeps when it began and when it was last seen (seconds since the epoch). "Last
    seen" is written at most once a minute, so a busy page view does not write the session (and
    send its cookie) on every request. A session that has run out is ended (as logging out does)
    before the view runs: the request goes on as an anonymous one, and the page says why.
    """

    STARTED = "rl_session_started"
    SEEN = "rl_session_seen"
    TOUCH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            self._check(request, session)
        return self.get_response(request)

    @classmethod
    def mark_signed_in(cls, sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
        """On ``user_logged_in``: the session begins now (saved with the sign-in, no extra write)."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.STARTED] = request.session[cls.SEEN] = int(time.time())

    def _check(self, request: HttpRequest, session: SessionBase) -> None:
        now = int(time.time())
        started, seen = session.get(self.STARTED), session.get(self.SEEN)
        if not isinstance(started, int) or not isinstance(seen, int):  # signed in before this existed
            session[self.STARTED] = session[self.SEEN] = now
            return
        idle = settings.SESSION_IDLE_MINUTES * 60
        if now - seen > idle or now - started > settings.SESSION_MAX_HOURS * 3600:
            logout(request)
            if now - seen > idle:
                message = ngettext(
                    "You were signed out after %(minutes)d minute without activity. Please sign in again.",
                    "You were signed out after %(minutes)d minutes without activity. Please sign in again.",
                    settings.SESSION_IDLE_MINUTES,
                ) % {"minutes": settings.SESSION_IDLE_MINUTES}
            else:
                message = _("Your session has ended. Please sign in again.")
            messages.info(request, message, fail_silently=True)
            return
        if now - seen >= self.TOUCH_SECONDS:
            session[self.SEEN] = now


class ContentSecurityPolicyMiddleware:
    """Send ``settings.CONTENT_SECURITY_POLICY`` with every response (ADR 0029).

    Our pages load scripts and styles from our own static files only: no inline ``<script>``, no
    ``style="…"`` attributes, no ``onclick=``. The one exception is the server-error page, which must
    render even when static files are what broke: its ``<style>`` block is allowed by its hash, on
    5xx responses only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY
        self.error_policy = self.policy.replace("style-src 'self'", f"style-src 'self' '{error_page_style_hash()}'")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.error_policy if response.status_code >= 500 else self.policy
        return response


def error_page_style_hash() -> str:
    """``sha256-…`` of the ``<style>`` block of ``500.html``, as a CSP source."""
    source = (Path(__file__).resolve().parent.parent / "templates" / "500.html").read_text(encoding="utf-8")
    match = re.search(r"<style>(.*?)</style>", source, re.DOTALL)
    digest = hashlib.sha256((match.group(1) if match else "").encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()
