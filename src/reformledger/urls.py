from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reformledger.api.api import api
from reformledger.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("reformledger.org.urls_account")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("office/", include("reformledger.cockpit.urls")),
    path("office/", include("reformledger.reforms.urls")),
    path("office/org/", include("reformledger.org.urls")),
    path("office/supervision/", include("reformledger.supervision.urls")),
    path("evaluation/", include("reformledger.evaluation.urls")),
    path("tolerance/", include("reformledger.tolerance.urls")),
    path("", include("reformledger.casestudies.urls")),  # case-studies/ (public) and office/case-studies/
    path("assessment/", include("reformledger.assessment.urls")),
    path("", include("reformledger.portal.urls")),
]
