from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns: list = [
    path("", views.workbench, name="workbench"),
    path("start/", views.start, name="start"),
]
