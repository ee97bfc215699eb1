from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bench.floors import floor_api, rating_floor_one, rating_floor_two
from reformledger.urls import urlpatterns as app_urlpatterns


def bare(request):
    """The floor: a view that does nothing, behind the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def bare_write(request):
    """The floor of a write: one row inserted and committed (one statement, autocommit), nothing
    checked, behind the same middleware and server. ``bench/ratings.py`` makes its table."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare_write (body) VALUES (%s) RETURNING id", [request.body[:200].decode("utf-8", "replace")])
        row = cursor.fetchone()
    return HttpResponse(str(row[0]), content_type="text/plain", status=201)


urlpatterns = [
    path("bench/bare", bare),
    path("bench/bare-write", bare_write),
    path("bench/floor/two/<int:round_id>/ratings", rating_floor_two),
    path("bench/floor/one/<int:round_id>/ratings", rating_floor_one),
    path("bench/floor/api/", floor_api.urls),
    *app_urlpatterns,
]
