from django.urls import path

from . import views

app_name = "org"
urlpatterns: list = [
    path("units/", views.units, name="units"),
    path("people/", views.people, name="people"),
]
