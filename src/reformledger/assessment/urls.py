from django.urls import path

from .views import appeals, commendations, public, schemes, unit, versions, whatif

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
    # The office's schemes (views/schemes.py, views/whatif.py)
    path("office/schemes/", schemes.scheme_list, name="schemes"),
    path("office/schemes/<int:pk>/", schemes.scheme_detail, name="scheme"),
    path("office/schemes/<int:pk>/export.yaml", schemes.scheme_export, name="scheme-export"),
    path("office/schemes/<int:pk>/adopt/", schemes.scheme_adopt, name="scheme-adopt"),
    path("office/schemes/<int:pk>/revise/", schemes.scheme_revise, name="scheme-revise"),
    path("office/schemes/<int:pk>/compute/", schemes.scheme_compute, name="scheme-compute"),
    path("office/schemes/<int:pk>/what-if/", whatif.what_if, name="what-if"),
    path("office/schemes/<int:pk>/rules/new/", schemes.rule_new, name="rule-new"),
    path("office/schemes/<int:pk>/rules/<int:rule>/", schemes.rule_edit, name="rule-edit"),
    path("office/schemes/<int:pk>/rules/<int:rule>/delete/", schemes.rule_delete, name="rule-delete"),
    # The office's versions (views/versions.py)
    path("office/versions/", versions.version_list, name="versions"),
    path("office/versions/<int:pk>/", versions.version_detail, name="version"),
    path("office/versions/<int:pk>/units/<int:unit>/", versions.version_unit, name="version-unit"),
    path("office/versions/<int:pk>/diff/", versions.version_diff, name="version-diff"),
    path("office/versions/<int:pk>/review/", versions.version_review, name="version-review"),
    path("office/versions/<int:pk>/publish/", versions.version_publish, name="version-publish"),
    path("office/appeals/", appeals.appeal_queue, name="appeal-queue"),
    path("office/commendations/", commendations.commendation_list, name="commendations"),
    path("office/commendations/new/", commendations.commendation_new, name="commendation-new"),
    path("office/commendations/<int:pk>/", commendations.commendation_detail, name="commendation"),
    path("office/commendations/<int:pk>/revoke/", commendations.commendation_revoke, name="commendation-revoke"),
]
