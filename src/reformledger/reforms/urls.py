from django.urls import include, path

from . import views

app_name = "reforms"
urlpatterns: list = [
    path("reforms/", views.catalogue, name="catalogue"),
    path("reforms/new/", views.create, name="create"),
    path("reforms/<int:pk>/", views.detail, name="detail"),
    path("reforms/<int:pk>/edit/", views.edit, name="edit"),
    path("reforms/<int:pk>/transition/", views.transition, name="transition"),
    path("reforms/<int:pk>/attachments/", views.attach, name="attach"),
    path("reforms/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path(
        "reforms/<int:pk>/attachments/<int:attachment_id>/remove/", views.remove_attachment, name="attachment-remove"
    ),
    path(
        "reforms/<int:pk>/attachments/<int:attachment_id>/public/", views.attachment_public, name="attachment-public"
    ),
    path("ledger/", include("reformledger.reforms.urls_ledger")),
]
