from django.urls import URLPattern, path

from .views import directory, people, units

app_name = "org"
urlpatterns: list[URLPattern] = [
    path("units/", directory.units, name="units"),
    path("units/new/", units.unit_new, name="unit-new"),
    path("units/<int:pk>/", units.unit_edit, name="unit"),
    path("units/<int:pk>/move/", units.unit_move, name="unit-move"),
    path("units/<int:pk>/active/", units.unit_active, name="unit-active"),
    path("people/", directory.people, name="people"),
    path("people/new/", people.person_new, name="person-new"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/roles/", people.membership_add, name="membership-add"),
    path("people/<int:pk>/roles/<int:membership_pk>/remove/", people.membership_remove, name="membership-remove"),
    path("people/<int:pk>/active/", people.person_active, name="person-active"),
    path("people/<int:pk>/password/", people.person_password, name="person-password"),
]
