from django.urls import path

from .views import appeals, commendations, public, unit, versions

app_name = "assessment"
urlpatterns: list = [
    # The public pages (views/public.py)
    path("rankings/", public.rankings, name="public-rankings"),
    path("rankings/<int:pk>/", public.ranking, name="public-ranking"),
    path("rankings/<int:pk>/units/<int:unit>/", public.ranking_unit, name="public-unit"),
    # The unit's pages (views/unit.py, views/appeals.py)
    path("my-score/", unit.my_score, name="my-score"),
    path("my-appeals/", appeals.my_appeals, name="my-appeals"),
    path("lines/<int:pk>/appeal/", appeals.appeal_file, name="appeal-file"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/withdraw/", appeals.appeal_withdraw, name="appeal-withdraw"),
    # The office's appeal queue and commendations (views/appeals.py, views/commendations.py)
    path("office/versions/", versions.version_list, name="versions"),
    path("office/versions/<int:pk>/", versions.version_detail, name="version"),
    path("office/versions/<int:pk>/units/<int:unit>/", versions.version_unit, name="version-unit"),
    path("office/appeals/", appeals.appeal_queue, name="appeal-queue"),
    path("office/commendations/", commendations.commendation_list, name="commendations"),
    path("office/commendations/new/", commendations.commendation_new, name="commendation-new"),
    path("office/commendations/<int:pk>/revoke/", commendations.commendation_revoke, name="commendation-revoke"),
]
