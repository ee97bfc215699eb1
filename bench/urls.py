from django.http import HttpResponse
from django.urls import path

from reformledger.urls import urlpatterns as app_urlpatterns


def bare(request):
    """The floor: a view that does nothing, behind the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *app_urlpatterns]
