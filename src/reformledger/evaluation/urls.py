from django.urls import path  # noqa: F401

app_name = "evaluation"
urlpatterns: list = []

# --- results, rating code packs, paper slips (issue 10 parts 2 and 4) ---------------------------
from .views import offline as offline_views  # noqa: E402
from .views import results as results_views  # noqa: E402

urlpatterns += [
    path("rounds/<int:pk>/results/", results_views.round_results_page, name="round-results"),
    path("rounds/<int:pk>/results.csv", results_views.round_results_export, {"fmt": "csv"}, name="round-results-csv"),
    path("rounds/<int:pk>/results.xlsx", results_views.round_results_export, {"fmt": "xlsx"}, name="round-results-xlsx"),
    path("rounds/<int:pk>/anomalies/", results_views.round_anomalies_page, name="round-anomalies"),
    path("rounds/<int:pk>/codes/", offline_views.code_packs, name="code-packs"),
    path("rounds/<int:pk>/codes/<int:pack>/download/", offline_views.code_pack_download, name="code-pack-download"),
    path("rounds/<int:pk>/slips/", offline_views.slips, name="slips"),
    path("rounds/<int:pk>/slips/template.xlsx", offline_views.slips_template, name="slips-template"),
    path("rounds/<int:pk>/code/", offline_views.code_rate, name="code-rate"),
]

# --- look-back reviews (回头看), issue 10 part 6 ----------------------------------------------------
from .views import lookback as _lookback  # noqa: E402

urlpatterns += [
    path("lookback/", _lookback.lookback_list, name="lookback-list"),
    path("lookback/schedule-due/", _lookback.lookback_schedule_due, name="lookback-schedule-due"),
    path("lookback/reforms/<int:pk>/new/", _lookback.lookback_new, name="lookback-new"),
    path("lookback/<int:pk>/", _lookback.lookback_detail, name="lookback"),
    path("lookback/<int:pk>/edit/", _lookback.lookback_edit, name="lookback-edit"),
    path("lookback/<int:pk>/conclude/", _lookback.lookback_conclude, name="lookback-conclude"),
    path("lookback/<int:pk>/reopen/", _lookback.lookback_reopen, name="lookback-reopen"),
    path("lookback/problems/<int:pk>/follow-up/", _lookback.lookback_follow_up, name="lookback-follow-up"),
]
# --- eval-ratings: residents, rounds, ratings, the office's rounds and moderation ---
from .views import ratings as _ratings  # noqa: E402
from .views import residents as _residents  # noqa: E402
from .views import rounds as _rounds  # noqa: E402

urlpatterns += [
    path("signup/", _residents.signup, name="signup"),
    path("rounds/", _ratings.open_rounds, name="open-rounds"),
    path("rounds/<int:pk>/", _ratings.round_page, name="round"),
    path("rounds/<int:pk>/reforms/<int:reform_pk>/rate/", _ratings.rate, name="rate"),
    path("my-ratings/", _ratings.my_ratings, name="my-ratings"),
    path("office/rounds/", _rounds.round_list, name="office-rounds"),
    path("office/rounds/new/", _rounds.round_new, name="office-round-new"),
    path("office/rounds/<int:pk>/", _rounds.round_detail, name="office-round"),
    path("office/rounds/<int:pk>/edit/", _rounds.round_edit, name="office-round-edit"),
    path("office/rounds/<int:pk>/close/", _rounds.round_close, name="office-round-close"),
    path("office/rounds/<int:pk>/publish/", _rounds.round_publish, name="office-round-publish"),
    path("office/moderation/", _ratings.moderation, name="moderation"),
    path("office/ratings/<int:pk>/moderate/", _ratings.moderate, name="moderate"),
]
# --- end eval-ratings ---
