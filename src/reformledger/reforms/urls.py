from django.urls import include, path

from .views import attachments, catalogue, detail, edit, lifecycle

app_name = "reforms"
urlpatterns: list = [
    path("reforms/", catalogue.catalogue, name="catalogue"),
    path("reforms/new/", edit.create, name="create"),
    path("reforms/<int:pk>/", detail.detail, name="detail"),
    path("reforms/<int:pk>/edit/", edit.edit, name="edit"),
    path("reforms/<int:pk>/transition/", lifecycle.transition, name="transition"),
    path("reforms/<int:pk>/attachments/", attachments.attach, name="attach"),
    path("reforms/<int:pk>/attachments/<int:attachment_id>/", attachments.attachment, name="attachment"),
    path(
        "reforms/<int:pk>/attachments/<int:attachment_id>/remove/",
        attachments.remove_attachment,
        name="attachment-remove",
    ),
    path(
        "reforms/<int:pk>/attachments/<int:attachment_id>/public/",
        attachments.attachment_public,
        name="attachment-public",
    ),
    path("ledger/", include("reformledger.reforms.urls_ledger")),
]
