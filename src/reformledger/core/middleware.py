"""zh-Hans first: pages use the language the person chose, else the site's default.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an
English browser would show English to people who never asked for it. Here a page's language comes
from the choice made with the language switch (the cookie set by ``/i18n/setlang/``) or
``settings.LANGUAGE_CODE``; only API clients, which cannot click a switch, are answered in the
language their Accept-Language asks for.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
