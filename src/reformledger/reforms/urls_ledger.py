"""The ledger pages, under ``/office/ledger/`` in the ``reforms`` namespace."""

from django.urls import path

from . import views_ledger

urlpatterns = [
    path("export/", views_ledger.export, name="ledger-export"),
    path("import/", views_ledger.import_upload, name="ledger-import"),
    path("import/<int:pk>/", views_ledger.import_detail, name="ledger-import-detail"),
    path("import/<int:pk>/confirm/", views_ledger.import_confirm, name="ledger-import-confirm"),
]
