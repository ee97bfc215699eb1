from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Where a signed-in person starts (the brand link of the office pages): the page that sends
        # each role to its own start, so the layout names no app above core.
        "START_URL": SimpleLazyObject(lambda: resolve_url(settings.LOGIN_REDIRECT_URL)),
        # People reset their own password by an e-mail link only where real mail is set up (ADR 0026).
        "PASSWORD_RESET_BY_EMAIL": getattr(settings, "EMAIL_CONFIGURED", False),
    }
