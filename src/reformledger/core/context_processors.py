from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import Promise


def site(request: HttpRequest) -> dict[str, str | Promise]:
    return {"SITE_NAME": settings.SITE_NAME}
