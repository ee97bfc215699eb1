from django.urls import path  # noqa: F401

app_name = "evaluation"
urlpatterns: list = []

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
