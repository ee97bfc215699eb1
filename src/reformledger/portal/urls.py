from django.urls import path

from . import views

app_name = "portal"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("reforms/", views.catalogue, name="catalogue"),
    path("reforms/<int:pk>/", views.detail, name="detail"),
    path("reforms/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
