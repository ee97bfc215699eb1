from django.urls import path

from . import views

app_name = "supervision"
urlpatterns: list = [
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("reforms/<int:pk>/tasks/", views.task_tree, name="tree"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
]
