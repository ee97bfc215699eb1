"""The ledger pages, under ``/office/ledger/`` in the ``reforms`` namespace."""

from django.urls import path

from .views import ledger

urlpatterns = [
    path("export/", ledger.export, name="ledger-export"),
    path("import/", ledger.import_upload, name="ledger-import"),
    path("import/<int:pk>/", ledger.import_detail, name="ledger-import-detail"),
    path("import/<int:pk>/confirm/", ledger.import_confirm, name="ledger-import-confirm"),
    path("import/<int:pk>/retry/", ledger.import_retry, name="ledger-import-retry"),
]
