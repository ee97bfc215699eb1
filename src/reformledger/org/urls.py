from django.urls import URLPattern, path

from . import views

app_name = "org"
urlpatterns: list[URLPattern] = [
    path("units/", views.units, name="units"),
    path("people/", views.people, name="people"),
]
