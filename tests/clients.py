"""Test clients that read the pages in a chosen language, as the language switch sets it."""

from django.conf import settings
from django.test import Client


def english_client(**kwargs) -> Client:
    """A client that chose English (the cookie of ``/i18n/setlang/``): stable text for assertions."""
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
