from django.urls import path  # noqa: F401

app_name = "evaluation"
urlpatterns: list = []

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
