"""Every person's own password pages, under ``/accounts/`` beside sign-in (the names Django's
views and e-mail templates use, so no namespace)."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from .views import account

urlpatterns: list[URLPattern] = [
    path("password/change/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", account.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
