from django.urls import include, path

app_name = "reforms"
urlpatterns: list = [
    path("ledger/", include("reformledger.reforms.urls_ledger")),
]
